// The matmul register tile: an MR×NR = 4×8 block of C held in eight f32x4 accumulators (two per row) while
// the k loop runs over packed operands (see matmulPack.ts). Each step broadcasts the four A values of that
// step (load32_splat) and loads the 8 B values of that step: 32 multiply-adds for 6 loads.

import { MR, NR } from './matmulPack';
import { madd } from './simd';

/**
 * C[0..rows, 0..cols] (+)= Apacked · Bpacked over kc steps. `c` is the tile's top-left entry and ldc the
 * byte stride of C's rows; `tail` is a scratch of MR·NR floats for tiles cut by the edge of C.
 */
export function multiplyTile(
  packedA: usize,
  packedB: usize,
  kc: i32,
  c: usize,
  ldc: usize,
  rows: i32,
  cols: i32,
  add: bool,
  tail: usize,
): void {
  let c00 = f32x4.splat(0);
  let c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0);
  let c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0);
  let c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0);
  let c31 = f32x4.splat(0);
  let pa = packedA;
  let pb = packedB;
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load32_splat(pa);
    c00 = madd(a, b0, c00);
    c01 = madd(a, b1, c01);
    a = v128.load32_splat(pa, 4);
    c10 = madd(a, b0, c10);
    c11 = madd(a, b1, c11);
    a = v128.load32_splat(pa, 8);
    c20 = madd(a, b0, c20);
    c21 = madd(a, b1, c21);
    a = v128.load32_splat(pa, 12);
    c30 = madd(a, b0, c30);
    c31 = madd(a, b1, c31);
    pa += MR << 2;
    pb += NR << 2;
  }
  if (rows === MR && cols === NR) {
    storeRow(c, c00, c01, add);
    storeRow(c + ldc, c10, c11, add);
    storeRow(c + 2 * ldc, c20, c21, add);
    storeRow(c + 3 * ldc, c30, c31, add);
    return;
  }
  const rowBytes: usize = NR << 2;
  storeRow(tail, c00, c01, false);
  storeRow(tail + rowBytes, c10, c11, false);
  storeRow(tail + 2 * rowBytes, c20, c21, false);
  storeRow(tail + 3 * rowBytes, c30, c31, false);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < cols; j++) {
      const to = c + <usize>r * ldc + ((<usize>j) << 2);
      const value = load<f32>(tail + <usize>r * rowBytes + ((<usize>j) << 2));
      store<f32>(to, add ? load<f32>(to) + value : value);
    }
  }
}

function storeRow(to: usize, left: v128, right: v128, add: bool): void {
  if (add) {
    left = f32x4.add(v128.load(to), left);
    right = f32x4.add(v128.load(to, 16), right);
  }
  v128.store(to, left);
  v128.store(to, right, 16);
}

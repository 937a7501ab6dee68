// Forward sparse × dense product (SpMM, see SparseKernels.spmm): y[r, b] (+)= Σ_p values[p]·x[col_p, b] for
// the rows r0..r1 of a CSR weight and the batch columns b0..b1 (x and y rows are `stride` floats apart), so
// worker threads can split either rows or the batch. Each output row is built in registers, 32 batch
// columns (eight f32x4) at a time: every kept entry adds its weight times 32 contiguous floats of an x row.
// Then one f32x4 at a time, then a scalar tail. Pointers are byte offsets into the shared memory.
import { madd } from './simd';

export function spmm(
  rowOffsets: usize,
  columnIndices: usize,
  values: usize,
  x: usize,
  y: usize,
  r0: i32,
  r1: i32,
  stride: i32,
  b0: i32,
  b1: i32,
  accumulate: bool,
): void {
  const rowBytes = (<usize>stride) << 2;
  for (let r = r0; r < r1; r++) {
    const pStart = load<i32>(rowOffsets + ((<usize>r) << 2));
    const pEnd = load<i32>(rowOffsets + ((<usize>r + 1) << 2));
    const yRow = y + <usize>r * rowBytes;
    let b = b0;
    for (; b + 32 <= b1; b += 32) {
      spmmRow32(
        columnIndices,
        values,
        pStart,
        pEnd,
        x + ((<usize>b) << 2),
        rowBytes,
        yRow + ((<usize>b) << 2),
        accumulate,
      );
    }
    for (; b + 4 <= b1; b += 4) {
      const column = (<usize>b) << 2;
      let acc = accumulate ? v128.load(yRow + column) : f32x4.splat(0);
      for (let p = pStart; p < pEnd; p++) {
        const w = f32x4.splat(load<f32>(values + ((<usize>p) << 2)));
        const xRow = x + <usize>load<i32>(columnIndices + ((<usize>p) << 2)) * rowBytes;
        acc = madd(w, v128.load(xRow + column), acc);
      }
      v128.store(yRow + column, acc);
    }
    for (; b < b1; b++) {
      const column = (<usize>b) << 2;
      let acc: f32 = accumulate ? load<f32>(yRow + column) : 0;
      for (let p = pStart; p < pEnd; p++) {
        const xRow = x + <usize>load<i32>(columnIndices + ((<usize>p) << 2)) * rowBytes;
        acc += load<f32>(values + ((<usize>p) << 2)) * load<f32>(xRow + column);
      }
      store<f32>(yRow + column, acc);
    }
  }
}

/** 32 batch columns of one output row: x and out point at the first column; eight accumulators. */
function spmmRow32(
  columnIndices: usize,
  values: usize,
  pStart: i32,
  pEnd: i32,
  x: usize,
  rowBytes: usize,
  out: usize,
  accumulate: bool,
): void {
  let a0 = f32x4.splat(0);
  let a1 = a0;
  let a2 = a0;
  let a3 = a0;
  let a4 = a0;
  let a5 = a0;
  let a6 = a0;
  let a7 = a0;
  if (accumulate) {
    a0 = v128.load(out, 0);
    a1 = v128.load(out, 16);
    a2 = v128.load(out, 32);
    a3 = v128.load(out, 48);
    a4 = v128.load(out, 64);
    a5 = v128.load(out, 80);
    a6 = v128.load(out, 96);
    a7 = v128.load(out, 112);
  }
  for (let p = pStart; p < pEnd; p++) {
    const w = f32x4.splat(load<f32>(values + ((<usize>p) << 2)));
    const src = x + <usize>load<i32>(columnIndices + ((<usize>p) << 2)) * rowBytes;
    a0 = madd(w, v128.load(src, 0), a0);
    a1 = madd(w, v128.load(src, 16), a1);
    a2 = madd(w, v128.load(src, 32), a2);
    a3 = madd(w, v128.load(src, 48), a3);
    a4 = madd(w, v128.load(src, 64), a4);
    a5 = madd(w, v128.load(src, 80), a5);
    a6 = madd(w, v128.load(src, 96), a6);
    a7 = madd(w, v128.load(src, 112), a7);
  }
  v128.store(out, a0, 0);
  v128.store(out, a1, 16);
  v128.store(out, a2, 32);
  v128.store(out, a3, 48);
  v128.store(out, a4, 64);
  v128.store(out, a5, 80);
  v128.store(out, a6, 96);
  v128.store(out, a7, 112);
}

// Weight gradient sampled at a CSR pattern (SDDMM, see SparseKernels.sddmm): out[p] (+)= Σ_b dy[r_p, b]·
// x[col_p, b] over the batch columns b0..b1, for the rows r0..r1 (rows of dy and x are `stride` floats apart).
// Kept entries of a row are taken six at a time (then four, two, one) so each f32x4 of dy[r] is loaded once
// for six dot products. Each dot product is one chain of multiply-adds on one f32x4 accumulator, latency
// bound, so the more entries in flight the better; six, not eight, because V8 hoists the loads of a step
// ahead of the multiply-adds and has 15 vector registers (eight spilled). The lane sums are reduced by a
// transpose. An entry's arithmetic (its lane chains over the batch, the lane sum, the scalar tail, the
// accumulate) does not depend on the group it falls in, nor on the rows a thread takes: a row split is
// bit-identical, and so is any grouping.
//
// What bounds it (1024×1024, density 0.1, batch 128): per step of 4 batch columns and six entries, 7 loads,
// 6 FMAs and 6 address additions (a wasm32 address is a base plus a constant, so each of the six gathered
// rows needs its own add per step; V8 folds only constant offsets), ~3.7 instructions per FMA. Unrolling two
// steps so the additions are shared made V8 hoist all 12 loads ahead of the FMAs, spill, and run 1.5× slower.
// Measured 28–30 GFLOP/s, 0.59–0.64 of the dense product (target 0.8: missed).
import { madd } from './simd';

export function sddmm(
  rowOffsets: usize,
  columnIndices: usize,
  dy: usize,
  x: usize,
  out: usize,
  r0: i32,
  r1: i32,
  stride: i32,
  b0: i32,
  b1: i32,
  accumulate: bool,
): void {
  const rowBytes = (<usize>stride) << 2;
  const first = (<usize>b0) << 2;
  const vectorEnd = b0 + ((b1 - b0) & ~3);
  const vectorBytes = (<usize>vectorEnd) << 2;
  for (let r = r0; r < r1; r++) {
    const pEnd = load<i32>(rowOffsets + ((<usize>r + 1) << 2));
    const dyRow = dy + <usize>r * rowBytes;
    let p = load<i32>(rowOffsets + ((<usize>r) << 2));
    for (; p + 6 <= pEnd; p += 6) {
      const at = (<usize>p) << 2;
      const x0 = x + <usize>load<i32>(columnIndices + at, 0) * rowBytes;
      const x1 = x + <usize>load<i32>(columnIndices + at, 4) * rowBytes;
      const x2 = x + <usize>load<i32>(columnIndices + at, 8) * rowBytes;
      const x3 = x + <usize>load<i32>(columnIndices + at, 12) * rowBytes;
      const x4 = x + <usize>load<i32>(columnIndices + at, 16) * rowBytes;
      const x5 = x + <usize>load<i32>(columnIndices + at, 20) * rowBytes;
      let a0 = f32x4.splat(0);
      let a1 = a0;
      let a2 = a0;
      let a3 = a0;
      let a4 = a0;
      let a5 = a0;
      for (let b = first; b < vectorBytes; b += 16) {
        const g = v128.load(dyRow + b);
        a0 = madd(g, v128.load(x0 + b), a0);
        a1 = madd(g, v128.load(x1 + b), a1);
        a2 = madd(g, v128.load(x2 + b), a2);
        a3 = madd(g, v128.load(x3 + b), a3);
        a4 = madd(g, v128.load(x4 + b), a4);
        a5 = madd(g, v128.load(x5 + b), a5);
      }
      finish4(sumLanes4(a0, a1, a2, a3), x0, x1, x2, x3, dyRow, vectorEnd, b1, out + at, accumulate);
      finish2(a4, a5, x4, x5, dyRow, vectorEnd, b1, out + at + 16, accumulate);
    }
    if (p + 4 <= pEnd) {
      const at = (<usize>p) << 2;
      const x0 = x + <usize>load<i32>(columnIndices + at, 0) * rowBytes;
      const x1 = x + <usize>load<i32>(columnIndices + at, 4) * rowBytes;
      const x2 = x + <usize>load<i32>(columnIndices + at, 8) * rowBytes;
      const x3 = x + <usize>load<i32>(columnIndices + at, 12) * rowBytes;
      let a0 = f32x4.splat(0);
      let a1 = a0;
      let a2 = a0;
      let a3 = a0;
      for (let b = first; b < vectorBytes; b += 16) {
        const g = v128.load(dyRow + b);
        a0 = madd(g, v128.load(x0 + b), a0);
        a1 = madd(g, v128.load(x1 + b), a1);
        a2 = madd(g, v128.load(x2 + b), a2);
        a3 = madd(g, v128.load(x3 + b), a3);
      }
      finish4(sumLanes4(a0, a1, a2, a3), x0, x1, x2, x3, dyRow, vectorEnd, b1, out + at, accumulate);
      p += 4;
    }
    if (p + 2 <= pEnd) {
      const at = (<usize>p) << 2;
      const x0 = x + <usize>load<i32>(columnIndices + at, 0) * rowBytes;
      const x1 = x + <usize>load<i32>(columnIndices + at, 4) * rowBytes;
      let a0 = f32x4.splat(0);
      let a1 = a0;
      for (let b = first; b < vectorBytes; b += 16) {
        const g = v128.load(dyRow + b);
        a0 = madd(g, v128.load(x0 + b), a0);
        a1 = madd(g, v128.load(x1 + b), a1);
      }
      finish2(a0, a1, x0, x1, dyRow, vectorEnd, b1, out + at, accumulate);
      p += 2;
    }
    if (p < pEnd) {
      const at = (<usize>p) << 2;
      const xRow = x + <usize>load<i32>(columnIndices + at) * rowBytes;
      let a = f32x4.splat(0);
      for (let b = first; b < vectorBytes; b += 16) a = madd(v128.load(dyRow + b), v128.load(xRow + b), a);
      let sum = sumLanes4(a, a, a, a);
      for (let b = vectorEnd; b < b1; b++) {
        const column = (<usize>b) << 2;
        sum = madd(f32x4.splat(load<f32>(dyRow + column)), f32x4.splat(load<f32>(xRow + column)), sum);
      }
      const total = f32x4.extract_lane(sum, 0);
      store<f32>(out + at, accumulate ? load<f32>(out + at) + total : total);
    }
  }
}

/** Adds the scalar batch tail vectorEnd..b1 of four entries to their lane sums and stores them at `out`. */
function finish4(
  sums: v128,
  x0: usize,
  x1: usize,
  x2: usize,
  x3: usize,
  dyRow: usize,
  vectorEnd: i32,
  b1: i32,
  out: usize,
  accumulate: bool,
): void {
  for (let b = vectorEnd; b < b1; b++) {
    const column = (<usize>b) << 2;
    const g = load<f32>(dyRow + column);
    const tail = f32x4(
      load<f32>(x0 + column),
      load<f32>(x1 + column),
      load<f32>(x2 + column),
      load<f32>(x3 + column),
    );
    sums = madd(f32x4.splat(g), tail, sums);
  }
  if (accumulate) sums = f32x4.add(v128.load(out), sums);
  v128.store(out, sums);
}

/** finish4 for two entries, from their accumulators a and b. */
function finish2(
  a: v128,
  b: v128,
  x0: usize,
  x1: usize,
  dyRow: usize,
  vectorEnd: i32,
  b1: i32,
  out: usize,
  accumulate: bool,
): void {
  let sums = sumLanes4(a, b, a, b);
  for (let c = vectorEnd; c < b1; c++) {
    const column = (<usize>c) << 2;
    const g = load<f32>(dyRow + column);
    const x01 = load<f32>(x0 + column);
    const x11 = load<f32>(x1 + column);
    sums = madd(f32x4.splat(g), f32x4(x01, x11, x01, x11), sums);
  }
  if (accumulate) sums = f32x4.add(f32x4(load<f32>(out), load<f32>(out, 4), 0, 0), sums);
  store<f32>(out, f32x4.extract_lane(sums, 0));
  store<f32>(out, f32x4.extract_lane(sums, 1), 4);
}

/** [Σ a, Σ b, Σ c, Σ d]: the lane sums of four vectors, as ((lane 0 + lane 2) + (lane 1 + lane 3)). */
function sumLanes4(a: v128, b: v128, c: v128, d: v128): v128 {
  const ab = f32x4.add(v128.shuffle<f32>(a, b, 0, 4, 1, 5), v128.shuffle<f32>(a, b, 2, 6, 3, 7));
  const cd = f32x4.add(v128.shuffle<f32>(c, d, 0, 4, 1, 5), v128.shuffle<f32>(c, d, 2, 6, 3, 7));
  return f32x4.add(v128.shuffle<f32>(ab, cd, 0, 1, 4, 5), v128.shuffle<f32>(ab, cd, 2, 3, 6, 7));
}

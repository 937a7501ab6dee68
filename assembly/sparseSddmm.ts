// Weight gradient sampled at a CSR pattern (SDDMM, see SparseKernels.sddmm): out[p] (+)= Σ_b dy[r_p, b]·
// x[col_p, b] over the batch columns b0..b1, for the rows r0..r1 (rows of dy and x are `stride` floats apart).
// Kept entries of a row are taken four at a time so each f32x4 of dy[r] is loaded once for four dot
// products (five loads per four multiply-adds); the four lane sums are reduced together by a transpose.
// Each entry's sum is formed the same way whatever rows a thread takes, so a row split is bit-identical.
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
  for (let r = r0; r < r1; r++) {
    const pEnd = load<i32>(rowOffsets + ((<usize>r + 1) << 2));
    const dyRow = dy + <usize>r * rowBytes;
    let p = load<i32>(rowOffsets + ((<usize>r) << 2));
    for (; p + 4 <= pEnd; p += 4) {
      const at = (<usize>p) << 2;
      const x0 = x + <usize>load<i32>(columnIndices + at, 0) * rowBytes;
      const x1 = x + <usize>load<i32>(columnIndices + at, 4) * rowBytes;
      const x2 = x + <usize>load<i32>(columnIndices + at, 8) * rowBytes;
      const x3 = x + <usize>load<i32>(columnIndices + at, 12) * rowBytes;
      let a0 = f32x4.splat(0);
      let a1 = a0;
      let a2 = a0;
      let a3 = a0;
      for (let b = first; b < (<usize>vectorEnd) << 2; b += 16) {
        const g = v128.load(dyRow + b);
        a0 = madd(g, v128.load(x0 + b), a0);
        a1 = madd(g, v128.load(x1 + b), a1);
        a2 = madd(g, v128.load(x2 + b), a2);
        a3 = madd(g, v128.load(x3 + b), a3);
      }
      let sums = sumLanes4(a0, a1, a2, a3);
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
      if (accumulate) sums = f32x4.add(v128.load(out + at), sums);
      v128.store(out + at, sums);
    }
    for (; p < pEnd; p++) {
      const at = (<usize>p) << 2;
      const xRow = x + <usize>load<i32>(columnIndices + at) * rowBytes;
      let a = f32x4.splat(0);
      for (let b = first; b < (<usize>vectorEnd) << 2; b += 16)
        a = madd(v128.load(dyRow + b), v128.load(xRow + b), a);
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

/** [Σ a, Σ b, Σ c, Σ d]: the lane sums of four vectors, as ((lane 0 + lane 2) + (lane 1 + lane 3)). */
function sumLanes4(a: v128, b: v128, c: v128, d: v128): v128 {
  const ab = f32x4.add(v128.shuffle<f32>(a, b, 0, 4, 1, 5), v128.shuffle<f32>(a, b, 2, 6, 3, 7));
  const cd = f32x4.add(v128.shuffle<f32>(c, d, 0, 4, 1, 5), v128.shuffle<f32>(c, d, 2, 6, 3, 7));
  return f32x4.add(v128.shuffle<f32>(ab, cd, 0, 1, 4, 5), v128.shuffle<f32>(ab, cd, 2, 3, 6, 7));
}

// Small SIMD helpers shared by the kernels.

/**
 * a·b + c on four float32 lanes: one fused multiply-add in the relaxed-SIMD build (rounded once or twice,
 * as the hardware does it), a multiply then an add in the plain SIMD build.
 */
export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** The 4×4 transpose of the rows r0..r3: lane q of row r becomes lane r of row q; written to out..out+63. */
export function storeTransposed4x4(
  r0: v128,
  r1: v128,
  r2: v128,
  r3: v128,
  out: usize,
  rowStride: usize,
): void {
  const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
  const t1 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
  const t2 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
  const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
  v128.store(out, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
  v128.store(out + rowStride, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
  v128.store(out + 2 * rowStride, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5));
  v128.store(out + 3 * rowStride, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7));
}

/**
 * Copies `rows` blocks of `bytes` bytes (a multiple of 16) from rows `fromStride` bytes apart to rows
 * `toStride` bytes apart: a panel of a matrix to or from a contiguous buffer.
 */
export function copyRows(
  to: usize,
  toStride: usize,
  from: usize,
  fromStride: usize,
  rows: i32,
  bytes: usize,
): void {
  for (let r = 0; r < rows; r++) {
    const source = from + <usize>r * fromStride;
    const target = to + <usize>r * toStride;
    for (let i: usize = 0; i < bytes; i += 16) v128.store(target + i, v128.load(source + i));
  }
}

// Sums (see the Kernels contract): the total of a vector in float64, and the row sums of a matrix.

/** Σ x[i] over n entries, accumulated in float64 (two f64x2 accumulators take the low and high lanes). */
export function sum(x: usize, n: i32): f64 {
  let low = f64x2.splat(0);
  let high = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(x + ((<usize>i) << 2));
    low = f64x2.add(low, f64x2.promote_low_f32x4(v));
    high = f64x2.add(high, f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 2, 3)));
  }
  const both = f64x2.add(low, high);
  let total = f64x2.extract_lane(both, 0) + f64x2.extract_lane(both, 1);
  for (; i < n; i++) total += <f64>load<f32>(x + ((<usize>i) << 2));
  return total;
}

/** out[r] (+)= Σ_c x[r, c] over a row-major [rows×cols] matrix, four partial sums per row. */
export function rowSums(x: usize, out: usize, rows: i32, cols: i32, accumulate: bool): void {
  const rowBytes = (<usize>cols) << 2;
  for (let r = 0; r < rows; r++) {
    const row = x + <usize>r * rowBytes;
    let partial = f32x4.splat(0);
    let c = 0;
    for (; c + 4 <= cols; c += 4) partial = f32x4.add(partial, v128.load(row + ((<usize>c) << 2)));
    let total =
      f32x4.extract_lane(partial, 0) +
      f32x4.extract_lane(partial, 1) +
      (f32x4.extract_lane(partial, 2) + f32x4.extract_lane(partial, 3));
    for (; c < cols; c++) total += load<f32>(row + ((<usize>c) << 2));
    const to = out + ((<usize>r) << 2);
    store<f32>(to, accumulate ? load<f32>(to) + total : total);
  }
}

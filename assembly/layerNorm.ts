// Layer normalisation over the rows of each column of a feature-major x [rows×cols] (see the Kernels
// contract). Every pass runs along rows, four contiguous columns per vector, so per-column statistics
// accumulate in column-length arrays; a scalar tail handles cols mod 4.

/** out = gain[r]·x̂ + bias[r], x̂ = (x − μ_c)/√(σ²_c + ε); writes x̂ to normalized and 1/√(σ²_c + ε) to inverseStd. */
export function layerNorm(
  x: usize,
  gain: usize,
  bias: usize,
  out: usize,
  normalized: usize,
  inverseStd: usize,
  rows: i32,
  cols: i32,
  eps: f32,
): void {
  const rowBytes = (<usize>cols) << 2;
  // inverseStd holds the means first, then the variances, then 1/√(σ² + ε).
  memory.fill(inverseStd, 0, rowBytes);
  for (let r = 0; r < rows; r++) {
    const row = x + <usize>r * rowBytes;
    let c: usize = 0;
    for (; c + 16 <= rowBytes; c += 16) {
      v128.store(inverseStd + c, f32x4.add(v128.load(inverseStd + c), v128.load(row + c)));
    }
    for (; c < rowBytes; c += 4) store<f32>(inverseStd + c, load<f32>(inverseStd + c) + load<f32>(row + c));
  }
  const inverseRows: f32 = 1 / <f32>rows;
  for (let c: usize = 0; c < rowBytes; c += 4)
    store<f32>(inverseStd + c, load<f32>(inverseStd + c) * inverseRows);
  for (let r = 0; r < rows; r++) {
    const offset = <usize>r * rowBytes;
    let c: usize = 0;
    for (; c + 16 <= rowBytes; c += 16) {
      v128.store(normalized + offset + c, f32x4.sub(v128.load(x + offset + c), v128.load(inverseStd + c)));
    }
    for (; c < rowBytes; c += 4) {
      store<f32>(normalized + offset + c, load<f32>(x + offset + c) - load<f32>(inverseStd + c));
    }
  }
  memory.fill(inverseStd, 0, rowBytes);
  for (let r = 0; r < rows; r++) {
    const row = normalized + <usize>r * rowBytes;
    let c: usize = 0;
    for (; c + 16 <= rowBytes; c += 16) {
      const v = v128.load(row + c);
      v128.store(inverseStd + c, f32x4.add(v128.load(inverseStd + c), f32x4.mul(v, v)));
    }
    for (; c < rowBytes; c += 4) {
      const v = load<f32>(row + c);
      store<f32>(inverseStd + c, load<f32>(inverseStd + c) + v * v);
    }
  }
  for (let c: usize = 0; c < rowBytes; c += 4) {
    store<f32>(inverseStd + c, 1 / Mathf.sqrt(load<f32>(inverseStd + c) * inverseRows + eps));
  }
  for (let r = 0; r < rows; r++) {
    const offset = <usize>r * rowBytes;
    const g = load<f32>(gain + ((<usize>r) << 2));
    const b = load<f32>(bias + ((<usize>r) << 2));
    const gv = f32x4.splat(g);
    const bv = f32x4.splat(b);
    let c: usize = 0;
    for (; c + 16 <= rowBytes; c += 16) {
      const v = f32x4.mul(v128.load(normalized + offset + c), v128.load(inverseStd + c));
      v128.store(normalized + offset + c, v);
      v128.store(out + offset + c, f32x4.add(f32x4.mul(gv, v), bv));
    }
    for (; c < rowBytes; c += 4) {
      const v = load<f32>(normalized + offset + c) * load<f32>(inverseStd + c);
      store<f32>(normalized + offset + c, v);
      store<f32>(out + offset + c, g * v + b);
    }
  }
}

/**
 * dx (+)= (ĝ − mean_r ĝ − x̂·mean_r(ĝ x̂))·inverseStd with ĝ = dy·gain[r]; dgain[r] (+)= Σ_c dy·x̂;
 * dbias[r] (+)= Σ_c dy. scratch: 2·cols floats for the two column means.
 */
export function layerNormBackward(
  dy: usize,
  gain: usize,
  normalized: usize,
  inverseStd: usize,
  dx: usize,
  dgain: usize,
  dbias: usize,
  scratch: usize,
  rows: i32,
  cols: i32,
  accumulate: bool,
): void {
  const rowBytes = (<usize>cols) << 2;
  const meanScaled = scratch;
  const meanProjected = scratch + rowBytes;
  memory.fill(scratch, 0, 2 * rowBytes);
  for (let r = 0; r < rows; r++) {
    const offset = <usize>r * rowBytes;
    const g = load<f32>(gain + ((<usize>r) << 2));
    const gv = f32x4.splat(g);
    let sumGain = f32x4.splat(0);
    let sumBias = f32x4.splat(0);
    let c: usize = 0;
    for (; c + 16 <= rowBytes; c += 16) {
      const d = v128.load(dy + offset + c);
      const n = v128.load(normalized + offset + c);
      const scaled = f32x4.mul(d, gv);
      v128.store(meanScaled + c, f32x4.add(v128.load(meanScaled + c), scaled));
      v128.store(meanProjected + c, f32x4.add(v128.load(meanProjected + c), f32x4.mul(scaled, n)));
      sumGain = f32x4.add(sumGain, f32x4.mul(d, n));
      sumBias = f32x4.add(sumBias, d);
    }
    let totalGain =
      f32x4.extract_lane(sumGain, 0) +
      f32x4.extract_lane(sumGain, 1) +
      (f32x4.extract_lane(sumGain, 2) + f32x4.extract_lane(sumGain, 3));
    let totalBias =
      f32x4.extract_lane(sumBias, 0) +
      f32x4.extract_lane(sumBias, 1) +
      (f32x4.extract_lane(sumBias, 2) + f32x4.extract_lane(sumBias, 3));
    for (; c < rowBytes; c += 4) {
      const d = load<f32>(dy + offset + c);
      const n = load<f32>(normalized + offset + c);
      store<f32>(meanScaled + c, load<f32>(meanScaled + c) + d * g);
      store<f32>(meanProjected + c, load<f32>(meanProjected + c) + d * g * n);
      totalGain += d * n;
      totalBias += d;
    }
    const gAt = dgain + ((<usize>r) << 2);
    const bAt = dbias + ((<usize>r) << 2);
    store<f32>(gAt, accumulate ? load<f32>(gAt) + totalGain : totalGain);
    store<f32>(bAt, accumulate ? load<f32>(bAt) + totalBias : totalBias);
  }
  const inverseRows: f32 = 1 / <f32>rows;
  for (let c: usize = 0; c < 2 * rowBytes; c += 4)
    store<f32>(scratch + c, load<f32>(scratch + c) * inverseRows);
  for (let r = 0; r < rows; r++) {
    const offset = <usize>r * rowBytes;
    const g = load<f32>(gain + ((<usize>r) << 2));
    const gv = f32x4.splat(g);
    let c: usize = 0;
    for (; c + 16 <= rowBytes; c += 16) {
      const centered = f32x4.sub(
        f32x4.sub(f32x4.mul(v128.load(dy + offset + c), gv), v128.load(meanScaled + c)),
        f32x4.mul(v128.load(normalized + offset + c), v128.load(meanProjected + c)),
      );
      let v = f32x4.mul(centered, v128.load(inverseStd + c));
      if (accumulate) v = f32x4.add(v128.load(dx + offset + c), v);
      v128.store(dx + offset + c, v);
    }
    for (; c < rowBytes; c += 4) {
      const centered =
        load<f32>(dy + offset + c) * g -
        load<f32>(meanScaled + c) -
        load<f32>(normalized + offset + c) * load<f32>(meanProjected + c);
      const v = centered * load<f32>(inverseStd + c);
      store<f32>(dx + offset + c, accumulate ? load<f32>(dx + offset + c) + v : v);
    }
  }
}

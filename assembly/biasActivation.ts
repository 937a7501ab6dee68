// A layer's bias and activation in one pass (see the Kernels contract) over a feature-major [rows×cols]
// matrix: z[r, c] = x[r, c] + bias[r], y = act(z), and backward g = dy·act'(z), dx (+)= g, dbias[r] += Σ_c g.
// One read of x and one write of y forward (instead of writing z and reading it again), one pass backward
// (instead of the activation's gradient, a copy into the product's gradient, and the bias's row sums).
// z is computed as in addRowBias and GELU as in gelu.ts, so the forward has the bits of the two kernels.
// GELU's forward also writes its slope GELU'(z) (from the same exponential), so its backward is a product
// instead of a second exponential per entry; ReLU's backward reads its output (z > 0 exactly where y > 0).
// One backward kernel serves both.
import { Gelu } from './gelu';

/** Σ of the four lanes, in the order rowSums uses. */
function lanes(v: v128): f32 {
  return (
    f32x4.extract_lane(v, 0) +
    f32x4.extract_lane(v, 1) +
    (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3))
  );
}

/** out = GELU(z) and, unless slope is 0 (no backward), slope = GELU'(z) for the backward. */
export function biasGelu(x: usize, bias: usize, out: usize, slope: usize, rows: i32, cols: i32): void {
  const rowBytes = (<usize>cols) << 2;
  const keepSlope = slope !== 0;
  for (let r = 0; r < rows; r++) {
    const bv = f32x4.splat(load<f32>(bias + ((<usize>r) << 2)));
    const offset = <usize>r * rowBytes;
    let c = 0;
    // Four independent vectors per iteration: the exponential is a long dependent chain, and V8 does not
    // interleave iterations on its own (measured 1.6× faster than one vector at a time, 1.25× than two).
    for (; c + 16 <= cols; c += 16) {
      const at = offset + ((<usize>c) << 2);
      const z0 = f32x4.add(v128.load(x + at), bv);
      const z1 = f32x4.add(v128.load(x + at, 16), bv);
      const z2 = f32x4.add(v128.load(x + at, 32), bv);
      const z3 = f32x4.add(v128.load(x + at, 48), bv);
      const s0 = Gelu.sigmoidOf2u(z0);
      const s1 = Gelu.sigmoidOf2u(z1);
      const s2 = Gelu.sigmoidOf2u(z2);
      const s3 = Gelu.sigmoidOf2u(z3);
      v128.store(out + at, f32x4.mul(z0, s0));
      v128.store(out + at, f32x4.mul(z1, s1), 16);
      v128.store(out + at, f32x4.mul(z2, s2), 32);
      v128.store(out + at, f32x4.mul(z3, s3), 48);
      if (keepSlope) {
        v128.store(slope + at, Gelu.derivativeFrom(z0, s0));
        v128.store(slope + at, Gelu.derivativeFrom(z1, s1), 16);
        v128.store(slope + at, Gelu.derivativeFrom(z2, s2), 32);
        v128.store(slope + at, Gelu.derivativeFrom(z3, s3), 48);
      }
    }
    for (; c + 4 <= cols; c += 4) {
      const at = offset + ((<usize>c) << 2);
      const z = f32x4.add(v128.load(x + at), bv);
      const s = Gelu.sigmoidOf2u(z);
      v128.store(out + at, f32x4.mul(z, s));
      if (keepSlope) v128.store(slope + at, Gelu.derivativeFrom(z, s));
    }
    for (; c < cols; c++) {
      const at = offset + ((<usize>c) << 2);
      const z = f32x4.add(f32x4.splat(load<f32>(x + at)), bv);
      const s = Gelu.sigmoidOf2u(z);
      store<f32>(out + at, f32x4.extract_lane(f32x4.mul(z, s), 0));
      if (keepSlope) store<f32>(slope + at, f32x4.extract_lane(Gelu.derivativeFrom(z, s), 0));
    }
  }
}

export function biasRelu(x: usize, bias: usize, out: usize, rows: i32, cols: i32): void {
  const rowBytes = (<usize>cols) << 2;
  const zero = f32x4.splat(0);
  for (let r = 0; r < rows; r++) {
    const b = load<f32>(bias + ((<usize>r) << 2));
    const bv = f32x4.splat(b);
    const from = x + <usize>r * rowBytes;
    const to = out + <usize>r * rowBytes;
    let c = 0;
    for (; c + 4 <= cols; c += 4) {
      const at = (<usize>c) << 2;
      const z = f32x4.add(v128.load(from + at), bv);
      v128.store(to + at, v128.and(z, f32x4.gt(z, zero)));
    }
    for (; c < cols; c++) {
      const at = (<usize>c) << 2;
      const z = load<f32>(from + at) + b;
      store<f32>(to + at, select<f32>(z, 0, z > 0));
    }
  }
}

/**
 * The backward of biasGelu or biasRelu from what the forward saved: g = dy ⊙ slope (GELU'(z), relu false) or
 * g = dy·[y > 0] (ReLU's output y, relu true: z > 0 exactly where y > 0); dx (+)= g, dbias[r] += Σ_c g.
 */
export function biasActivationBackward(
  saved: usize,
  dy: usize,
  dx: usize,
  dbias: usize,
  rows: i32,
  cols: i32,
  relu: bool,
  accumulate: bool,
): void {
  const rowBytes = (<usize>cols) << 2;
  const zero = f32x4.splat(0);
  for (let r = 0; r < rows; r++) {
    const offset = <usize>r * rowBytes;
    let partial = f32x4.splat(0);
    let c = 0;
    for (; c + 4 <= cols; c += 4) {
      const at = offset + ((<usize>c) << 2);
      const factor = v128.load(saved + at);
      const g = relu
        ? v128.and(v128.load(dy + at), f32x4.gt(factor, zero))
        : f32x4.mul(v128.load(dy + at), factor);
      v128.store(dx + at, accumulate ? f32x4.add(v128.load(dx + at), g) : g);
      partial = f32x4.add(partial, g);
    }
    let total = lanes(partial);
    for (; c < cols; c++) {
      const at = offset + ((<usize>c) << 2);
      const factor = load<f32>(saved + at);
      const g: f32 = relu ? (factor > 0 ? load<f32>(dy + at) : 0) : load<f32>(dy + at) * factor;
      store<f32>(dx + at, accumulate ? load<f32>(dx + at) + g : g);
      total += g;
    }
    const to = dbias + ((<usize>r) << 2);
    store<f32>(to, load<f32>(to) + total);
  }
}

// GELU, tanh approximation (see the Kernels contract): GELU(x) = 0.5x(1 + tanh u), u = c(x + a·x³),
// c = √(2/π), a = 0.044715. With σ the logistic function, 1 + tanh u = 2σ(2u) and 1 − tanh² u = 4σ(2u)(1 − σ(2u)),
// so with s = σ(2u) = 1 / (1 + e^(−2u)):
//   GELU(x)  = x·s
//   GELU'(x) = 0.5(1 + tanh u) + 0.5x(1 − tanh² u)·c(1 + 3a·x²) = s + 2x·s(1 − s)·c(1 + 3a·x²)
// which needs one exponential and no cancellation in 1 + tanh u for negative x.
import { Exp } from './exp';

const C: f32 = 0.7978845608028654;
const A: f32 = 0.044715;

/** The lane-wise pieces, as static members so that @inline applies (see exp.ts). */
export class Gelu {
  /** s = σ(2u) on four lanes. */
  @inline
  static sigmoidOf2u(x: v128): v128 {
    const x3 = f32x4.mul(f32x4.mul(x, x), x);
    const u = f32x4.mul(f32x4.splat(C), f32x4.add(x, f32x4.mul(f32x4.splat(A), x3)));
    const e = Exp.lanes(f32x4.mul(u, f32x4.splat(-2)));
    return f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), e));
  }

  /** GELU'(x) on four lanes. */
  @inline
  static derivative(x: v128): v128 {
    return Gelu.derivativeFrom(x, Gelu.sigmoidOf2u(x));
  }

  /** GELU'(x) on four lanes, given s = σ(2u) of the same x. */
  @inline
  static derivativeFrom(x: v128, s: v128): v128 {
    const slope = f32x4.mul(
      f32x4.splat(C),
      f32x4.add(f32x4.splat(1), f32x4.mul(f32x4.splat(3 * A), f32x4.mul(x, x))),
    );
    const sTimesOneMinusS = f32x4.mul(s, f32x4.sub(f32x4.splat(1), s));
    return f32x4.add(s, f32x4.mul(f32x4.mul(f32x4.add(x, x), sTimesOneMinusS), slope));
  }
}

export function gelu(x: usize, out: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = (<usize>i) << 2;
    const v = v128.load(x + at);
    v128.store(out + at, f32x4.mul(v, Gelu.sigmoidOf2u(v)));
  }
  for (; i < n; i++) {
    const at = (<usize>i) << 2;
    const v = f32x4.splat(load<f32>(x + at));
    store<f32>(out + at, f32x4.extract_lane(f32x4.mul(v, Gelu.sigmoidOf2u(v)), 0));
  }
}

export function geluBackward(x: usize, dy: usize, dx: usize, n: i32, accumulate: bool): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = (<usize>i) << 2;
    let g = f32x4.mul(v128.load(dy + at), Gelu.derivative(v128.load(x + at)));
    if (accumulate) g = f32x4.add(v128.load(dx + at), g);
    v128.store(dx + at, g);
  }
  for (; i < n; i++) {
    const at = (<usize>i) << 2;
    const g = load<f32>(dy + at) * f32x4.extract_lane(Gelu.derivative(f32x4.splat(load<f32>(x + at))), 0);
    store<f32>(dx + at, accumulate ? load<f32>(dx + at) + g : g);
  }
}

// e^x on four float32 lanes (Cephes expf): x = n·ln2 + r with n = round(x/ln2) and |r| ≤ ln2/2, then
// e^x = 2^n · e^r, with e^r ≈ 1 + r + r²·P(r) (degree-5 P, relative error about 2e-7) and 2^n built from
// its exponent bits. Inputs are clamped to [−87.3, 88]: e^x stays finite and normal (no NaN from overflow).
//
// Rounding uses the shifter trick: adding S = 1.5·2²³ to x/ln2 leaves round(x/ln2) in the low mantissa bits of
// the sum (round to nearest even), so n = sum − S as a float, and the sum's bits minus S's bits are n as an
// integer, which shifted into the exponent field (plus the bias 127) is 2^n.
import { madd } from './simd';

const LOG2E: f32 = Mathf.LOG2E;
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.1219444e-4;
const SHIFTER: f32 = 12582912; // 1.5·2²³
const SHIFTER_BITS: i32 = 0x4b400000;

/** The exponential; static members so that AssemblyScript's @inline applies (the linter parses decorators on class members only). */
export class Exp {
  /** e^x on four float32 lanes. */
  @inline
  static lanes(x: v128): v128 {
    x = f32x4.pmin(f32x4.pmax(x, f32x4.splat(-87.3)), f32x4.splat(88.0));
    const shifted = f32x4.add(f32x4.mul(x, f32x4.splat(LOG2E)), f32x4.splat(SHIFTER));
    const n = f32x4.sub(shifted, f32x4.splat(SHIFTER));
    const r = f32x4.sub(f32x4.sub(x, f32x4.mul(n, f32x4.splat(LN2_HI))), f32x4.mul(n, f32x4.splat(LN2_LO)));
    let p = f32x4.splat(1.98756915e-4);
    p = madd(p, r, f32x4.splat(1.3981999507e-3));
    p = madd(p, r, f32x4.splat(8.3334519073e-3));
    p = madd(p, r, f32x4.splat(4.1665795894e-2));
    p = madd(p, r, f32x4.splat(1.6666665459e-1));
    p = madd(p, r, f32x4.splat(5.0000001201e-1));
    const er = f32x4.add(madd(p, f32x4.mul(r, r), r), f32x4.splat(1));
    const twoToN = i32x4.shl(i32x4.add(shifted, i32x4.splat(127 - SHIFTER_BITS)), 23);
    return f32x4.mul(er, twoToN);
  }

  /** e^x of one float32, through the same polynomial (so scalar tails agree with the vector lanes). */
  @inline
  static scalar(x: f32): f32 {
    return f32x4.extract_lane(Exp.lanes(f32x4.splat(x)), 0);
  }
}

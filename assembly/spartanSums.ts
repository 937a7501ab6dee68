// Float64 totals of float32 terms for Spartan's passes: each lane sums SUM_BLOCK / 4 terms in float32 (a
// relative error of at most ~5e-7 of a block's sum, unbiased in practice), and the block sums are added in
// float64, so a pass over millions of entries keeps the budget Σ c m exact to ~1e-9 relative.

/** Entries (eight vectors) whose float32 partial sums go into the float64 totals at a time. */
export const SUM_BLOCK = 32;

/**
 * Entries of a chunk: a pass with a total sums chunk by chunk and adds the chunks' float64 totals in order,
 * so worker threads that take whole chunks give the bits of one thread.
 */
export const SPARTAN_CHUNK = 1 << 16;

/** Static members so that AssemblyScript's @inline applies (the linter parses decorators on class members only). */
export class Sums {
  /** (x0 + x2, x1 + x3) in float64. */
  @inline
  static widenedPairs(x: v128): v128 {
    return f64x2.add(
      f64x2.promote_low_f32x4(x),
      f64x2.promote_low_f32x4(v128.shuffle<f32>(x, x, 2, 3, 2, 3)),
    );
  }
}

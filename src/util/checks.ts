/**
 * Checks of numbers given by a caller (options, flags, loaded values), each throwing one line that names the
 * value (`what`), the range it must be in, and what it got. Every layer validates through these, so the
 * same mistake reads the same everywhere.
 */

/** Throws unless `value` is an integer ≥ 1: "`what` must be a positive integer, got `value`". */
export function checkPositiveInteger(value: number, what: string): void {
  if (!isPositiveInteger(value)) throw new Error(`${what} must be a positive integer, got ${value}`);
}

/** Throws unless every value is an integer ≥ 1: "`what` must be positive integers, got a and b". */
export function checkPositiveIntegers(values: readonly number[], what: string): void {
  if (!values.every(isPositiveInteger)) {
    throw new Error(`${what} must be positive integers, got ${values.join(' and ')}`);
  }
}

/** Throws unless `value` is finite and > 0 (or ≥ 0 when zero is allowed). */
export function checkPositive(value: number, what: string, allowZero = false): void {
  if (!Number.isFinite(value) || value < 0 || (value === 0 && !allowZero)) {
    throw new Error(`${what} must be a finite number ${allowZero ? '≥ 0' : '> 0'}, got ${value}`);
  }
}

/** Throws unless `value` is in [0, 1) (a decay factor, a dropout rate). */
export function checkUnitInterval(value: number, what: string): void {
  if (!(value >= 0 && value < 1)) throw new Error(`${what} must be in [0, 1), got ${value}`);
}

/** Throws unless a fraction (of training, of a set) is a finite number in [0, 1]. */
export function checkFraction(value: number, what: string): void {
  if (!Number.isFinite(value) || value < 0 || value > 1) {
    throw new Error(`${what} must be a fraction in [0, 1], got ${value}`);
  }
}

/** Throws unless a density is a finite number in (0, 1]. */
export function checkDensity(value: number, what: string): void {
  if (!Number.isFinite(value) || value <= 0 || value > 1) {
    throw new Error(`${what} must be in (0, 1] (a sparsity in [0, 1)), got ${value}`);
  }
}

/** Throws unless a step count (an interval) is a whole number ≥ 1. */
export function checkInterval(value: number, what: string): void {
  if (!isPositiveInteger(value)) throw new Error(`${what} must be a whole number of steps ≥ 1, got ${value}`);
}

function isPositiveInteger(value: number): boolean {
  return Number.isInteger(value) && value >= 1;
}

/**
 * The index of the first NaN or ±Infinity in `data`, or -1. (x − x is 0 for every finite x and NaN otherwise:
 * one subtraction and compare per entry, about 1 ns.)
 */
export function firstNonFinite(data: ArrayLike<number>): number {
  for (let i = 0; i < data.length; i++) {
    const x = data[i]!;
    if (x - x !== 0) return i;
  }
  return -1;
}

/**
 * Parsers for command-line values. Each turns the text after a flag into a checked value or throws
 * commander's InvalidArgumentError with what is wrong and what to write instead.
 */
import { InvalidArgumentError } from 'commander';

/** An integer ≥ 1 (batch size, epochs, steps, hidden widths). */
export function parsePositiveInteger(text: string): number {
  const value = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(value) || value < 1) {
    throw new InvalidArgumentError(`expected a whole number ≥ 1, like 128.`);
  }
  return value;
}

/** An integer ≥ 0 (seed, warm-up steps). */
export function parseNonNegativeInteger(text: string): number {
  const value = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(value)) {
    throw new InvalidArgumentError(`expected a whole number ≥ 0, like 42.`);
  }
  return value;
}

/** A finite number > 0 (learning rate). */
export function parsePositiveNumber(text: string): number {
  const value = parseDecimal(text);
  if (!(value > 0)) throw new InvalidArgumentError(`expected a number > 0, like 0.05.`);
  return value;
}

/** A finite number ≥ 0 (weight decay). */
export function parseNonNegativeNumber(text: string): number {
  const value = parseDecimal(text);
  if (!(value >= 0)) throw new InvalidArgumentError(`expected a number ≥ 0, like 0.0005.`);
  return value;
}

/** A number in [0, 1) (momentum). */
export function parseUnitFraction(text: string): number {
  const value = parseDecimal(text);
  if (!(value >= 0 && value < 1)) throw new InvalidArgumentError(`expected a number in [0, 1), like 0.9.`);
  return value;
}

/** A factor in (0, 1] (Top-KAST's exploration scale). */
export function parseScale(text: string): number {
  const value = parseDecimal(text);
  if (!(value > 0 && value <= 1)) throw new InvalidArgumentError(`expected a factor in (0, 1], like 0.1.`);
  return value;
}

/** A sparsity in [0, 1): the fraction of weights removed, like 0.9. */
export function parseSparsity(text: string): number {
  const value = parseDecimal(text);
  if (!(value >= 0 && value < 1)) {
    throw new InvalidArgumentError(
      `expected a sparsity in [0, 1) (the fraction of weights removed), like 0.9.`,
    );
  }
  return value;
}

/** A comma-separated list of layer names (or first, last, none), like first,last. */
export function parseLayerList(text: string): string[] {
  const parts = text.split(',').map((part) => part.trim());
  if (parts.some((part) => !/^[A-Za-z_][\w.]*$/.test(part))) {
    throw new InvalidArgumentError(
      `expected comma-separated layer names, first, last or none, like first,last.`,
    );
  }
  if (parts.includes('none') && parts.length > 1) {
    throw new InvalidArgumentError(`'none' keeps no layer dense: give it alone.`);
  }
  return parts;
}

/** Hidden layer widths: comma-separated integers ≥ 1, like 1024,1024. */
export function parseHiddenSizes(text: string): number[] {
  const parts = text.split(',');
  if (
    parts.some((part) => !/^\s*\d+\s*$/.test(part) || Number(part) < 1 || !Number.isSafeInteger(Number(part)))
  ) {
    throw new InvalidArgumentError(`expected comma-separated widths ≥ 1, like 1024,1024.`);
  }
  return parts.map(Number);
}

/**
 * A finite decimal number (plain or exponent notation, like 0.05 or 5e-4); refuses other text and numbers too
 * large for a double (1e400 would be Infinity).
 */
function parseDecimal(text: string): number {
  if (!/^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i.test(text)) {
    throw new InvalidArgumentError(`expected a number, like 0.05.`);
  }
  const value = Number(text);
  if (!Number.isFinite(value))
    throw new InvalidArgumentError(`${text.trim()} is too large: expected a finite number.`);
  return value;
}

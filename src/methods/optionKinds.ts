/**
 * The kinds of value an option takes, each once: how its text is parsed (a flag's argument) and its zod schema
 * (its entry in a run config's schema), with the same range. A method definition's options (definition.ts) and
 * the run's own settings (src/run/configSchema.ts, src/cli/parsers.ts) are built from these.
 *
 * Parsers throw an OptionValueError saying what was expected (`expected a number ≥ 0, like 0.0005.`); the CLI
 * turns it into commander's argument error.
 */
import { z } from 'zod';

/** A value of the wrong kind or out of range; the message says what to write instead. */
export class OptionValueError extends Error {}

/** The largest values a run takes. */
export const configLimits = {
  /** A run records each step's time (8 bytes a step). */
  steps: 10_000_000,
  epochs: 100_000,
  batchSize: 65_536,
  /** Hidden widths, the transformer's width and context. */
  width: 65_536,
  /** Hidden layers of an mlp, transformer blocks, attention heads, dense layer names. */
  count: 1_024,
  evalChars: 1_000_000_000,
  /** Learning rate, decays, penalty, β. */
  magnitude: 1e9,
} as const;

/** A kind of value: its parser and its schema. */
export interface ValueKind<T> {
  readonly parse: (text: string) => T;
  readonly schema: z.ZodType<T>;
}

/** An integer ≥ 1 (batch size, epochs, steps, hidden widths). */
export function parsePositiveInteger(text: string): number {
  const value = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(value) || value < 1) {
    throw new OptionValueError(`expected a whole number ≥ 1, like 128.`);
  }
  return value;
}

/** An integer ≥ 0 (seed, warm-up steps). */
export function parseNonNegativeInteger(text: string): number {
  const value = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(value)) {
    throw new OptionValueError(`expected a whole number ≥ 0, like 42.`);
  }
  return value;
}

/** A finite number > 0 (learning rate). */
export function parsePositiveNumber(text: string): number {
  const value = parseDecimal(text);
  if (!(value > 0)) throw new OptionValueError(`expected a number > 0, like 0.05.`);
  return value;
}

/** A finite number ≥ 0 (weight decay). */
export function parseNonNegativeNumber(text: string): number {
  const value = parseDecimal(text);
  if (!(value >= 0)) throw new OptionValueError(`expected a number ≥ 0, like 0.0005.`);
  return value;
}

/** A number in [0, 1) (momentum). */
export function parseUnitFraction(text: string): number {
  const value = parseDecimal(text);
  if (!(value >= 0 && value < 1)) throw new OptionValueError(`expected a number in [0, 1), like 0.9.`);
  return value;
}

/** A factor in (0, 1] (Top-KAST's exploration scale). */
export function parseScale(text: string): number {
  const value = parseDecimal(text);
  if (!(value > 0 && value <= 1)) throw new OptionValueError(`expected a factor in (0, 1], like 0.1.`);
  return value;
}

/** A sparsity in [0, 1): the fraction of weights removed, like 0.9. */
export function parseSparsity(text: string): number {
  const value = parseDecimal(text);
  if (!(value >= 0 && value < 1)) {
    throw new OptionValueError(`expected a sparsity in [0, 1) (the fraction of weights removed), like 0.9.`);
  }
  return value;
}

/** A comma-separated list of layer names (or first, last, none), like first,last. */
export function parseLayerList(text: string): string[] {
  const parts = text.split(',').map((part) => part.trim());
  if (parts.some((part) => !/^[A-Za-z_][\w.]*$/.test(part))) {
    throw new OptionValueError(`expected comma-separated layer names, first, last or none, like first,last.`);
  }
  if (parts.includes('none') && parts.length > 1) {
    throw new OptionValueError(`'none' keeps no layer dense: give it alone.`);
  }
  return parts;
}

/**
 * A finite decimal number (plain or exponent notation, like 0.05 or 5e-4); refuses other text and numbers too
 * large for a double (1e400 would be Infinity).
 */
export function parseDecimal(text: string): number {
  if (!/^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i.test(text)) {
    throw new OptionValueError(`expected a number, like 0.05.`);
  }
  const value = Number(text);
  if (!Number.isFinite(value))
    throw new OptionValueError(`${text.trim()} is too large: expected a finite number.`);
  return value;
}

/** One of `choices` (commander offers them itself; this parser serves a library caller). */
export function choiceKind<const T extends string>(
  choices: readonly T[],
): ValueKind<T> & { choices: readonly T[] } {
  return {
    choices,
    schema: z.enum(choices as unknown as [T, ...T[]]) as unknown as z.ZodType<T>,
    parse: (text) => {
      if (!(choices as readonly string[]).includes(text)) {
        throw new OptionValueError(`expected one of ${choices.join(', ')}.`);
      }
      return text as T;
    },
  };
}

/** Whole numbers in [1, max]. */
export function countKind(max: number): ValueKind<number> {
  return { parse: parsePositiveInteger, schema: z.number().int().min(1).max(max) };
}

const layerName = z.string().regex(/^[A-Za-z_][\w.]*$/, 'expected a layer name, first, last or none');

export const kinds = {
  /** A sparsity or other fraction in [0, 1). */
  sparsity: { parse: parseSparsity, schema: z.number().min(0).lt(1) },
  fraction: { parse: parseUnitFraction, schema: z.number().min(0).lt(1) },
  /** A factor in (0, 1]. */
  scale: { parse: parseScale, schema: z.number().gt(0).max(1) },
  positive: { parse: parsePositiveNumber, schema: z.number().gt(0).max(configLimits.magnitude) },
  nonNegative: { parse: parseNonNegativeNumber, schema: z.number().min(0).max(configLimits.magnitude) },
  /** Steps between two events (refreshes, evaluations). */
  interval: countKind(configLimits.steps),
  layerList: {
    parse: parseLayerList,
    schema: z
      .array(layerName)
      .min(1)
      .max(configLimits.count)
      .refine(
        (list) => !list.includes('none') || list.length === 1,
        "'none' keeps no layer dense: give it alone",
      ) as z.ZodType<readonly string[]>,
  },
} satisfies Record<string, ValueKind<unknown>>;

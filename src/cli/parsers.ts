/**
 * Parsers for command-line values. Each turns the text after a flag into a checked value or throws
 * commander's InvalidArgumentError with what is wrong and what to write instead. The value kinds themselves
 * (parsing and range, shared with the method options and the config schema) are in
 * src/methods/optionKinds.ts.
 */
import { InvalidArgumentError } from 'commander';
import * as kinds from '../methods/optionKinds.js';

/** Commander's argument error for a parser's OptionValueError, so it prints as a bad flag value. */
export function cliParser<T>(parse: (text: string) => T): (text: string) => T {
  return (text) => {
    try {
      return parse(text);
    } catch (error) {
      if (error instanceof kinds.OptionValueError) throw new InvalidArgumentError(error.message);
      throw error;
    }
  };
}

/** An integer ≥ 1 (batch size, epochs, steps, hidden widths). */
export const parsePositiveInteger = cliParser(kinds.parsePositiveInteger);
/** An integer ≥ 0 (seed, warm-up steps). */
export const parseNonNegativeInteger = cliParser(kinds.parseNonNegativeInteger);
/** A finite number > 0 (learning rate). */
export const parsePositiveNumber = cliParser(kinds.parsePositiveNumber);
/** A finite number ≥ 0 (weight decay). */
export const parseNonNegativeNumber = cliParser(kinds.parseNonNegativeNumber);
/** A number in [0, 1) (momentum). */
export const parseUnitFraction = cliParser(kinds.parseUnitFraction);
/** A factor in (0, 1] (Top-KAST's exploration scale). */
export const parseScale = cliParser(kinds.parseScale);
/** A sparsity in [0, 1): the fraction of weights removed, like 0.9. */
export const parseSparsity = cliParser(kinds.parseSparsity);
/** A comma-separated list of layer names (or first, last, none), like first,last. */
export const parseLayerList = cliParser(kinds.parseLayerList);

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

import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import {
  parseHiddenSizes,
  parseNonNegativeInteger,
  parseNonNegativeNumber,
  parsePositiveInteger,
  parsePositiveNumber,
  parseScale,
  parseUnitFraction,
} from './parsers.js';

describe('command-line value parsers', () => {
  it('parse valid values', () => {
    expect(parsePositiveInteger('128')).toBe(128);
    expect(parseNonNegativeInteger('0')).toBe(0);
    expect(parsePositiveNumber('5e-2')).toBe(0.05);
    expect(parsePositiveNumber('.5')).toBe(0.5);
    expect(parseNonNegativeNumber('0')).toBe(0);
    expect(parseUnitFraction('0.9')).toBe(0.9);
    expect(parseScale('1')).toBe(1);
    expect(parseScale('0.1')).toBe(0.1);
    expect(parseHiddenSizes('1024,512')).toEqual([1024, 512]);
    expect(parseHiddenSizes('64')).toEqual([64]);
  });

  it.each([
    [parsePositiveInteger, '0', 'expected a whole number ≥ 1, like 128.'],
    [parseScale, '0', 'expected a factor in (0, 1], like 0.1.'],
    [parseScale, '1.5', 'expected a factor in (0, 1]'],
    [parseScale, '-0.1', 'expected a factor in (0, 1]'],
    [parseScale, 'x', 'expected'],
    [parsePositiveInteger, '-3', 'expected a whole number ≥ 1'],
    [parsePositiveInteger, '1.5', 'expected a whole number ≥ 1'],
    [parsePositiveInteger, 'ten', 'expected a whole number ≥ 1'],
    [parsePositiveInteger, '', 'expected a whole number ≥ 1'],
    [parseNonNegativeInteger, '-1', 'expected a whole number ≥ 0'],
    [parsePositiveNumber, '0', 'expected a number > 0, like 0.05.'],
    [parsePositiveNumber, '-0.1', 'expected a number > 0'],
    [parsePositiveNumber, 'fast', 'expected a number, like 0.05.'],
    [parsePositiveNumber, 'Infinity', 'expected a number'],
    [parsePositiveNumber, '0x10', 'expected a number'],
    [parseNonNegativeNumber, '-1e-4', 'expected a number ≥ 0'],
    [parseNonNegativeNumber, '1e400', '1e400 is too large: expected a finite number.'],
    [parsePositiveNumber, '-1e999', 'is too large'],
    [parseUnitFraction, '1', 'expected a number in [0, 1)'],
    [parseHiddenSizes, '1024,,1024', 'expected comma-separated widths ≥ 1, like 1024,1024.'],
    [parseHiddenSizes, '1024,0', 'expected comma-separated widths'],
    [parseHiddenSizes, 'wide', 'expected comma-separated widths'],
    [parseHiddenSizes, '', 'expected comma-separated widths'],
  ] as const)('%o rejects %j', (parse, text, message) => {
    expect(() => parse(text)).toThrow(InvalidArgumentError);
    expect(() => parse(text)).toThrow(message);
  });
});

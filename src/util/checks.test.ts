import { describe, expect, it } from 'vitest';
import {
  checkDensity,
  checkFraction,
  checkInterval,
  checkPositive,
  checkPositiveInteger,
  checkPositiveIntegers,
  checkUnitInterval,
  firstNonFinite,
} from './checks.js';

describe('checks', () => {
  it('pass values in range, refuse the rest with one line naming the value and the range', () => {
    for (const ok of [1, 7]) expect(() => checkPositiveInteger(ok, 'n')).not.toThrow();
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      expect(() => checkPositiveInteger(bad, 'n')).toThrow(`n must be a positive integer, got ${bad}`);
    }
    expect(() => checkPositiveIntegers([3, 4], 'a and b')).not.toThrow();
    expect(() => checkPositiveIntegers([3, 0], 'a and b')).toThrow(
      'a and b must be positive integers, got 3 and 0',
    );
    expect(() => checkPositive(1e-9, 'lr')).not.toThrow();
    expect(() => checkPositive(0, 'lr')).toThrow('lr must be a finite number > 0, got 0');
    expect(() => checkPositive(0, 'wd', true)).not.toThrow();
    expect(() => checkPositive(-1, 'wd', true)).toThrow('wd must be a finite number ≥ 0, got -1');
    expect(() => checkPositive(Number.POSITIVE_INFINITY, 'lr')).toThrow('got Infinity');
    expect(() => checkUnitInterval(0, 'm')).not.toThrow();
    expect(() => checkUnitInterval(1, 'm')).toThrow('m must be in [0, 1), got 1');
    for (const ok of [0, 0.5, 1]) expect(() => checkFraction(ok, 'f')).not.toThrow();
    expect(() => checkFraction(1.01, 'f')).toThrow('f must be a fraction in [0, 1], got 1.01');
    expect(() => checkDensity(1, 'd')).not.toThrow();
    expect(() => checkDensity(0, 'd')).toThrow('d must be in (0, 1] (a sparsity in [0, 1)), got 0');
    expect(() => checkInterval(1, 'Δt')).not.toThrow();
    expect(() => checkInterval(2.5, 'Δt')).toThrow('Δt must be a whole number of steps ≥ 1, got 2.5');
  });

  it('firstNonFinite finds the first NaN or infinity', () => {
    expect(firstNonFinite(new Float32Array([1, 2, 3]))).toBe(-1);
    expect(firstNonFinite(new Float32Array([1, Number.NaN, Number.POSITIVE_INFINITY]))).toBe(1);
    expect(firstNonFinite([0, Number.NEGATIVE_INFINITY])).toBe(1);
    expect(firstNonFinite([])).toBe(-1);
  });
});

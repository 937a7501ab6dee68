import { describe, expect, test } from 'vitest';
import { splitEvenly, splitRowsByCost } from './threadsSplit.js';

describe('splitEvenly', () => {
  test('cuts at multiples of the given size, the last range taking the remainder', () => {
    expect(splitEvenly(1024, 2, 4)).toEqual([0, 512, 1024]);
    expect(splitEvenly(130, 2, 4)).toEqual([0, 64, 130]);
    expect(splitEvenly(129, 3, 4)).toEqual([0, 44, 88, 129]);
    expect(splitEvenly(10, 2, 4)).toEqual([0, 4, 10]);
  });

  test('gives empty ranges rather than boundaries past the size', () => {
    expect(splitEvenly(3, 2, 4)).toEqual([0, 0, 3]);
    expect(splitEvenly(0, 2, 4)).toEqual([0, 0, 0]);
    expect(splitEvenly(5, 4, 4)).toEqual([0, 0, 4, 4, 5]);
  });
});

describe('splitRowsByCost', () => {
  test('balances kept entries plus one per row', () => {
    // Rows keep 10, 0, 0, 0, 10 entries: costs 11, 1, 1, 1, 11 (total 25); rows 0..2 cost 13, rows 3..4 12.
    const offsets = Int32Array.from([0, 10, 10, 10, 10, 20]);
    expect(splitRowsByCost(offsets, 5, 2)).toEqual([0, 3, 5]);
  });

  test('puts a heavy first row alone when it outweighs the rest', () => {
    const offsets = Int32Array.from([0, 100, 101, 102, 103]);
    expect(splitRowsByCost(offsets, 4, 2)).toEqual([0, 1, 4]);
    expect(splitRowsByCost(offsets, 4, 3)).toEqual([0, 1, 1, 4]);
  });

  test('splits rows evenly when every row is empty, and handles no rows', () => {
    expect(splitRowsByCost(new Int32Array(9), 8, 2)).toEqual([0, 4, 8]);
    expect(splitRowsByCost(new Int32Array(1), 0, 2)).toEqual([0, 0, 0]);
  });

  test('halves of a uniform 1024-row pattern differ by at most one row', () => {
    const offsets = Int32Array.from({ length: 1025 }, (_, r) => 102 * r);
    const cuts = splitRowsByCost(offsets, 1024, 2);
    expect(Math.abs(cuts[1] - 512)).toBeLessThanOrEqual(1);
  });
});

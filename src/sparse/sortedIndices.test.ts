import { describe, expect, it } from 'vitest';
import {
  ascendingDifference,
  containsIndex,
  lowerBound,
  mergeAscending,
  overlap,
  sameIndices,
} from './sortedIndices.js';

const list = (...values: number[]) => Int32Array.from(values);

describe('sorted index set operations', () => {
  it('sameIndices compares length and order', () => {
    expect(sameIndices(list(1, 4), list(1, 4))).toBe(true);
    expect(sameIndices(list(1, 4), list(1, 5))).toBe(false);
    expect(sameIndices(list(1), list(1, 4))).toBe(false);
    expect(sameIndices(list(), list())).toBe(true);
  });

  it('overlap counts the common indices', () => {
    expect(overlap(list(0, 2, 4, 9), list(1, 2, 3, 9, 10))).toBe(2);
    expect(overlap(list(), list(1, 2))).toBe(0);
  });

  it('mergeAscending interleaves two disjoint lists, either one empty', () => {
    expect([...mergeAscending(list(0, 5, 7), list(1, 2, 9))]).toEqual([0, 1, 2, 5, 7, 9]);
    expect([...mergeAscending(list(), list(3))]).toEqual([3]);
    expect([...mergeAscending(list(3), list())]).toEqual([3]);
  });

  it('ascendingDifference gives b \\ a, or null when a ⊄ b or a list is not strictly ascending', () => {
    expect([...ascendingDifference(list(1, 2, 3, 8), list(2, 8))!]).toEqual([1, 3]);
    expect([...ascendingDifference(list(1, 2), list())!]).toEqual([1, 2]);
    expect(ascendingDifference(list(1, 2), list(4))).toBeNull();
    expect(ascendingDifference(list(1, 3), list(2))).toBeNull();
    expect(ascendingDifference(list(2, 1), list())).toBeNull();
    expect(ascendingDifference(list(1), list(1, 2))).toBeNull();
  });

  it('lowerBound and containsIndex search a range', () => {
    const sorted = list(2, 4, 4, 7);
    expect(lowerBound(sorted, 0, 4, 4)).toBe(1);
    expect(lowerBound(sorted, 0, 4, 8)).toBe(4);
    expect(lowerBound(sorted, 2, 4, 0)).toBe(2);
    expect(containsIndex(sorted, 7)).toBe(true);
    expect(containsIndex(sorted, 5)).toBe(false);
    expect(containsIndex(list(), 0)).toBe(false);
  });
});

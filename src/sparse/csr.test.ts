import { describe, expect, test } from 'vitest';
import { engine } from '../kernels/engine.js';
import {
  csrFromSortedIndices,
  csrToFlatIndices,
  freePattern,
  isSubsetPattern,
  mergePatterns,
  patternSize,
  patternsEqual,
  plainMemory,
  positionsInside,
} from './csr.js';

const pattern = (flat: number[], rows: number, cols: number) =>
  csrFromSortedIndices(Int32Array.from(flat), rows, cols, plainMemory);

describe('CSR patterns', () => {
  test('built from sorted flat indices, with empty rows, and back', () => {
    // 3×4: row 0 keeps columns 1, 3; row 1 is empty; row 2 keeps columns 0, 2, 3.
    const p = pattern([1, 3, 8, 10, 11], 3, 4);
    expect(Array.from(p.rowOffsets)).toEqual([0, 2, 2, 5]);
    expect(Array.from(p.columnIndices)).toEqual([1, 3, 0, 2, 3]);
    expect(patternSize(p)).toBe(5);
    expect(Array.from(csrToFlatIndices(p, plainMemory))).toEqual([1, 3, 8, 10, 11]);
    const empty = pattern([], 2, 5);
    expect(Array.from(empty.rowOffsets)).toEqual([0, 0, 0]);
    expect(patternSize(pattern([0, 1, 2, 3], 2, 2))).toBe(4);
  });

  test('refuses unsorted, repeated or out-of-range indices and bad shapes', () => {
    expect(() => pattern([3, 1], 2, 2)).toThrow(/index 1 at position 1 is not above the previous one/);
    expect(() => pattern([1, 1], 2, 2)).toThrow(/not above/);
    expect(() => pattern([4], 2, 2)).toThrow(/index 4 at position 0 is outside \[0, 4\)/);
    expect(() => pattern([-1], 2, 2)).toThrow(/not above/);
    expect(() => pattern([], -1, 2)).toThrow(/shape -1×2 is invalid/);
    expect(() => pattern([], 1 << 16, 1 << 16)).toThrow(/rows·cols < 2\^31/);
  });

  test('equality compares shape and entries', () => {
    expect(patternsEqual(pattern([0, 5], 2, 3), pattern([0, 5], 2, 3))).toBe(true);
    expect(patternsEqual(pattern([0, 5], 2, 3), pattern([0, 4], 2, 3))).toBe(false);
    expect(patternsEqual(pattern([0, 5], 2, 3), pattern([0, 5], 3, 2))).toBe(false);
    expect(patternsEqual(pattern([0, 1], 2, 3), pattern([0, 3], 2, 3))).toBe(false);
  });

  test('merge is the union, row by row', () => {
    const a = pattern([0, 2, 7], 3, 3);
    const b = pattern([2, 3, 8], 3, 3);
    const union = mergePatterns(a, b, plainMemory);
    expect(Array.from(csrToFlatIndices(union, plainMemory))).toEqual([0, 2, 3, 7, 8]);
    expect(Array.from(union.rowOffsets)).toEqual([0, 2, 3, 5]);
    expect(patternsEqual(mergePatterns(a, a, plainMemory), a)).toBe(true);
    expect(() => mergePatterns(a, pattern([], 1, 9), plainMemory)).toThrow(
      /3×3 and 1×9; they must have the same shape/,
    );
  });

  test('subset test and positions of an inner pattern inside an outer one', () => {
    // The spec's check vector as a 2×5 matrix: A = {0, 4} inside B = {0, 2, 4, 7, 9}.
    const forward = pattern([0, 4], 2, 5);
    const backward = pattern([0, 2, 4, 7, 9], 2, 5);
    expect(isSubsetPattern(forward, backward)).toBe(true);
    expect(isSubsetPattern(backward, forward)).toBe(false);
    expect(Array.from(positionsInside(forward, backward, plainMemory))).toEqual([0, 2]);
    expect(Array.from(positionsInside(pattern([7, 9], 2, 5), backward, plainMemory))).toEqual([3, 4]);
    expect(() => positionsInside(pattern([0, 6], 2, 5), backward, plainMemory)).toThrow(
      /entry \(1, 1\) of the inner pattern is not in the outer pattern/,
    );
  });

  test('by default the arrays live in the engine heap, and can be given back', () => {
    const { heap } = engine();
    const p = csrFromSortedIndices(Int32Array.from([1, 2]), 2, 2);
    expect(heap.owns(p.rowOffsets) && heap.owns(p.columnIndices)).toBe(true);
    const before = heap.allocatedBytes;
    freePattern(p, heap);
    expect(heap.allocatedBytes).toBeLessThan(before);
  });
});

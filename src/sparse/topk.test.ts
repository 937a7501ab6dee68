import { describe, expect, test } from 'vitest';
import { selectTopK, selectTopKByMagnitude } from './topk.js';

/** The spec of selectTopK by sorting: larger score first, lower index first among equal scores. */
function sortedTopK(scores: ArrayLike<number>, k: number): number[] {
  const order = Array.from({ length: scores.length }, (_, i) => i);
  order.sort((i, j) => (scores[j] === scores[i] ? i - j : scores[j] - scores[i]));
  return order.slice(0, k).sort((a, b) => a - b);
}

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('selectTopK', () => {
  test('the spec check vector: A = {0, 4} at D = 0.2 and B = {0, 2, 4, 7, 9} at D + M = 0.5', () => {
    const theta = new Float32Array([0.9, -0.1, 0.5, -0.3, 0.7, 0.05, -0.2, 0.6, 0.0, 0.45]);
    expect(Array.from(selectTopKByMagnitude(theta, 2))).toEqual([0, 4]);
    expect(Array.from(selectTopKByMagnitude(theta, 5))).toEqual([0, 2, 4, 7, 9]);
  });

  test('matches the sort-based reference on random data, float32 and float64, signed and by magnitude', () => {
    const next = random(7);
    for (const n of [1, 2, 17, 1000, 4099]) {
      // Few distinct values too, so that ties at the threshold are common.
      for (const levels of [0, 5]) {
        const values = Float32Array.from({ length: n }, () =>
          levels ? Math.floor(next() * levels) - 2 : (next() - 0.5) * 10 ** (next() * 8 - 4),
        );
        const doubles = Float64Array.from(values, (v, i) => v + (levels ? 0 : i * 1e-12));
        for (const k of [0, 1, Math.floor(n / 3), n - 1, n].filter((k) => k >= 0 && k <= n)) {
          expect(Array.from(selectTopK(values, k))).toEqual(sortedTopK(values, k));
          expect(Array.from(selectTopK(doubles, k))).toEqual(sortedTopK(doubles, k));
          const magnitudes = values.map(Math.abs);
          expect(Array.from(selectTopKByMagnitude(values, k))).toEqual(sortedTopK(magnitudes, k));
        }
      }
    }
  });

  test('a vector of equal values keeps the lowest indices', () => {
    const equal = new Float32Array(1000).fill(0.25);
    expect(Array.from(selectTopK(equal, 3))).toEqual([0, 1, 2]);
    expect(
      Array.from(
        selectTopKByMagnitude(
          equal.map((v, i) => (i % 2 ? -v : v)),
          4,
        ),
      ),
    ).toEqual([0, 1, 2, 3]);
    expect(Array.from(selectTopK(new Float64Array(1000).fill(-7), 2))).toEqual([0, 1]);
  });

  test('float64 scores that differ only in the low word are ordered exactly', () => {
    const scores = new Float64Array([1, 1 + 2 ** -52, 1, 1 + 2 ** -51, -1 - 2 ** -52, -1]);
    expect(Array.from(selectTopK(scores, 1))).toEqual([3]);
    expect(Array.from(selectTopK(scores, 3))).toEqual([0, 1, 3]);
    expect(Array.from(selectTopK(scores, 5))).toEqual([0, 1, 2, 3, 5]);
  });

  test('k = 0 gives nothing and k = n gives every index', () => {
    const scores = new Float32Array([3, -1, 2]);
    expect(selectTopK(scores, 0).length).toBe(0);
    expect(Array.from(selectTopK(scores, 3))).toEqual([0, 1, 2]);
    expect(selectTopK(new Float32Array(0), 0).length).toBe(0);
  });

  test('negative scores rank below positive ones and −0 ties with +0', () => {
    const scores = new Float32Array([
      -5,
      -0,
      -1,
      0,
      -0.5,
      Number.NEGATIVE_INFINITY,
      Number.POSITIVE_INFINITY,
    ]);
    expect(Array.from(selectTopK(scores, 3))).toEqual([1, 3, 6]);
    expect(Array.from(selectTopK(scores, 2))).toEqual([1, 6]);
    expect(Array.from(selectTopK(Float64Array.from(scores), 2))).toEqual([1, 6]);
    expect(Array.from(selectTopKByMagnitude(new Float32Array([-0, 0, -0, 0]), 2))).toEqual([0, 1]);
  });

  test('refuses NaN (naming its index) and k outside [0, n]', () => {
    expect(() => selectTopK(new Float32Array([1, Number.NaN, 2]), 1)).toThrow(/score 1 is NaN/);
    expect(() => selectTopK(new Float64Array([1, 2, -Number.NaN]), 1)).toThrow(/score 2 is NaN/);
    expect(() => selectTopKByMagnitude(new Float32Array([Number.NaN]), 0)).toThrow(/score 0 is NaN/);
    expect(() => selectTopK(new Float32Array(3), 4)).toThrow(/k = 4 is outside \[0, 3\]/);
    expect(() => selectTopK(new Float32Array(3), -1)).toThrow(/outside/);
    expect(() => selectTopK(new Float32Array(3), 1.5)).toThrow(/outside/);
  });

  test('views into a larger buffer read only their own entries', () => {
    const buffer = new Float32Array([100, 1, 3, 2, 100]);
    expect(Array.from(selectTopK(buffer.subarray(1, 4), 2))).toEqual([1, 2]);
  });

  test('selects 10% of 1M magnitudes exactly in linear time', () => {
    const next = random(11);
    const n = 1 << 20;
    const values = Float32Array.from({ length: n }, () => next() * 2 - 1);
    let best = Number.POSITIVE_INFINITY;
    let selected = new Int32Array(0);
    for (let rep = 0; rep < 5; rep++) {
      const start = performance.now();
      selected = selectTopKByMagnitude(values, n / 8);
      best = Math.min(best, performance.now() - start);
    }
    const threshold = selected.reduce(
      (low, i) => Math.min(low, Math.abs(values[i])),
      Number.POSITIVE_INFINITY,
    );
    const above = values.reduce((count, v) => count + (Math.abs(v) > threshold ? 1 : 0), 0);
    expect(selected.length).toBe(n / 8);
    expect(above).toBeLessThan(n / 8);
    // Generous bound: the cores are shared; the benchmark reports the real figure (about 6 ms).
    expect(best).toBeLessThan(60);
  });
});

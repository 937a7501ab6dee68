import { describe, expect, it } from 'vitest';
import { distributeCounts, erkDensities } from './distribution.js';

const shapes = [{ dims: [1024, 784] }, { dims: [1024, 1024] }, { dims: [10, 1024] }];
const sizes = shapes.map((s) => s.dims[0] * s.dims[1]);
const total = sizes.reduce((a, b) => a + b, 0);

describe('layer distributions', () => {
  it('uniform gives every tensor the same density and hits the total within one per tensor', () => {
    const counts = distributeCounts('uniform', shapes, 0.1);
    for (const [l, c] of counts.entries()) expect(Math.abs(c - 0.1 * sizes[l])).toBeLessThanOrEqual(0.5);
    expect(Math.abs(counts.reduce((a, b) => a + b, 0) - 0.1 * total)).toBeLessThanOrEqual(shapes.length);
  });

  it('ERK scales density with (Σ dims)/(Π dims), caps at 1 and redistributes, hitting the total', () => {
    const densities = erkDensities(shapes, 0.1);
    // The small output layer has the largest ERK density; it is capped at 1 here.
    expect(densities[2]).toBe(1);
    const ratio = densities[0] / densities[1];
    expect(ratio).toBeCloseTo((1024 + 784) / (1024 * 784) / ((2 * 1024) / (1024 * 1024)), 9);
    const kept = densities.reduce((a, d, l) => a + d * sizes[l], 0);
    expect(kept).toBeCloseTo(0.1 * total, 3);
    const counts = distributeCounts('erk', shapes, 0.1);
    expect(Math.abs(counts.reduce((a, b) => a + b, 0) - Math.round(0.1 * total))).toBeLessThanOrEqual(
      shapes.length,
    );
  });

  it('global counts come from one top-k over all magnitudes', () => {
    const magnitudes = [Float32Array.from([5, 1, 1, 1]), Float32Array.from([4, 3, 2, 0.5])];
    expect(distributeCounts('global', [{ dims: [2, 2] }, { dims: [2, 2] }], 0.5, magnitudes)).toEqual([1, 3]);
    expect(() => distributeCounts('global', [{ dims: [2, 2] }], 0.5)).toThrow(/pass every tensor's values/);
  });

  it('keeps at least one entry per tensor', () => {
    expect(distributeCounts('uniform', [{ dims: [3, 3] }], 0.01)).toEqual([1]);
  });
});

import { describe, expect, it } from 'vitest';
import { Random } from '../util/random.js';
import { createMethod } from './registry.js';

describe('ste', () => {
  it('is Top-KAST with a dense backward set, no penalty, and a forward mask recomputed every step by default', () => {
    const ste = createMethod('ste', { sparsity: 0.8, penalty: 0.5, backwardSparsity: 0.5 });
    expect(ste.name).toBe('ste');
    expect(ste.config).toEqual({ sparsity: 0.8, refreshInterval: 1 });
    expect([ste.forwardDensity(0, 10), ste.backwardDensity(0, 10)]).toEqual([1 - 0.8, 1]);
    expect([0, 1, 2].every((step) => ste.isRefreshStep(step, 10))).toBe(true);
    const theta = Float32Array.from([0.9, -0.1, 0.5, -0.3, 0.7, 0.05, -0.2, 0.6, 0.0, 0.45]);
    const context = {
      step: -1,
      totalSteps: 10,
      budget: { forwardCount: 2, backwardCount: 10 },
      random: new Random(0),
      denseGradient: null,
    };
    const sets = ste.initialSets(theta, context);
    expect(Array.from(sets.forward)).toEqual([0, 4]);
    expect(Array.from(sets.backward)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(createMethod('ste', { sparsity: 0.8, refreshInterval: 100 }).isRefreshStep(0, 10)).toBe(false);
  });

  it('refuses bad options with the fix in the message', () => {
    expect(() => createMethod('ste', { sparsity: 1 })).toThrow(/\(0, 1\]/);
    expect(() => createMethod('ste', { sparsity: 0.9, refreshInterval: 0.5 })).toThrow(
      /whole number of steps ≥ 1/,
    );
  });
});

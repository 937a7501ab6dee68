import { describe, expect, it } from 'vitest';
import { SparseWeight } from '../sparse/sparseWeight.js';
import { Random } from '../util/random.js';
import { TopKast } from './topkast.js';

const theta = Float32Array.from([0.9, -0.1, 0.5, -0.3, 0.7, 0.05, -0.2, 0.6, 0.0, 0.45]);

describe('Top-KAST (spec check vector)', () => {
  const method = new TopKast({ forwardSparsity: 0.8, backwardSparsity: 0.5, penalty: 1e-4 });
  const context = {
    step: -1,
    totalSteps: 10,
    budget: { forwardCount: 2, backwardCount: 5 },
    random: new Random(0),
    denseGradient: null,
  };

  it('selects A = {0, 4} and B = {0, 2, 4, 7, 9} for D = 0.2, M = 0.3', () => {
    const sets = method.initialSets(theta, context);
    expect(Array.from(sets.forward)).toEqual([0, 4]);
    expect(Array.from(sets.backward)).toEqual([0, 2, 4, 7, 9]);
  });

  it('adds the exploration penalty λθ on A and (λ/D)θ on B \\ A, nothing on C', () => {
    const sets = method.initialSets(theta, context);
    const weight = new SparseWeight({ name: 'w', rows: 2, cols: 5, theta, ...sets });
    method.addGradientTerm(weight, 0.2);
    const dense = new Float64Array(10);
    weight.entryIndices.forEach((flat, p) => {
      dense[flat] = weight.grads[p];
    });
    const expected = [9e-5, 0, 2.5e-4, 0, 7e-5, 0, 0, 3e-4, 0, 2.25e-4];
    for (let i = 0; i < 10; i++) expect(dense[i]).toBeCloseTo(expected[i], 9);
    weight.dispose();
  });

  it('refreshes every N steps, N = 100 by default', () => {
    const defaults = new TopKast({ forwardSparsity: 0.9, backwardSparsity: 0.8 });
    expect(defaults.refreshInterval).toBe(100);
    expect(defaults.penalty).toBe(1e-4);
    expect([0, 98, 99, 100, 199].map((s) => defaults.isRefreshStep(s))).toEqual([
      false,
      false,
      true,
      false,
      true,
    ]);
    const everyStep = new TopKast({ forwardSparsity: 0.9, backwardSparsity: 0.8, refreshInterval: 1 });
    expect([0, 1, 2].every((s) => everyStep.isRefreshStep(s))).toBe(true);
  });

  it('refuses impossible configurations with the fix in the message', () => {
    expect(() => new TopKast({ forwardSparsity: 0.8, backwardSparsity: 0.9 })).toThrow(
      /backward sparsity 0.9 is above/,
    );
    expect(() => new TopKast({ forwardSparsity: 1, backwardSparsity: 0.5 })).toThrow(/\(0, 1\]/);
    expect(() => new TopKast({ forwardSparsity: -0.1, backwardSparsity: -0.2 })).toThrow(/\(0, 1\]/);
    expect(() => new TopKast({ forwardSparsity: 0.8, backwardSparsity: 0.5, refreshInterval: 0 })).toThrow(
      /≥ 1/,
    );
    expect(() => new TopKast({ forwardSparsity: 0.8, backwardSparsity: 0.5, penalty: Number.NaN })).toThrow(
      /penalty/,
    );
  });
});

import { describe, expect, it } from 'vitest';
import { SparseWeight } from '../sparse/sparseWeight.js';
import { runStep } from '../train/testing.js';
import { Random } from '../util/random.js';
import { GradualMagnitudePruning } from './gmp.js';
import { holds, tinyRun } from './testing.js';

const theta = Float32Array.from([0.9, -0.1, 0.5, -0.3, 0.7, 0.05, -0.2, 0.6, 0.0, 0.45]);

function context(forwardCount: number) {
  return {
    step: 99,
    totalSteps: 1000,
    budget: { forwardCount, backwardCount: forwardCount },
    random: new Random(0),
    denseGradient: null,
  };
}

describe('gmp', () => {
  it('starts dense and follows s_t at t0 = 10%, …, 60% of training, every Δt = 100 steps by default', () => {
    const gmp = new GradualMagnitudePruning({ sparsity: 0.9 });
    expect(gmp.config).toEqual({
      sparsity: 0.9,
      initialSparsity: 0,
      pruningStart: 0.1,
      pruningEnd: 0.6,
      refreshInterval: 100,
    });
    const density = (step: number) => gmp.forwardDensity(step, 1000);
    expect([density(-1), density(98), density(99), density(198)]).toEqual([1, 1, 1, 1]);
    expect(density(199)).toBeCloseTo(1 - 0.4392, 12);
    expect(density(599)).toBeCloseTo(0.1, 12);
    expect(density(999)).toBeCloseTo(0.1, 12);
    expect(gmp.backwardDensity(199, 1000)).toBe(density(199));
    const refreshes = Array.from({ length: 1000 }, (_, s) => s).filter((s) => gmp.isRefreshStep(s, 1000));
    expect(refreshes).toEqual([99, 199, 299, 399, 499, 599]);
  });

  it('prunes the smallest |θ| among the active weights only: removed weights stay removed', () => {
    const gmp = new GradualMagnitudePruning({ sparsity: 0.9 });
    const active = Int32Array.from([1, 2, 3, 5, 6, 8]);
    const weight = new SparseWeight({
      name: 'w',
      rows: 2,
      cols: 5,
      theta,
      forward: active,
      backward: active,
    });
    const sets = gmp.selectSets(weight, context(3));
    expect(Array.from(sets.forward)).toEqual([2, 3, 6]); // 0.9 at index 0 is larger, but was pruned
    expect(Array.from(sets.backward)).toEqual([2, 3, 6]);
    expect(() => gmp.selectSets(weight, context(7))).toThrow(/only 6 are still active.*uniform or erk/);
    weight.dispose();
  });

  it('trains from dense to the final count, each pruning keeping a subset of the weights before it', () => {
    const run = tinyRun({
      method: new GradualMagnitudePruning({ sparsity: 0.75, refreshInterval: 4 }),
      optimizer: 'sgd-momentum',
      totalSteps: 40,
    });
    const { weights } = run.controller;
    expect(weights.map((w) => w.forwardCount)).toEqual([192, 256, 64]);
    let previous = weights.map((w) => w.forwardIndices().slice());
    for (let step = 0; step < 40; step++) {
      runStep(run, step);
      const current = weights.map((w) => w.forwardIndices().slice());
      current.forEach((set, l) => {
        for (const flat of set) expect(holds(previous[l], flat)).toBe(true);
      });
      previous = current;
    }
    expect(weights.map((w) => w.forwardCount)).toEqual([48, 64, 16]);
    expect(run.controller.churn.map((c) => c.step)).toEqual([3, 7, 11, 15, 19, 23]);
    // Step t runs on the sets of the last pruning before it: dense for steps 0–3, then after each pruning
    // step p the schedule's s_p, s_p = 0.75 + (0 − 0.75)(1 − (p + 1 − 4)/20)³ (t0 = 4 updates, nΔt = 20),
    // each layer keeping round((1 − s_p)·n); a step costs 6 FLOPs per kept weight (A = B).
    const sizes = [192, 256, 64];
    const kept = (p: number) => {
      const s = 0.75 * (1 - (1 - (p + 1 - 4) / 20) ** 3);
      return sizes.reduce((sum, n) => sum + Math.round((1 - s) * n), 0);
    };
    let sparse = 0;
    let current = 512;
    for (let step = 0; step < 40; step++) {
      sparse += 6 * current;
      if ([3, 7, 11, 15, 19, 23].includes(step)) current = kept(step);
    }
    expect(run.controller.relativeTrainingFlops()).toBeCloseTo(sparse / (40 * 6 * 512), 12);
    run.dispose();
  });

  it('refuses bad options with the fix in the message', () => {
    expect(() => new GradualMagnitudePruning({ sparsity: 0.5, initialSparsity: 0.6 })).toThrow(
      /initial sparsity ≤ the final/,
    );
    expect(() => new GradualMagnitudePruning({ sparsity: 0.9, pruningStart: 0.7 })).toThrow(
      /pruningStart ≤ pruningEnd/,
    );
    expect(() => new GradualMagnitudePruning({ sparsity: 0.9, pruningEnd: 1.5 })).toThrow(/\[0, 1\]/);
    expect(() => new GradualMagnitudePruning({ sparsity: 0.9, refreshInterval: 0 })).toThrow(/≥ 1/);
    expect(() => new GradualMagnitudePruning({ sparsity: 1 })).toThrow(/\(0, 1\]/);
  });
});

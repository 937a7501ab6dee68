import { describe, expect, it } from 'vitest';
import { runStep } from '../train/testing.js';
import { Random } from '../util/random.js';
import { createMethod } from './registry.js';
import { SparseEvolutionaryTraining } from './set.js';
import { dropAndGrowWeight, firstUpdate, holds, tinyRun } from './testing.js';

describe('set', () => {
  it('defaults: ΔT = 100, α = 0.3, T_end = 75% of training; grown weights enter at zero', () => {
    const set = createMethod('set', { sparsity: 0.9 });
    expect(set.config).toEqual({ sparsity: 0.9, refreshInterval: 100, dropFraction: 0.3, updateEnd: 0.75 });
    expect(set.enteringValue).toBe('zero');
    const updates = Array.from({ length: 400 }, (_, s) => s).filter((s) => set.isRefreshStep(s, 400));
    expect(updates).toEqual([99, 199]);
    expect((set as SparseEvolutionaryTraining).dropFractionAt(99, 400)).toBeCloseTo(0.225, 12);
  });

  it('drops the ⌊f_t·|A|⌋ smallest |θ| and grows as many uniformly at random among the rest', () => {
    const set = new SparseEvolutionaryTraining({ sparsity: 0.5 });
    const weight = dropAndGrowWeight();
    const survivors = [4, 6, 8, 10, 12, 14, 16, 18]; // ⌊0.225·10⌋ = 2 dropped: entries 0 and 2
    const grownCounts = new Map<number, number>();
    const draws = 2000;
    for (let draw = 0; draw < draws; draw++) {
      const sets = set.selectSets(weight, firstUpdate(new Random(draw)));
      expect(sets.forward).toEqual(sets.backward);
      expect(sets.forward.length).toBe(10);
      for (const flat of survivors) expect(holds(sets.forward, flat)).toBe(true);
      for (const flat of sets.forward)
        if (!survivors.includes(flat)) grownCounts.set(flat, (grownCounts.get(flat) ?? 0) + 1);
    }
    // 12 candidates (10 inactive, 2 just dropped), 2 grown per draw: each about 2000·2/12 ≈ 333 times.
    expect(grownCounts.size).toBe(12);
    for (const count of grownCounts.values()) expect(Math.abs(count - (draws * 2) / 12)).toBeLessThan(70);
    weight.dispose();
  });

  it('in training: counts stay, grown weights start at θ = 0, no update after T_end', () => {
    const run = tinyRun({
      method: createMethod('set', { sparsity: 0.75, refreshInterval: 4 }),
      optimizer: 'sgd-momentum',
      totalSteps: 40,
    });
    const { weights } = run.controller;
    let grown = 0;
    for (let step = 0; step < 40; step++) {
      const before = weights.map((w) => w.forwardIndices().slice());
      runStep(run, step);
      weights.forEach((w, l) => {
        const theta = w.syncTheta();
        for (const flat of w.forwardIndices()) {
          if (holds(before[l], flat)) continue;
          expect(theta[flat]).toBe(0);
          grown++;
        }
      });
    }
    expect(weights.map((w) => w.forwardCount)).toEqual([48, 64, 16]);
    expect(run.controller.churn.map((c) => c.step)).toEqual([3, 7, 11, 15, 19, 23, 27]);
    expect(grown).toBeGreaterThan(20);
    run.dispose();
  });

  it('refuses bad options with the fix in the message', () => {
    expect(() => createMethod('set', { sparsity: 0.9, dropFraction: 1.2 })).toThrow(
      /drop fraction α must be a fraction in \[0, 1\]/,
    );
    expect(() => createMethod('set', { sparsity: 0.9, updateEnd: -0.1 })).toThrow(/T_end/);
    expect(() => createMethod('rigl', { sparsity: 0.9, refreshInterval: 0 })).toThrow(/≥ 1/);
    expect(() => createMethod('rigl', { sparsity: Number.NaN })).toThrow(/\(0, 1\]/);
  });
});

import { describe, expect, it } from 'vitest';
import { runStep } from '../train/testing.js';
import { Random } from '../util/random.js';
import type { SparsityMethod } from './method.js';
import { createMethod } from './registry.js';
import { RigL } from './rigl.js';
import { dropAndGrowWeight, firstUpdate, tinyRun } from './testing.js';

describe('rigl', () => {
  it('asks for the dense gradient on its mask-update steps only', () => {
    const rigl: SparsityMethod = createMethod('rigl', { sparsity: 0.9 });
    const asks = Array.from({ length: 400 }, (_, s) => s).filter((s) => rigl.needsDenseGradient?.(s, 400));
    expect(asks).toEqual([99, 199]);
  });

  it('grows the entries with the largest |dense gradient| outside the survivors; a regrown one keeps its value', () => {
    const rigl = new RigL({ sparsity: 0.5 });
    const weight = dropAndGrowWeight();
    const gradient = new Float32Array(20).fill(0.5);
    for (const flat of [4, 6, 8, 10, 12, 14, 16, 18]) gradient[flat] = 100; // survivors: never candidates
    gradient[0] = 5; // just dropped, but its gradient is the largest: it grows back
    gradient[7] = -3;
    gradient[9] = 1;
    weight.requestDenseGradient();
    weight.denseGradient!.set(gradient);
    const sets = rigl.selectSets(weight, firstUpdate(new Random(0)));
    expect(Array.from(sets.forward)).toEqual([0, 4, 6, 7, 8, 10, 12, 14, 16, 18]);
    weight.setSets(sets.forward, sets.backward, rigl.enteringValue);
    expect(weight.syncTheta()[0]).toBeCloseTo(0.1, 7);
    expect(weight.theta[7]).toBe(0);
    weight.releaseDenseGradient();
    expect(() => rigl.selectSets(weight, firstUpdate(new Random(0)))).toThrow(
      /no dense gradient.*beforeStep/,
    );
    weight.dispose();
  });

  it('in training: the dense gradient exists on update steps only, and costs FLOPs only then', () => {
    const run = tinyRun({
      method: createMethod('rigl', { sparsity: 0.75, refreshInterval: 4 }),
      optimizer: 'sgd-momentum',
      totalSteps: 40,
    });
    const { weights, method } = run.controller;
    const withGradient: number[] = [];
    for (let step = 0; step < 40; step++) {
      runStep(run, step, () => {
        const armed = weights.map((w) => w.denseGradient !== null);
        expect(new Set(armed).size).toBe(1);
        if (armed[0]) withGradient.push(step);
      });
      expect(weights.every((w) => w.denseGradient === null)).toBe(true);
    }
    expect(withGradient).toEqual([3, 7, 11, 15, 19, 23, 27]);
    expect(withGradient.every((s) => method.isRefreshStep(s, 40))).toBe(true);
    // Per step sparse cost 2·(2·|A| + |B|) = 6·0.25 of dense; the 7 dense gradients add 2·n each.
    expect(run.controller.relativeTrainingFlops()).toBeCloseTo((40 * 6 * 0.25 + 7 * 2) / (40 * 6), 2);
    run.dispose();
  });
});

import { describe, expect, it } from 'vitest';
import type { Linear } from '../nn/linear.js';
import { mlp } from '../nn/mlp.js';
import { SparseWeight } from '../sparse/sparseWeight.js';
import { createMethod } from './registry.js';
import { sparsify } from './sparsify.js';

const model = () => mlp({ inputs: 20, hidden: [30, 30], outputs: 5, activation: 'relu', seed: 1 });
const weightOf = (m: ReturnType<typeof model>, i: number) => (m.modules[i] as Linear).weight;

describe('sparsify', () => {
  it('makes the layers not kept dense sparse, in place, and reports the whole model', () => {
    const m = model();
    const controller = sparsify(m, {
      method: createMethod('topkast', { sparsity: 0.9, backwardSparsity: 0.8 }),
      totalSteps: 100,
      seed: 0,
    });
    // Default: first and last dense, so only fc2 (30×30) is sparse.
    expect([0, 2, 4].map((i) => weightOf(m, i) instanceof SparseWeight)).toEqual([false, true, false]);
    const report = controller.report();
    expect(report.layers).toEqual([
      {
        name: 'fc2.weight',
        shape: [30, 30],
        forwardCount: 90,
        backwardCount: 180,
        forwardDensity: 0.1,
        backwardDensity: 0.2,
      },
    ]);
    const total = 20 * 30 + 30 + 30 * 30 + 30 + 30 * 5 + 5;
    expect(report.totalParameters).toBe(total);
    expect(report.forwardActive).toBe(total - 900 + 90);
    expect(report.backwardActive).toBe(total - 900 + 180);
    // FLOPs per step: dense layers 6n; the sparse one 2·(2·90 + 180).
    expect(report.relativeTrainingFlops).toBeCloseTo((6 * (600 + 150) + 2 * (180 + 180)) / (6 * 1650), 12);
    m.dispose();
  });

  it.each([
    ['topkast', false],
    ['ste', true],
    ['static', true],
    ['gmp', true],
    ['set', true],
    ['rigl', true],
  ])(
    'weight decay on the sparse weights of %s: %s (only Top-KAST has a penalty to replace it)',
    (name, decay) => {
      const m = model();
      sparsify(m, {
        method: createMethod(name, { sparsity: 0.8 }),
        denseLayers: ['none'],
        totalSteps: 10,
        seed: 0,
      });
      expect([0, 2, 4].map((i) => weightOf(m, i).decay)).toEqual([decay, decay, decay]);
      m.dispose();
    },
  );

  it.each(['static', 'set', 'rigl'])(
    "refuses the 'global' distribution for %s, whose masks are random",
    (name) => {
      const m = model();
      expect(() =>
        sparsify(m, {
          method: createMethod(name, { sparsity: 0.8 }),
          distribution: 'global',
          totalSteps: 10,
          seed: 0,
        }),
      ).toThrow(/--distribution global ranks weights by magnitude.*use uniform or erk/);
      m.dispose();
    },
  );

  it('refuses unknown dense layers and a model with nothing left to make sparse', () => {
    const m = model();
    const method = createMethod('static', { sparsity: 0.5 });
    expect(() => sparsify(m, { method, denseLayers: ['fc9'], totalSteps: 1, seed: 0 })).toThrow(
      /no layer is named 'fc9': use first, last, none, or one of fc1, fc2, out/,
    );
    expect(() => sparsify(m, { method, denseLayers: ['fc1', 'fc2', 'out'], totalSteps: 1, seed: 0 })).toThrow(
      /has no layer to make sparse/,
    );
    m.dispose();
  });
});

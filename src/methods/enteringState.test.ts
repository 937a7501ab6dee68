import { describe, expect, it } from 'vitest';
import { engine } from '../kernels/engine.js';
import { mlp } from '../nn/mlp.js';
import { AdamW } from '../optim/adamw.js';
import { SparseWeight } from '../sparse/sparseWeight.js';
import { Tensor } from '../tensor/tensor.js';
import { trainStep } from '../train/trainStep.js';
import { setEnteringState } from './enteringState.js';
import { createMethod } from './registry.js';
import { sparsify } from './sparsify.js';

/** A 2×5 weight with B = {0, 2, 4, 7, 9} (A = {0, 4}) and a momentum array 1, 2, 3, 4, 5 in entry order. */
function weightWithState(): SparseWeight {
  const w = new SparseWeight({
    name: 'w',
    rows: 2,
    cols: 5,
    theta: Float32Array.from({ length: 10 }, (_, i) => i + 1),
    forward: Int32Array.from([0, 4]),
    backward: Int32Array.from([0, 2, 4, 7, 9]),
  });
  const momentum = engine().heap.allocF32(5);
  momentum.set([1, 2, 3, 4, 5]); // entries 0, 4, 2, 7, 9
  w.state.set('momentum', momentum);
  return w;
}

describe('entering optimizer state', () => {
  it("'zero' (the default) leaves entering entries at zero state", () => {
    const w = weightWithState();
    const before = w.backwardIndices().slice();
    w.setSets(Int32Array.from([0, 4]), Int32Array.from([0, 1, 4, 8, 9]));
    setEnteringState(w, before, 'zero');
    // entries 0, 4 (A), then 1, 8, 9: 1 and 8 entered.
    expect(Array.from(w.state.get('momentum')!)).toEqual([1, 2, 0, 0, 5]);
    w.dispose();
  });

  it("'mean' gives entering entries the mean state of the entries that stayed", () => {
    const w = weightWithState();
    const before = w.backwardIndices().slice();
    w.setSets(Int32Array.from([0, 4]), Int32Array.from([0, 1, 4, 8, 9]));
    setEnteringState(w, before, 'mean');
    const mean = (1 + 2 + 5) / 3; // entries 0, 4 and 9 stayed
    expect(Array.from(w.state.get('momentum')!)).toEqual([1, 2, mean, mean, 5].map(Math.fround));
    w.dispose();
  });
});

describe('sparsify with enteringState', () => {
  it.each([
    ['zero', true],
    ['mean', false],
  ] as const)("'%s': entering entries' Adam state is zero: %s", (enteringState, zeros) => {
    const model = mlp({ inputs: 12, hidden: [16], outputs: 4, activation: 'relu', seed: 1 });
    const method = createMethod('topkast', { sparsity: 0.75, backwardSparsity: 0.5, refreshInterval: 1 });
    const controller = sparsify(model, {
      method,
      denseLayers: ['none'],
      totalSteps: 10,
      seed: 0,
      enteringState,
    });
    const optimizer = new AdamW(model.trainables(), { lr: 0.1 });
    const x = Tensor.zeros([12, 8]);
    for (let i = 0; i < x.size; i++) x.data[i] = Math.sin(3 * i);
    const labels = engine().heap.allocI32(8);
    for (let b = 0; b < 8; b++) labels[b] = b % 4;
    for (let step = 0; step < 3; step++)
      trainStep({ model, optimizer, x, labels, step, lr: 0.1, hooks: controller });
    expect(controller.churn.some((record) => record.forwardChurn.some((c) => c > 0))).toBe(true);
    const moments = controller.weights.flatMap((w) => Array.from(w.state.get('secondMoment')!));
    expect(moments.some((v) => v === 0)).toBe(zeros);
    x.dispose();
    engine().heap.free(labels);
    model.dispose();
  });
});

import { describe, expect, it } from 'vitest';
import { engine, setKernelChoice } from '../kernels/engine.js';
import { mlp } from '../nn/mlp.js';
import type { Module } from '../nn/module.js';
import { AdamW } from '../optim/adamw.js';
import { SparseWeight } from '../sparse/sparseWeight.js';
import { Tensor } from '../tensor/tensor.js';
import { runSteps } from '../train/testing.js';
import { trainStep } from '../train/trainStep.js';
import { createMethod } from './registry.js';
import { type SparsifyOptions, sparsify } from './sparsify.js';
import { Spartan } from './spartan.js';
import { tinyRun } from './testing.js';

/** An MLP 30-40-40-5 after one AdamW step under `method`, with its controller. */
function trainedOneStep(method: SparsifyOptions['method'], options: Partial<SparsifyOptions> = {}) {
  const model = mlp({ inputs: 30, hidden: [40, 40], outputs: 5, activation: 'relu', seed: 3 });
  const controller = sparsify(model, { method, totalSteps: 10, seed: 0, denseLayers: ['last'], ...options });
  const optimizer = new AdamW(model.trainables(), { lr: 1e-3 });
  const x = Tensor.zeros([30, 4]);
  for (let i = 0; i < x.size; i++) x.data[i] = Math.sin(i);
  const labels = engine().heap.allocI32(4);
  labels.set([0, 1, 2, 3]);
  trainStep({ model, optimizer, x, labels, step: 0, lr: 1e-3, hooks: controller });
  x.dispose();
  engine().heap.free(labels);
  return { model, controller };
}

/** The byte length of every array the trainables hold, read off the arrays themselves. */
function heldBytes(model: Module): { held: number; dense: number } {
  let held = 0;
  let dense = 0;
  for (const t of model.trainables()) {
    const arrays = [t.values, t.grads, ...t.state.values()];
    held += arrays.reduce((sum, a) => sum + a.byteLength, 0);
    if (t instanceof SparseWeight) {
      const { forwardSet: a, backwardOnlySet: r } = t;
      for (const array of [a.rowOffsets, a.columnIndices, r.rowOffsets, r.columnIndices])
        held += array.byteLength;
      held += t.theta.byteLength + t.entryIndices.byteLength + t.backwardIndices().byteLength;
      dense += 4 * t.size * (2 + t.state.size);
    } else dense += arrays.reduce((sum, a) => sum + a.byteLength, 0);
  }
  return { held, dense };
}

describe('memory report', () => {
  it('adds up to the bytes the arrays hold, plus the top-k scratch of the largest layer', () => {
    const { model, controller } = trainedOneStep(
      createMethod('topkast', { sparsity: 0.9, backwardSparsity: 0.8 }),
    );
    const { held, dense } = heldBytes(model);
    const memory = controller.memory();
    expect(memory.scratchBytes).toBe(4 * 40 * 40); // fc2 (40×40) is the largest sparse layer
    expect(memory.stepBufferBytes).toBe(0); // densities 0.1 / 0.2: no dense kernels
    expect(memory.totalBytes).toBe(held + 4 * 40 * 40);
    expect(memory.denseEquivalentBytes).toBe(dense);
    expect(controller.report().memory).toEqual(memory);
    model.dispose();
  });

  it('counts masked dense weights and one dense gradient when layers run the dense kernels', () => {
    const previous = setKernelChoice({ forwardDenseAbove: 0, backwardDenseAbove: 0 });
    const { model, controller } = trainedOneStep(
      createMethod('topkast', { sparsity: 0.9, backwardSparsity: 0.8 }),
    );
    const memory = controller.memory();
    // fc1 30·40 and fc2 40·40 masked weights held at once, and the larger dense gradient (fc2).
    expect(memory.stepBufferBytes).toBe(4 * (1200 + 1600) + 4 * 1600);
    expect(memory.totalBytes).toBe(heldBytes(model).held + 4 * 1600 + memory.stepBufferBytes);
    setKernelChoice(previous);
    model.dispose();
  });

  it("counts RigL's dense gradients of every sparse layer", () => {
    const { model, controller } = trainedOneStep(createMethod('rigl', { sparsity: 0.8 }));
    const memory = controller.memory();
    expect(memory.scratchBytes).toBe(4 * 1600);
    expect(memory.stepBufferBytes).toBe(4 * (1200 + 1600));
    expect(memory.totalBytes).toBe(heldBytes(model).held + 4 * 1600 + 4 * (1200 + 1600));
    model.dispose();
  });

  it("keeps top-k scratch for every sparse layer at once under 'global', which ranks them together", () => {
    const { model, controller } = trainedOneStep(createMethod('topkast', { sparsity: 0.9 }), {
      distribution: 'global',
    });
    const memory = controller.memory();
    expect(memory.stepBufferBytes).toBe(0);
    expect(memory.scratchBytes).toBe(4 * (1200 + 1600));
    expect(memory.totalBytes).toBe(heldBytes(model).held + 4 * (1200 + 1600));
    model.dispose();
  });

  it('is the dense total for a dense run', () => {
    const { model, controller } = trainedOneStep(createMethod('dense', { sparsity: 0 }));
    const memory = controller.memory();
    expect(memory.totalBytes).toBe(heldBytes(model).held);
    expect(memory.totalBytes).toBe(memory.denseEquivalentBytes);
    model.dispose();
  });
});

describe("Spartan's memory", () => {
  it('is its peak before the freeze, the same after it: dense state, three mask arrays, the solver scratch', () => {
    const run = tinyRun({
      method: new Spartan({ sparsity: 0.75, freeze: 0.5 }),
      optimizer: 'sgd-momentum',
      totalSteps: 10,
    });
    runSteps(run, 0, 1);
    const before = run.controller.memory();
    const masked = 192 + 256 + 64; // every layer of the 12-16-16-4 MLP
    const held = run.model
      .trainables()
      .reduce(
        (sum, t) => sum + [t.values, t.grads, ...t.state.values()].reduce((s, a) => s + a.byteLength, 0),
        0,
      );
    // The churn reference (the hard mask at step 0, float32 per weight, the controller's) and three float32
    // entry arrays: block values v, soft mask m and m ⊙ h (a 1×1 layer's masks are views of them).
    expect(before.hotBytes).toBe(held + 4 * masked + 12 * masked);
    // The solver's histogram (2·(4·2048 + 4) floats), its 16384-value sample and its band (1/16 of the entries);
    // no layer has blocks, so there is no float64 entry gradient; nothing is allocated per step.
    expect(before.scratchBytes).toBe(4 * (2 * (4 * 2048 + 4) + 16384 + Math.ceil(masked / 16)));
    expect(before.stepBufferBytes).toBe(0);
    runSteps(run, 1, 7); // past the freeze at step 5
    expect(run.controller.memory()).toEqual(before);
    run.dispose();
  });
});

/**
 * The spec's Top-KAST checks (spec/topkast.md, "Checks any implementation must pass"), beyond the ten-entry
 * vector of topkast.test.ts: each one compares a Top-KAST run on a tiny all-sparse MLP with a dense model of
 * the same initial weights trained the way the check says. On the dense kernels (masked weights) the two
 * must agree bit for bit; on the sparse kernels up to summation order.
 */
import { describe, expect, it } from 'vitest';
import { engine, type KernelChoice } from '../kernels/engine.js';
import { Linear } from '../nn/linear.js';
import { mlp } from '../nn/mlp.js';
import type { Module } from '../nn/module.js';
import { SGD } from '../optim/sgd.js';
import { SparseWeight } from '../sparse/sparseWeight.js';
import { selectTopKByMagnitude } from '../sparse/topk.js';
import type { Trainable } from '../tensor/trainable.js';
import { runStep } from '../train/testing.js';
import { type StepHooks, trainStep } from '../train/trainStep.js';
import { createMethod } from './registry.js';
import type { SetBasedMethod } from './setBasedMethod.js';
import { type Batch, denseKernels, holds, type OptimizerChoice, tinyRun } from './testing.js';
import { TopKast } from './topkast.js';

const steps = 20;
const lr = 0.05;

/** The dense twin of tinyRun's model: same seed, so the same initial weights. */
function denseTwin(): { model: Module; layers: Linear[] } {
  const model = mlp({ inputs: 12, hidden: [16, 16], outputs: 4, activation: 'relu', seed: 1 });
  const layers = (model.children?.() ?? []).filter((m): m is Linear => m instanceof Linear);
  return { model, layers };
}

function denseWeights(layer: Linear): Trainable {
  return layer.weight;
}

/** Trains the dense twin on the batches with plain SGD and the given hooks; returns the losses. */
function trainDense(model: Module, trainables: Trainable[], batches: Batch[], hooks: Partial<StepHooks>) {
  const optimizer = new SGD(trainables, { lr });
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    const batch = batches[step % batches.length];
    losses.push(
      trainStep({
        model,
        optimizer,
        x: batch.x,
        labels: batch.labels,
        step,
        lr,
        hooks: {
          beforeStep: hooks.beforeStep ?? (() => {}),
          afterBackward: hooks.afterBackward ?? (() => {}),
          afterUpdate: hooks.afterUpdate ?? (() => {}),
        },
      }),
    );
  }
  return losses;
}

/** Trains Top-KAST (or any method) on tinyRun's model with plain SGD; returns the run and its losses. */
function trainSparse(method: SetBasedMethod, kernelChoice?: KernelChoice) {
  const run = tinyRun({ method, optimizer: 'sgd', totalSteps: steps, learningRate: lr, kernelChoice });
  const losses = Array.from({ length: steps }, (_, step) => runStep(run, step));
  return { run, losses };
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number) {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / Math.max(1, Math.abs(expected[i])));
  }
  expect(worst).toBeLessThan(tolerance);
}

const kernelCases: { kernels: string; choice?: KernelChoice; exact: boolean }[] = [
  { kernels: 'dense kernels on the masks', choice: denseKernels, exact: true },
  { kernels: 'sparse kernels', exact: false },
];

describe('Top-KAST spec checks', () => {
  describe.each(kernelCases)('$kernels', ({ choice, exact }) => {
    it('D = 1 (M = 0) equals dense training with the L2 penalty λ (grads += λθ, SGD without decay)', () => {
      const penalty = 0.01;
      const method = new TopKast({ forwardSparsity: 0, backwardSparsity: 0, penalty, refreshInterval: 1 });
      const sparse = trainSparse(method, choice);
      const { model, layers } = denseTwin();
      const losses = trainDense(model, model.trainables(), sparse.run.batches, {
        afterBackward: () => {
          for (const w of layers.map(denseWeights))
            engine().kernels.axpy({ alpha: penalty, x: w.values, y: w.grads, n: w.values.length });
        },
      });
      const sparseWeights = sparse.run.controller.weights;
      expect(sparseWeights.map((w) => w.forwardCount)).toEqual([192, 256, 64]);
      if (exact) expect(sparse.losses).toEqual(losses);
      else expectClose(sparse.losses, losses, 1e-5);
      sparseWeights.forEach((w, l) => {
        if (exact) expect(w.syncTheta()).toEqual(layers[l].weight.values);
        else expectClose(w.syncTheta(), layers[l].weight.values, 1e-5);
      });
      sparse.run.dispose();
      model.dispose?.();
    });

    it.each([0, 0.01])(
      'M = 0 without refresh equals static training on the initial top-D mask (λ = %s)',
      (penalty) => {
        const method = new TopKast({
          forwardSparsity: 0.75,
          backwardSparsity: 0.75,
          penalty,
          refreshInterval: 1000,
        });
        const sparse = trainSparse(method, choice);
        const { model, layers } = denseTwin();
        const masks = layers.map((layer) => {
          const values = layer.weight.values;
          const kept = selectTopKByMagnitude(values, Math.round(0.25 * values.length));
          const mask = new Float32Array(values.length);
          for (const flat of kept) mask[flat] = 1;
          for (let i = 0; i < values.length; i++) if (mask[i] === 0) values[i] = 0;
          return mask;
        });
        const losses = trainDense(model, model.trainables(), sparse.run.batches, {
          afterBackward: () => {
            layers.forEach((layer, l) => {
              const { values, grads } = layer.weight;
              for (let i = 0; i < grads.length; i++) grads[i] *= masks[l][i];
              engine().kernels.axpy({ alpha: penalty, x: values, y: grads, n: values.length });
            });
          },
        });
        // The penalty is λθ on A in two roundings ((λ/D)θ, then (λ − λ/D)θ), so only λ = 0 is bit-exact.
        if (exact && penalty === 0) expect(sparse.losses).toEqual(losses);
        else expectClose(sparse.losses, losses, 1e-5);
        // θ on the initial mask (the final refresh has since moved A to the top-D of the final θ).
        sparse.run.controller.weights.forEach((w, l) => {
          const onMask = w.syncTheta().map((value, i) => (masks[l][i] === 1 ? value : 0));
          if (exact && penalty === 0) expect(onMask).toEqual(layers[l].weight.values);
          else expectClose(onMask, layers[l].weight.values, 1e-5);
        });
        sparse.run.dispose();
        model.dispose?.();
      },
    );

    it.each([
      [
        'Top-KAST M = 1 − D, λ = 0',
        () => new TopKast({ forwardSparsity: 0.75, backwardSparsity: 0, penalty: 0, refreshInterval: 1 }),
      ],
      ['ste', () => createMethod('ste', { sparsity: 0.75 })],
    ])('%s with plain SGD equals straight-through magnitude masking', (_, makeMethod) => {
      const sparse = trainSparse(makeMethod(), choice);
      const { model, layers } = denseTwin();
      // θ is trained densely; the forward pass sees θ masked to its top-D magnitudes, recomputed every step.
      const heap = engine().heap;
      const thetas: Trainable[] = layers.map((layer) => {
        const values = heap.allocF32(layer.weight.values.length);
        values.set(layer.weight.values);
        return {
          name: `${layer.name}.theta`,
          values,
          grads: layer.weight.grads,
          state: new Map(),
          decay: false,
        };
      });
      const biases = layers.map((layer) => layer.bias as Trainable);
      const losses = trainDense(model, [...thetas, ...biases], sparse.run.batches, {
        beforeStep: () => {
          layers.forEach((layer, l) => {
            const theta = thetas[l].values;
            const masked = layer.weight.values;
            masked.fill(0);
            for (const flat of selectTopKByMagnitude(theta, Math.round(0.25 * theta.length)))
              masked[flat] = theta[flat];
          });
        },
      });
      const sparseWeights = sparse.run.controller.weights;
      expect(sparseWeights.map((w) => w.backwardCount)).toEqual([192, 256, 64]);
      if (exact) expect(sparse.losses).toEqual(losses);
      else expectClose(sparse.losses, losses, 1e-5);
      sparseWeights.forEach((w, l) => {
        if (exact) expect(w.syncTheta()).toEqual(thetas[l].values);
        else expectClose(w.syncTheta(), thetas[l].values, 1e-5);
      });
      for (const t of thetas) heap.free(t.values);
      sparse.run.dispose();
      model.dispose?.();
    });
  });

  it.each(['sgd', 'sgd-momentum', 'adamw'] as OptimizerChoice[])(
    'keeps the entries of C bit-identical between refreshes (%s)',
    (optimizer) => {
      const interval = 5;
      const method = new TopKast({ forwardSparsity: 0.75, backwardSparsity: 0.5, refreshInterval: interval });
      const run = tinyRun({ method, optimizer, totalSteps: steps });
      const { weights } = run.controller;
      let moved = 0;
      for (let start = 0; start < steps; start += interval) {
        // θ and B right after a refresh (or at initialisation), then `interval` steps up to the next refresh.
        const thetas = weights.map((w) => Float32Array.from(w.syncTheta()));
        const sets = weights.map((w) => w.backwardIndices().slice());
        for (let step = start; step < start + interval; step++) {
          runStep(run, step, () => {
            weights.forEach((w, l) => {
              const theta = w.syncTheta();
              for (let flat = 0; flat < w.size; flat++) {
                if (holds(sets[l], flat)) moved += theta[flat] === thetas[l][flat] ? 0 : 1;
                else expect(Object.is(theta[flat], thetas[l][flat])).toBe(true);
              }
            });
          });
        }
      }
      expect(moved).toBeGreaterThan(0);
      expect(weights.every((w) => w instanceof SparseWeight)).toBe(true);
      run.dispose();
    },
  );
});

describe('Top-KAST spec step 7: evaluation and export use the top-D of the final θ', () => {
  it('refreshes the sets after the last step, also between scheduled refreshes', () => {
    const method = new TopKast({ forwardSparsity: 0.75, backwardSparsity: 0.5, refreshInterval: 1000 });
    const { run } = trainSparse(method);
    expect(run.controller.churn.map((record) => record.step)).toEqual([steps - 1]);
    for (const w of run.controller.weights) {
      const theta = w.syncTheta();
      expect(Array.from(w.forwardIndices())).toEqual(
        Array.from(selectTopKByMagnitude(theta, w.forwardCount)),
      );
      expect(Array.from(w.backwardIndices())).toEqual(
        Array.from(selectTopKByMagnitude(theta, w.backwardCount)),
      );
    }
    run.dispose();
  });
});

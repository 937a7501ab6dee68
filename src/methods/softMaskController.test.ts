import { describe, expect, test } from 'vitest';
import { engine } from '../kernels/engine.js';
import { cnn } from '../nn/cnn.js';
import { Conv2d } from '../nn/conv2d.js';
import { Linear } from '../nn/linear.js';
import { mlp } from '../nn/mlp.js';
import { Parameter } from '../nn/parameter.js';
import { Sequential } from '../nn/sequential.js';
import { SparseWeight } from '../sparse/sparseWeight.js';
import { BlockLayout } from '../spartan/blockLayout.js';
import { softTopK } from '../spartan/softTopK.js';
import { recordTape } from '../tensor/tape.js';
import { Tensor } from '../tensor/tensor.js';
import { randomTensor, weightedSum } from '../tensor/testing.js';
import { runStep, runSteps } from '../train/testing.js';
import { Random } from '../util/random.js';
import { unpackMask } from './maskState.js';
import { createMethod, createTrainingMethod, methodFromConfig } from './registry.js';
import { CHURN_REFERENCE_KEY, FROZEN_MASK_KEY } from './softMaskController.js';
import { sparsify } from './sparsify.js';
import { Spartan, type SpartanOptions } from './spartan.js';
import { restoreRun, snapshotRun, tinyRun } from './testing.js';

const totalSteps = 40;

function spartan(options: Partial<SpartanOptions> = {}): Spartan {
  return new Spartan({ sparsity: 0.75, budgetScope: 'masked', ...options });
}

/** The kept flat indices of every sparse weight of a finalized model. */
function keptPatterns(run: { model: { trainables(): unknown[] } }): Int32Array[] {
  return run.model
    .trainables()
    .filter((t): t is SparseWeight => t instanceof SparseWeight)
    .map((w) => w.forwardIndices().slice());
}

describe('Spartan: the weight gradient', () => {
  test.each([
    ['1x1', 1],
    ['2x2', 4],
  ])('matches central differences of Σ g ⊙ W ⊙ m(W) (%s blocks, straight-through on h)', (block, size) => {
    const random = new Random(11);
    const layer = new Linear({ inputs: 6, outputs: 4, init: 'glorot', random, name: 'fc' });
    const w = layer.weight.values;
    for (let i = 0; i < w.length; i++) w[i] = (random.next() < 0.5 ? -1 : 1) * (0.05 + random.next());
    const method = spartan({ sparsity: 0.5, block, betaTarget: 3 });
    const controller = sparsify(layer, { method, denseLayers: ['none'], totalSteps: 10, seed: 1 });
    const step = 3;
    controller.beforeStep(step);
    const g = randomTensor([4, 6], random);
    const identity = Tensor.zeros([6, 6]);
    for (let i = 0; i < 6; i++) identity.data[i * 6 + i] = 1;
    const { tape, result } = recordTape(() => weightedSum(layer.forward(identity), g));
    tape.backward(result);
    controller.afterBackward(step);
    tape.dispose();

    const layout = new BlockLayout(4, 6, method.block);
    const beta = controller.schedule.beta(step, size);
    const budget = controller.schedule.kappa(step, 0.5) * 24;
    const costs = size === 1 ? undefined : new Float64Array(layout.entries).fill(size);
    const objective = (weights: Float64Array) => {
      const values = new Float64Array(layout.entries);
      layout.blockValues(Float32Array.from(weights), values, 0);
      const { mask } = softTopK({ values, costs, budget, beta });
      const perWeight = new Float32Array(24);
      layout.broadcast(mask, 0, perWeight);
      return weights.reduce((sum, x, i) => sum + g.data[i] * x * perWeight[i], 0);
    };
    const h = 1e-4;
    const weights = Float64Array.from(w);
    let largest = 0;
    for (const x of layer.weight.grads) largest = Math.max(largest, Math.abs(x));
    for (let i = 0; i < 24; i++) {
      const plus = Float64Array.from(weights);
      const minus = Float64Array.from(weights);
      plus[i] += h;
      minus[i] -= h;
      const numeric = (objective(plus) - objective(minus)) / (2 * h);
      expect(Math.abs(numeric - layer.weight.grads[i])).toBeLessThan(2e-3 * largest);
    }
    identity.dispose();
    g.dispose();
    layer.dispose();
  });
});

describe('Spartan through training', () => {
  test('keeps the hard budget exactly, in whole blocks, freezes at 80% and ends as a sparse model', () => {
    const run = tinyRun({
      method: spartan({ block: '2x2' }),
      optimizer: 'adamw',
      totalSteps,
      distribution: 'uniform',
    });
    const entries = [48, 64, 16];
    let frozenCounts: number[] = [];
    for (let step = 0; step < totalSteps; step++) {
      runStep(run, step);
      const counts = run.controller.report().layers.map((layer) => layer.forwardCount);
      if (step >= 8) expect(counts).toEqual(entries.map((e) => 4 * Math.ceil(0.25 * e)));
      if (step === run.controller.schedule.freezeStep) frozenCounts = counts;
    }
    expect(run.controller.schedule.freezeStep).toBe(32);
    const report = run.controller.report();
    expect(report.layers.map((l) => l.forwardCount)).toEqual(frozenCounts);
    expect(report.layers.map((l) => l.backwardCount)).toEqual(frozenCounts);
    expect(report.softMask?.finalized).toBe(true);
    expect(report.softMask?.budgetError.max).toBeLessThan(1e-6); // float32 masks: the contract is 1e-6
    const sparse = run.model.trainables().filter((t) => t instanceof SparseWeight);
    expect(sparse).toHaveLength(3);
    for (const weight of sparse) {
      const kept = new Set(weight.forwardIndices());
      for (const flat of kept) {
        const [r, c] = [Math.floor(flat / weight.cols), flat % weight.cols];
        const [r0, c0] = [r - (r % 2), c - (c % 2)];
        for (const [dr, dc] of [
          [0, 0],
          [0, 1],
          [1, 0],
          [1, 1],
        ]) {
          expect(kept.has((r0 + dr) * weight.cols + c0 + dc)).toBe(true);
        }
      }
    }
    run.dispose();
  });

  test("finalize hands the optimizer the layers' new SparseWeights in place of the Parameters", () => {
    const run = tinyRun({ method: spartan(), optimizer: 'adamw', totalSteps: 10 });
    const before = run.optimizer.trainables;
    runSteps(run, 0, 10);
    const after = run.optimizer.trainables;
    const current = run.model.trainables();
    expect(after.every((t, i) => t === current[i])).toBe(true);
    expect(after.filter((t) => t instanceof SparseWeight).map((t) => t.name)).toEqual([
      'fc1.weight',
      'fc2.weight',
      'out.weight',
    ]);
    after.forEach((t, i) => {
      expect(t === before[i]).toBe(!t.name.endsWith('.weight'));
    });
    run.optimizer.step(0.01); // updates the sparse layers: no stale Parameter left
    run.dispose();
  });

  test('the masks stop moving at the freeze; the finalized sparse model computes what W ⊙ m did', () => {
    const run = tinyRun({ method: spartan(), optimizer: 'sgd-momentum', totalSteps });
    runSteps(run, 0, 33);
    const atFreeze = run.controller.report().layers.map((l) => l.forwardCount);
    const x = run.batches[0].x;
    let before: Float32Array | null = null;
    for (let step = 33; step < totalSteps; step++) {
      runStep(run, step, () => {
        if (step === totalSteps - 1) {
          const { tape, result } = recordTape(() => run.model.forward(x));
          before = Float32Array.from(result.data);
          tape.dispose();
        }
      });
    }
    expect(run.controller.report().layers.map((l) => l.forwardCount)).toEqual(atFreeze);
    const { tape, result } = recordTape(() => run.model.forward(x));
    const after = Float32Array.from(result.data);
    tape.dispose();
    expect(before).not.toBeNull();
    after.forEach((y, i) => {
      expect(y).toBeCloseTo(before![i], 5);
    });
    run.dispose();
  });

  // The shared conformance suite restores before the freeze; this, after it, from the frozen masks in the state.
  test.each([35])('a run restored from a snapshot at step %d repeats the next steps bit for bit', (at) => {
    const original = tinyRun({ method: spartan(), optimizer: 'adamw', totalSteps });
    runSteps(original, 0, at);
    const snapshot = snapshotRun(original);
    expect(snapshot.controller.masks?.frozen).toHaveLength(3);
    const continued = runSteps(original, at, totalSteps);
    const restored = tinyRun({ method: spartan(), optimizer: 'adamw', totalSteps });
    restoreRun(restored, snapshot);
    expect(runSteps(restored, at, totalSteps)).toEqual(continued);
    expect(keptPatterns(restored)).toEqual(keptPatterns(original));
    original.dispose();
    restored.dispose();
  });

  test('κ = 1 (sparsity 0): every mask is 1 and training is dense training, bit for bit', () => {
    const steps = 12;
    const dense = tinyRun({
      method: createMethod('dense', { sparsity: 0 }),
      optimizer: 'adamw',
      totalSteps: steps,
    });
    const soft = tinyRun({ method: spartan({ sparsity: 0 }), optimizer: 'adamw', totalSteps: steps });
    expect(runSteps(soft, 0, steps)).toEqual(runSteps(dense, 0, steps));
    expect(soft.controller.report().modelSparsity).toBe(0);
    dense.dispose();
    soft.dispose();
  });

  test('the Sinkhorn solver (reference parity) meets the budget only roughly, and still trains', () => {
    const run = tinyRun({ method: spartan({ solver: 'sinkhorn' }), optimizer: 'adamw', totalSteps: 20 });
    const losses = runSteps(run, 0, 20);
    const { budgetError } = run.controller.report().softMask!;
    expect(budgetError.max).toBeGreaterThan(1e-9);
    expect(budgetError.max).toBeLessThan(0.2);
    expect(losses.every(Number.isFinite)).toBe(true);
    run.dispose();
  });
});

describe('Spartan budgets', () => {
  const widths = [40, 64, 32, 10];

  function densitiesAfterWarmup(
    method: Spartan,
    distribution: 'global' | 'uniform' | 'erk',
    denseLayers = ['none'],
  ) {
    const model = mlp({ inputs: 40, hidden: [64, 32], outputs: 10, activation: 'relu', seed: 3 });
    const controller = sparsify(model, { method, distribution, denseLayers, totalSteps: 10, seed: 3 });
    controller.beforeStep(5);
    const report = controller.report();
    model.dispose();
    return report;
  }

  test('uniform: the same κ per tensor; erk: small tensors denser; global: one threshold', () => {
    const sizes = widths.slice(1).map((out, l) => out * widths[l]);
    const total = sizes.reduce((a, b) => a + b, 0);
    const uniform = densitiesAfterWarmup(spartan({ sparsity: 0.8 }), 'uniform');
    expect(uniform.layers.map((layer) => layer.forwardCount)).toEqual(sizes.map((n) => Math.ceil(0.2 * n)));
    const erk = densitiesAfterWarmup(spartan({ sparsity: 0.8 }), 'erk');
    expect(erk.layers[2].forwardDensity).toBeGreaterThan(erk.layers[1].forwardDensity);
    const keptErk = erk.layers.reduce((n, l) => n + l.forwardCount, 0);
    expect(Math.abs(keptErk - 0.2 * total)).toBeLessThanOrEqual(3);
    const global = densitiesAfterWarmup(spartan({ sparsity: 0.8 }), 'global');
    expect(global.layers.reduce((n, l) => n + l.forwardCount, 0)).toBe(Math.ceil(0.2 * total));
  });

  test('whole-model target: dense layers and biases count, so the model lands on the target', () => {
    const report = densitiesAfterWarmup(spartan({ sparsity: 0.8, budgetScope: 'model' }), 'global', ['last']);
    expect(report.modelSparsity).toBeCloseTo(0.8, 3);
    expect(() =>
      densitiesAfterWarmup(spartan({ sparsity: 0.99, budgetScope: 'model' }), 'global', ['first']),
    ).toThrow(/kept fraction of .* ≤ 0: lower --sparsity/);
  });

  test('flops costs: a convolution entry costs Hout·Wout times more, so convolutions keep less', () => {
    const keptConv = (costModel: 'sparsity' | 'flops') => {
      const model = cnn({ inputShape: [1, 8, 8], classes: 3, channels: [4, 8], hidden: 16, seed: 1 });
      const method = spartan({ sparsity: 0.7, costModel });
      const controller = sparsify(model, { method, denseLayers: ['none'], totalSteps: 10, seed: 1 });
      controller.beforeStep(5);
      const densities = controller.report().layers.map((l) => l.forwardDensity);
      model.dispose();
      return densities;
    };
    const bySparsity = keptConv('sparsity');
    const byFlops = keptConv('flops');
    expect(byFlops[0]).toBeLessThan(bySparsity[0]);
    expect(byFlops[2]).toBeGreaterThan(bySparsity[2]);
    const random = new Random(1);
    const conv = new Conv2d({ inputs: 2, outputs: 2, kernel: 3, init: 'kaiming', random, name: 'c' });
    const method = spartan({ costModel: 'flops' });
    expect(() =>
      sparsify(new Sequential([conv]), { method, denseLayers: ['none'], totalSteps: 10, seed: 1 }),
    ).toThrow(/needs c's uses per example .* build it with inputSize, or use --cost-model sparsity/);
  });

  test('global: a layer the shared threshold starves keeps its best block, traded for the weakest kept one', () => {
    const method = spartan({ sparsity: 0.75 });
    const run = tinyRun({ method, optimizer: 'sgd', totalSteps: 20, distribution: 'global' });
    const starved = run.model.trainables().find((t) => t.name === 'fc2.weight')!;
    for (let i = 0; i < starved.values.length; i++) starved.values[i] *= 1e-4;
    runSteps(run, 0, 16);
    expect(run.controller.report().layers[1].forwardCount).toBe(0);
    runSteps(run, 16, 20);
    const { layers, softMask } = run.controller.report();
    expect(softMask?.finalized).toBe(true);
    expect(layers.map((l) => l.name)).toEqual(['fc1.weight', 'fc2.weight', 'out.weight']);
    expect(layers[1].forwardCount).toBe(1);
    expect(layers.reduce((n, l) => n + l.forwardCount, 0)).toBe(0.25 * (12 * 16 + 16 * 16 + 16 * 4));
    run.dispose();
  });

  test('a tensor the blocks do not divide falls back to 1×1 blocks with a warning', () => {
    const model = mlp({ inputs: 12, hidden: [16], outputs: 3, activation: 'relu', seed: 1 });
    const warnings: string[] = [];
    const controller = sparsify(model, {
      method: spartan({ block: '4x4' }),
      denseLayers: ['none'],
      totalSteps: 10,
      seed: 1,
      warn: (message) => warnings.push(message),
    });
    expect(controller.warnings).toEqual(warnings);
    expect(warnings).toEqual([
      "spartan: out's weight [3, 16] does not divide into 4x4 blocks: it uses 1x1 blocks",
    ]);
    expect(controller.report().softMask?.blocks).toEqual(['4x4', '1x1']);
    model.dispose();
  });
});

describe('Spartan settings', () => {
  test('rebuild from their config; bad values are refused with the fix', () => {
    const method = createTrainingMethod('spartan', {
      sparsity: 0.9,
      betaTarget: 500,
      block: '4x4',
      anneal: 'cosine',
    });
    const rebuilt = methodFromConfig('spartan', method.config);
    expect(rebuilt.config).toEqual(method.config);
    expect(method.config).toMatchObject({ block: '4x4', betaTarget: 500, betaInit: 1, budgetScope: 'model' });
    expect(() => spartan({ sparsity: 1 })).toThrow(/\(0, 1\]/);
    expect(() => spartan({ betaTarget: 0 })).toThrow(/--beta-target must be a finite number > 0/);
    expect(() => spartan({ anneal: 'step' as never })).toThrow(
      /--anneal 'step' is unknown: use one of linear, cosine/,
    );
    expect(() => spartan({ block: '4by4' })).toThrow(/like 1x1, 4x4/);
  });

  test("the masks are the controller's state, none in the optimizer's; old checkpoints' state still resumes", () => {
    const original = tinyRun({ method: spartan(), optimizer: 'adamw', totalSteps });
    runSteps(original, 0, 35);
    const snapshot = snapshotRun(original);
    const keys = new Set(snapshot.trainables.flatMap((t) => [...t.state.keys()]));
    expect([...keys].sort()).toEqual(['firstMoment', 'secondMoment']);
    const { masks } = snapshot.controller;
    expect(masks?.churnReference).toHaveLength(3);
    // The layout before the move: both masks dense in each weight's state, none in the controller state.
    const legacy = tinyRun({ method: spartan(), optimizer: 'adamw', totalSteps });
    const weights = legacy.model
      .trainables()
      .filter((t) => t instanceof Parameter && t.name.endsWith('.weight'));
    weights.forEach((weight, l) => {
      for (const [key, packed] of [
        [FROZEN_MASK_KEY, masks!.frozen![l]],
        [CHURN_REFERENCE_KEY, masks!.churnReference![l]],
      ] as const) {
        const dense = engine().heap.allocF32(weight.values.length);
        unpackMask(packed, dense, key);
        snapshot.trainables[legacy.model.trainables().indexOf(weight)].state.set(key, dense);
      }
    });
    restoreRun(legacy, { ...snapshot, controller: { ...snapshot.controller, masks: undefined } });
    expect(runSteps(legacy, 35, totalSteps)).toEqual(runSteps(original, 35, totalSteps));
    expect(legacy.controller.report()).toEqual(original.controller.report());
    for (const weight of legacy.model.trainables()) expect(weight.state.has(FROZEN_MASK_KEY)).toBe(false);
    original.dispose();
    legacy.dispose();
  });

  test('a controller state whose masks do not fit the layers is refused with a clear error', () => {
    const run = tinyRun({ method: spartan(), optimizer: 'adamw', totalSteps });
    runSteps(run, 0, 35);
    const state = run.controller.getState();
    const [, ...rest] = state.masks!.frozen!;
    expect(() => run.controller.setState({ ...state, masks: { ...state.masks!, frozen: rest } })).toThrow(
      /frozen masks are not one per masked layer \(3\)/,
    );
    const bytes = (...b: number[]) => btoa(String.fromCharCode(...b));
    const outside = { indices: bytes(0, 0, 1, 0), values: bytes(0, 0, 0x80, 0x3f) }; // index 65536, value 1
    expect(() =>
      run.controller.setState({ ...state, masks: { ...state.masks!, frozen: [outside, ...rest] } }),
    ).toThrow(/fc1.weight's frozen mask: kept index 65536 is out of order or outside the weight/);
    run.dispose();
  });
});

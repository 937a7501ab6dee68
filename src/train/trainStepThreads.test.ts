import { setFlagsFromString } from 'node:v8';
import { afterAll, expect, test, vi } from 'vitest';
import { createEngine, engine, useEngine } from '../kernels/engine.js';
import type { Heap } from '../kernels/heap.js';
import { ThreadPool } from '../kernels/threadsPool.js';
import { createMethod } from '../methods/registry.js';
import { sparsify } from '../methods/sparsify.js';
import { cnn } from '../nn/cnn.js';
import type { Module } from '../nn/module.js';
import { transformer } from '../nn/transformer.js';
import { AdamW } from '../optim/adamw.js';
import type { Optimizer } from '../optim/optimizer.js';
import { SGD } from '../optim/sgd.js';
import { Tensor } from '../tensor/tensor.js';
import { Random } from '../util/random.js';
import { type StepHooks, trainStep } from './trainStep.js';

// Node 20 validates relaxed SIMD only behind a V8 flag; 'auto' then picks the build training uses.
setFlagsFromString('--experimental-wasm-relaxed-simd');

const previous = engine();
afterAll(() => useEngine(previous));

/** What three training steps run on: a model (sparsified by its controller), its optimizer and one batch. */
interface Run {
  model: Module;
  controller: StepHooks;
  optimizer: Optimizer;
  x: Tensor;
  labels: Int32Array;
}

/**
 * Three Top-KAST steps of the run `setUp` builds on `threads` threads: the bits of every trainable
 * afterwards, and the losses.
 */
async function train(
  threads: number,
  setUp: (heap: Heap, random: Random) => Run,
): Promise<{ losses: number[]; weights: number[][] }> {
  const run = createEngine('auto', { threads });
  useEngine(run);
  try {
    const { model, controller, optimizer, x, labels } = setUp(run.heap, new Random(5));
    const losses: number[] = [];
    for (let step = 0; step < 3; step++) {
      losses.push(trainStep({ model, optimizer, x, labels, step, lr: 0.05, hooks: controller }));
    }
    const weights = model
      .trainables()
      .map((t) => Array.from(new Uint32Array(t.values.buffer, t.values.byteOffset, t.values.length)));
    return { losses, weights };
  } finally {
    await run.close();
  }
}

/**
 * A convnet large enough that every threaded kernel of its step splits at the engine's default thresholds
 * (im2col and col2im, ReLU, pooling, the three sparse products, the dense products, bias, SGD).
 */
function convnet(heap: Heap, random: Random): Run {
  const model = cnn({ inputShape: [1, 28, 28], classes: 10, seed: 3 });
  const method = createMethod('topkast', { sparsity: 0.9, backwardSparsity: 0.8 });
  const controller = sparsify(model, { method, denseLayers: ['first', 'last'], totalSteps: 10, seed: 3 });
  const optimizer = new SGD(model.trainables(), { lr: 0.05, momentum: 0.9 });
  const batch = 48;
  const x = Tensor.zeros([784, batch]);
  for (let i = 0; i < x.size; i++) x.data[i] = random.next();
  const labels = heap.allocI32(batch);
  for (let b = 0; b < batch; b++) labels[b] = random.nextInt(10);
  return { model, controller, optimizer, x, labels };
}

/**
 * A one-block transformer whose causal attention (32 blocks of T = 64) and fc1's bias + GELU ([256, 512])
 * split at the engine's default thresholds.
 */
function languageModel(heap: Heap, random: Random): Run {
  const [vocab, context, batch] = [16, 64, 8];
  const model = transformer({ vocab, layers: 1, dModel: 64, heads: 4, context, seed: 3 });
  const method = createMethod('topkast', { sparsity: 0.9, backwardSparsity: 0.8 });
  const controller = sparsify(model, { method, denseLayers: ['head'], totalSteps: 10, seed: 3 });
  const optimizer = new AdamW(model.trainables(), { lr: 0.05 });
  const x = Tensor.zeros([context, batch]);
  for (let i = 0; i < x.size; i++) x.data[i] = random.nextInt(vocab);
  const labels = heap.allocI32(context * batch);
  for (let i = 0; i < labels.length; i++) labels[i] = random.nextInt(vocab);
  return { model, controller, optimizer, x, labels };
}

/** Trains `setUp`'s run on one and two threads: `kernels` must split, and the bits must agree. */
async function expectTwoThreadsLikeOne(setUp: (heap: Heap, random: Random) => Run, kernels: string[]) {
  const one = await train(1, setUp);
  const run = vi.spyOn(ThreadPool.prototype, 'run');
  const two = await train(2, setUp);
  const split = new Set(run.mock.calls.map(([kernel]) => kernel));
  run.mockRestore();
  for (const kernel of kernels) expect(split.has(kernel as never), `${kernel} split`).toBe(true);
  expect(two.losses).toEqual(one.losses);
  expect(two.weights.length).toBe(one.weights.length);
  for (let t = 0; t < one.weights.length; t++)
    expect(two.weights[t], `trainable ${t}`).toEqual(one.weights[t]);
}

test('a Top-KAST convnet step on two threads gives the bits of one thread', async () => {
  await expectTwoThreadsLikeOne(convnet, [
    'im2col',
    'col2im',
    'relu',
    'maxPool2d',
    'spmm',
    'spmmTransposed',
    'sddmm',
    'matmulRows',
  ]);
});

test('a Top-KAST transformer step on two threads gives the bits of one thread', async () => {
  await expectTwoThreadsLikeOne(languageModel, [
    'causalAttention',
    'causalAttentionBackward',
    'biasGelu',
    'biasActivationBackward',
  ]);
});

import { setFlagsFromString } from 'node:v8';
import { afterAll, expect, test, vi } from 'vitest';
import { createEngine, engine, useEngine } from '../kernels/engine.js';
import { ThreadPool } from '../kernels/threadsPool.js';
import { sparsify } from '../methods/controller.js';
import { createMethod } from '../methods/registry.js';
import { cnn } from '../nn/cnn.js';
import { SGD } from '../optim/sgd.js';
import { Tensor } from '../tensor/tensor.js';
import { Random } from '../util/random.js';
import { trainStep } from './trainStep.js';

// Node 20 validates relaxed SIMD only behind a V8 flag; 'auto' then picks the build training uses.
setFlagsFromString('--experimental-wasm-relaxed-simd');

const previous = engine();
afterAll(() => useEngine(previous));

/**
 * Three Top-KAST steps of a convnet on `threads` threads, large enough that every threaded kernel splits at
 * the engine's default thresholds (im2col and col2im, ReLU, pooling, the three sparse products, the dense
 * products, bias, SGD): the bits of every trainable afterwards, and the losses.
 */
async function train(threads: number): Promise<{ losses: number[]; weights: number[][] }> {
  const run = createEngine('auto', { threads });
  useEngine(run);
  try {
    const model = cnn({ inputShape: [1, 28, 28], classes: 10, seed: 3 });
    const method = createMethod('topkast', { sparsity: 0.9, backwardSparsity: 0.8 });
    const controller = sparsify(model, { method, denseLayers: ['first', 'last'], totalSteps: 10, seed: 3 });
    const optimizer = new SGD(model.trainables(), { lr: 0.05, momentum: 0.9 });
    const random = new Random(5);
    const batch = 48;
    const x = Tensor.zeros([784, batch]);
    for (let i = 0; i < x.size; i++) x.data[i] = random.next();
    const labels = run.heap.allocI32(batch);
    for (let b = 0; b < batch; b++) labels[b] = random.nextInt(10);
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

test('a Top-KAST convnet step on two threads gives the bits of one thread', async () => {
  const one = await train(1);
  const run = vi.spyOn(ThreadPool.prototype, 'run');
  const two = await train(2);
  const split = new Set(run.mock.calls.map(([kernel]) => kernel));
  run.mockRestore();
  for (const kernel of [
    'im2col',
    'col2im',
    'relu',
    'maxPool2d',
    'spmm',
    'spmmTransposed',
    'sddmm',
    'matmulRows',
  ]) {
    expect(split.has(kernel as never), `${kernel} split`).toBe(true);
  }
  expect(two.losses).toEqual(one.losses);
  expect(two.weights.length).toBe(one.weights.length);
  for (let t = 0; t < one.weights.length; t++)
    expect(two.weights[t], `trainable ${t}`).toEqual(one.weights[t]);
});

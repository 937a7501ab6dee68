import { setFlagsFromString } from 'node:v8';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { createEngine, engine, useEngine } from '../kernels/engine.js';
import { createSharedMemory, Heap } from '../kernels/heap.js';
import type { Kernels } from '../kernels/kernels.js';
import { ThreadPool } from '../kernels/threadsPool.js';
import { SPARTAN_CHUNK, threadedSpartanKernels } from '../kernels/threadsSpartan.js';
import { instantiateWasmKernels } from '../kernels/wasm.js';
import { sparsify } from '../methods/sparsify.js';
import { Spartan } from '../methods/spartan.js';
import { mlp } from '../nn/mlp.js';
import { SGD } from '../optim/sgd.js';
import { Tensor } from '../tensor/tensor.js';
import { trainStep } from '../train/trainStep.js';
import { Random } from '../util/random.js';

// Node 20 validates relaxed SIMD only behind a V8 flag; set it before the first compile to test that build too.
setFlagsFromString('--experimental-wasm-relaxed-simd');

/** Bit-for-bit equality of two float arrays (as their bytes). */
function expectSameBits(got: Float32Array | Float64Array, want: Float32Array | Float64Array) {
  const a = new Uint8Array(got.buffer, got.byteOffset, got.byteLength);
  const b = new Uint8Array(want.buffer, want.byteOffset, want.byteLength);
  expect(a.length).toBe(b.length);
  const differs = a.findIndex((byte, i) => byte !== b[i]);
  expect(differs, 'first differing byte').toBe(-1);
}

for (const threads of [2, 3]) {
  describe(`Spartan's passes on ${threads} threads: bit-identical to one thread`, () => {
    const random = new Random(23 + threads);
    let heap: Heap;
    let pool: ThreadPool;
    let one: Kernels;
    let many: Kernels;

    beforeAll(() => {
      const memory = createSharedMemory(16);
      const instance = instantiateWasmKernels(memory, 'relaxed');
      heap = new Heap(memory, instance.heapBase);
      pool = new ThreadPool({ threads, module: instance.module, exports: instance.exports, heap });
      one = instance.kernels;
      many = threadedSpartanKernels(one, pool, memory, heap);
    });
    afterAll(() => pool.close());

    const filled = (n: number, fill: () => number) => {
      const view = heap.allocF32(n);
      for (let i = 0; i < n; i++) view[i] = fill();
      return view;
    };
    const copy = (view: Float32Array) => {
      const twin = heap.allocF32(view.length);
      twin.set(view);
      return twin;
    };
    const sums = () => {
      const block = heap.allocF32(8);
      return new Float64Array(block.buffer, block.byteOffset + (block.byteOffset % 8), 3);
    };

    test('the mask pass (read-only, writing, from stored exponentials), sizes across chunk edges', () => {
      const run = vi.spyOn(pool, 'run');
      for (const n of [2 * SPARTAN_CHUNK + 5, 3 * SPARTAN_CHUNK]) {
        for (const unit of [true, false]) {
          const values = filled(n, () => Math.abs(random.normal()) * 0.05);
          const costs = unit ? null : filled(n, () => 1 + random.nextInt(4));
          const args = { values, costs, n, beta: 30, threshold: 0.04, mu: 0.3, boundary: n >> 1 };
          const [soft, effective, stored] = [filled(n, () => 0), filled(n, () => 0), filled(n, () => 0)];
          const [soft2, effective2, stored2] = [copy(soft), copy(effective), copy(stored)];
          const [a, b] = [sums(), sums()];
          const readOnly = { soft: null, effective: null, ratio: 0 };
          one.spartanMaskPass({ ...args, sums: a, ...readOnly, exponentials: stored });
          many.spartanMaskPass({ ...args, sums: b, ...readOnly, exponentials: stored2 });
          expectSameBits(b, a);
          expectSameBits(stored2, stored);
          one.spartanMaskPass({ ...args, sums: a, soft, effective, exponentials: null, ratio: 0 });
          many.spartanMaskPass({
            ...args,
            sums: b,
            soft: soft2,
            effective: effective2,
            exponentials: null,
            ratio: 0,
          });
          expectSameBits(b, a);
          expectSameBits(soft2, soft);
          expectSameBits(effective2, effective);
          one.spartanMaskPass({
            values,
            costs,
            n,
            beta: 30,
            threshold: 0.04,
            mu: 0.5,
            boundary: n >> 1,
            sums: a,
            soft: stored,
            effective,
            exponentials: stored,
            ratio: 0.8,
          });
          many.spartanMaskPass({
            values,
            costs,
            n,
            beta: 30,
            threshold: 0.04,
            mu: 0.5,
            boundary: n >> 1,
            sums: b,
            soft: stored2,
            effective: effective2,
            exponentials: stored2,
            ratio: 0.8,
          });
          expectSameBits(b, a);
          expectSameBits(stored2, stored);
        }
      }
      expect(run).toHaveBeenCalled();
      run.mockRestore();
    });

    test("the soft-masked weight's backward and the implicit gradient's last pass", () => {
      const n = 2 * SPARTAN_CHUNK + 7;
      for (const unit of [true, false]) {
        const costs = unit ? null : filled(n, () => 1 + random.nextInt(4));
        const dy = filled(n, () => random.normal());
        const w = filled(n, () => random.normal());
        const soft = filled(n, () => random.next());
        const grad = filled(n, () => random.normal());
        const grad2 = copy(grad);
        const total = one.spartanSoftMaskBackward({ dy, w, soft, grad, costs, n, beta: 7 });
        expect(many.spartanSoftMaskBackward({ dy, w, soft, grad: grad2, costs, n, beta: 7 })).toBe(total);
        expectSameBits(grad2, grad);
        one.spartanApplyGradient({ w, grad, soft, upstream: null, costs, n, beta: 7, s: 0.3 });
        many.spartanApplyGradient({ w, grad: grad2, soft, upstream: null, costs, n, beta: 7, s: 0.3 });
        expectSameBits(grad2, grad);
      }
    });
  });
}

describe('Spartan training on two threads', () => {
  test('gives the weights of one thread, bit for bit (hidden layers of 2·SPARTAN_CHUNK weights and more)', () => {
    const previous = engine();
    const train = (threads: number): number[] => {
      const own = createEngine('auto', { threads });
      useEngine(own);
      const model = mlp({ inputs: 256, hidden: [512, 512], outputs: 10, activation: 'relu', seed: 3 });
      const method = new Spartan({ sparsity: 0.9, betaTarget: 100, budgetScope: 'masked', warmup: 0.1 });
      const controller = sparsify(model, { method, denseLayers: ['last'], totalSteps: 10, seed: 3 });
      const optimizer = new SGD(model.trainables(), { lr: 0.05, momentum: 0.9 });
      const x = Tensor.zeros([256, 16]);
      for (let i = 0; i < x.size; i++) x.data[i] = Math.sin(i);
      const labels = own.heap.allocI32(16);
      for (let b = 0; b < 16; b++) labels[b] = b % 10;
      for (let step = 0; step < 4; step++)
        trainStep({ model, optimizer, x, labels, step, lr: 0.05, hooks: controller });
      const weights = model.trainables().flatMap((t) => Array.from(new Uint32Array(t.values.slice().buffer)));
      void own.close();
      return weights;
    };
    const one = train(1);
    const two = train(2);
    useEngine(previous);
    expect(two.length).toBe(one.length);
    expect(two.findIndex((word, i) => word !== one[i])).toBe(-1);
  });
});

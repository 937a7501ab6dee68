import { afterAll, describe, expect, it } from 'vitest';
import { type Engine, engine, setKernelChoice, useEngine } from '../kernels/engine.js';
import { matmul } from '../tensor/ops/matmul.js';
import { recordTape } from '../tensor/tape.js';
import { Tensor } from '../tensor/tensor.js';
import { randomTensor, testBackends, weightedSum } from '../tensor/testing.js';
import { Random } from '../util/random.js';
import { sparseMatmul } from './sparseMatmul.js';
import { SparseWeight } from './sparseWeight.js';
import { selectTopKByMagnitude } from './topk.js';

const original: Engine = engine();
afterAll(() => useEngine(original));

/** A random rows×cols SparseWeight whose A and B are the top |θ| entries at the given densities. */
function randomSparseWeight(
  rows: number,
  cols: number,
  forwardDensity: number,
  backwardDensity: number,
  seed: number,
) {
  const random = new Random(seed);
  const theta = new Float32Array(rows * cols);
  for (let i = 0; i < theta.length; i++) theta[i] = random.normal();
  const forward = selectTopKByMagnitude(theta, Math.max(1, Math.round(forwardDensity * theta.length)));
  const backward = selectTopKByMagnitude(theta, Math.max(1, Math.round(backwardDensity * theta.length)));
  return new SparseWeight({ name: 'w', rows, cols, theta, forward, backward });
}

/** Runs y = W·x and backward from a weighted sum; returns y, dx and B's weight gradient. */
function runSparse(weight: SparseWeight, x: Tensor, upstream: Tensor, denseAbove = 1) {
  weight.grads.fill(0);
  x.grad?.fill(0);
  const previous = setKernelChoice({ forwardDenseAbove: denseAbove, backwardDenseAbove: denseAbove });
  const { tape, result } = recordTape(() => {
    const y = sparseMatmul(weight, x);
    return { y: Float32Array.from(y.data), loss: weightedSum(y, upstream) };
  });
  setKernelChoice(previous);
  tape.backward(result.loss);
  const out = { y: result.y, dx: Float32Array.from(x.grad ?? []), dw: Float32Array.from(weight.grads) };
  tape.dispose();
  return out;
}

function expectClose(actual: Float32Array, expected: Float32Array, tolerance = 1e-4) {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / Math.max(1, Math.abs(expected[i])));
  }
  expect(worst).toBeLessThan(tolerance);
}

describe.each(testBackends())('sparseMatmul on $name', ({ engine: backend }) => {
  it.each([
    [7, 5, 1, 0.3, 0.6],
    [33, 17, 3, 0.1, 0.2],
    [64, 40, 9, 0.5, 1],
    [16, 16, 8, 1, 1],
  ])(
    'matches the dense product on the masked weights (%i×%i, batch %i, D=%f, D+M=%f)',
    (rows, cols, batch, d, dm) => {
      useEngine(backend);
      const random = new Random(rows * 31 + batch);
      const weight = randomSparseWeight(rows, cols, d, dm, rows + cols);
      const x = randomTensor([cols, batch], random, { requiresGrad: true });
      const upstream = randomTensor([rows, batch], random);
      const sparse = runSparse(weight, x, upstream);

      // Dense reference: W_A as a dense tensor, the same loss, the full dense weight gradient sampled at B.
      const dense = Tensor.fromArray(weight.forwardDense(), [rows, cols], { requiresGrad: true });
      x.grad!.fill(0);
      const { tape, result } = recordTape(() => {
        const y = matmul(dense, x);
        return { y: Float32Array.from(y.data), loss: weightedSum(y, upstream) };
      });
      tape.backward(result.loss);
      expectClose(sparse.y, result.y);
      expectClose(sparse.dx, x.grad!);
      const sampled = Float32Array.from(weight.entryIndices, (flat) => dense.grad![flat]);
      expectClose(sparse.dw, sampled);
      tape.dispose();

      // The dense-kernel path on masked weights gives the same numbers (up to summation order).
      const viaDense = runSparse(weight, x, upstream, 0);
      expectClose(viaDense.y, sparse.y);
      expectClose(viaDense.dx, sparse.dx);
      expectClose(viaDense.dw, sparse.dw);
      for (const t of [dense, x, upstream]) t.dispose();
      weight.dispose();
    },
  );

  it('gives entries of B \\ A a gradient although their forward value is zero', () => {
    useEngine(backend);
    const random = new Random(5);
    const weight = randomSparseWeight(8, 8, 0.25, 0.5, 3);
    const x = randomTensor([8, 4], random);
    const upstream = randomTensor([8, 4], random);
    const { dw } = runSparse(weight, x, upstream);
    expect(dw.length).toBe(32);
    const outsideA = Array.from(dw.subarray(weight.forwardCount)); // entries after A's are B \\ A
    expect(outsideA.some((g) => Math.abs(g) > 1e-3)).toBe(true);
    weight.dispose();
    x.dispose();
    upstream.dispose();
  });

  it('refuses an input of the wrong shape', () => {
    useEngine(backend);
    const weight = randomSparseWeight(4, 6, 0.5, 0.5, 1);
    const x = Tensor.zeros([5, 2]);
    expect(() => sparseMatmul(weight, x)).toThrow(/expects input \[6, batch\].*\[5, 2\]/);
    weight.dispose();
    x.dispose();
  });
});

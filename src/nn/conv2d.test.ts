import { beforeAll, describe, expect, it } from 'vitest';
import { useEngine } from '../kernels/engine.js';
import { SparseWeight } from '../sparse/sparseWeight.js';
import { selectTopKByMagnitude } from '../sparse/topk.js';
import { gradientCheck } from '../tensor/gradientCheck.js';
import { recordTape } from '../tensor/tape.js';
import { Tensor } from '../tensor/tensor.js';
import { randomTensor, testBackends, weightedSum } from '../tensor/testing.js';
import { Random } from '../util/random.js';
import { Conv2d } from './conv2d.js';
import type { Parameter } from './parameter.js';

/** The convolution by its definition, with weights w[o, c, i, j] (row-major [out, C·kh·kw]). */
function naiveConv(
  x: Tensor,
  w: Float32Array,
  bias: Float32Array,
  outputs: number,
  [kh, kw]: readonly number[],
  [sh, sw]: readonly number[],
  [ph, pw]: readonly number[],
): number[] {
  const [C, H, W, B] = x.shape;
  const Ho = Math.floor((H + 2 * ph - kh) / sh) + 1;
  const Wo = Math.floor((W + 2 * pw - kw) / sw) + 1;
  const out: number[] = [];
  for (let o = 0; o < outputs; o++)
    for (let oy = 0; oy < Ho; oy++)
      for (let ox = 0; ox < Wo; ox++)
        for (let b = 0; b < B; b++) {
          let s = bias[o];
          for (let c = 0; c < C; c++)
            for (let i = 0; i < kh; i++)
              for (let j = 0; j < kw; j++) {
                const iy = oy * sh + i - ph;
                const ix = ox * sw + j - pw;
                if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
                s += w[((o * C + c) * kh + i) * kw + j] * x.data[((c * H + iy) * W + ix) * B + b];
              }
          out.push(s);
        }
  return out;
}

/** Largest |actual − expected| / max(1, |expected|) is below 1e-4. */
function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / Math.max(1, Math.abs(expected[i])));
  }
  expect(worst).toBeLessThan(1e-4);
}

const cases = [
  { label: '3×3 pad 1', inputs: 2, outputs: 3, shape: [2, 5, 4, 3], kernel: 3, stride: 1, padding: 1 },
  {
    label: '[3, 2] stride 2 pad [1, 0]',
    inputs: 3,
    outputs: 2,
    shape: [3, 6, 5, 2],
    kernel: [3, 2] as const,
    stride: 2,
    padding: [1, 0] as const,
  },
  { label: '1×1, batch 1', inputs: 4, outputs: 5, shape: [4, 3, 3, 1], kernel: 1, stride: 1, padding: 0 },
];

function layerFor(c: (typeof cases)[number], seed: number): Conv2d {
  const layer = new Conv2d({ ...c, init: 'kaiming', random: new Random(seed), name: 'conv' });
  const random = new Random(seed + 1);
  for (let i = 0; i < layer.bias!.values.length; i++) layer.bias!.values[i] = random.next() - 0.5;
  return layer;
}

describe.each(testBackends())('Conv2d on $name', ({ engine }) => {
  beforeAll(() => useEngine(engine));

  it.each(cases)('matches the definition ($label)', (c) => {
    const layer = layerFor(c, 1);
    const x = randomTensor(c.shape, new Random(2));
    const y = layer.forward(x);
    const { kernel, stride, padding } = layer.window;
    const expected = naiveConv(
      x,
      layer.weight.values,
      layer.bias!.values,
      c.outputs,
      kernel,
      stride,
      padding,
    );
    expect(y.shape[0]).toBe(c.outputs);
    expect(y.size).toBe(expected.length);
    expectClose(y.data, expected);
  });

  it.each(cases)('has gradients for input, weight and bias that match finite differences ($label)', (c) => {
    const layer = layerFor(c, 3);
    const random = new Random(4);
    const x = randomTensor(c.shape, random, { requiresGrad: true });
    const w = randomTensor(layer.forward(x).shape, random);
    const inputs = [x, (layer.weight as Parameter).tensor, layer.bias!.tensor];
    const { maxError } = gradientCheck(([input]) => weightedSum(layer.forward(input), w), inputs);
    expect(maxError).toBeLessThan(1e-2);
  });

  it('runs sparse on the [out, C·kh·kw] matrix: the dense convolution of the masked weights, dW on B', () => {
    const c = cases[1];
    const dense = layerFor(c, 5);
    const sparse = layerFor(c, 5);
    const theta = sparse.weight.values;
    const forward = selectTopKByMagnitude(theta, Math.round(theta.length * 0.3));
    const backward = selectTopKByMagnitude(theta, Math.round(theta.length * 0.6));
    const weight = sparse.makeSparse(forward, backward);
    expect(sparse.weight).toBe(weight);
    expect(weight).toBeInstanceOf(SparseWeight);
    expect([weight.rows, weight.cols]).toEqual([2, 3 * 3 * 2]);
    expect(sparse.weightDims).toEqual([2, 3, 3, 2]);
    (dense.weight as Parameter).values.set(weight.forwardDense());

    const random = new Random(6);
    const x = randomTensor(c.shape, random, { requiresGrad: true });
    const upstream = randomTensor(dense.forward(x).shape, random);
    const run = (layer: Conv2d) => {
      x.grad?.fill(0);
      const { tape, result } = recordTape(() => {
        const y = layer.forward(x);
        return { y: Float32Array.from(y.data), loss: weightedSum(y, upstream) };
      });
      tape.backward(result.loss);
      const dx = Float32Array.from(x.grad!);
      const dw = Float32Array.from(layer.weight.grads);
      tape.dispose();
      return { y: result.y, dx, dw };
    };
    const s = run(sparse);
    const d = run(dense);
    expectClose(s.y, d.y);
    expectClose(s.dx, d.dx);
    expectClose(
      s.dw,
      Array.from(weight.entryIndices, (flat) => d.dw[flat]),
    );
    expect(() => sparse.makeSparse(forward, backward)).toThrow(/already sparse/);
  });

  it('counts parameters and names trainables', () => {
    const layer = new Conv2d({
      inputs: 3,
      outputs: 8,
      kernel: 5,
      init: 'kaiming',
      random: new Random(1),
      name: 'c1',
    });
    expect(layer.parameterCount()).toBe(8 * 3 * 25 + 8);
    expect(layer.trainables().map((t) => t.name)).toEqual(['c1.weight', 'c1.bias']);
    expect(layer.weightDims).toEqual([8, 3, 5, 5]);
  });

  it('names the expected and the given shape', () => {
    const layer = new Conv2d({
      inputs: 1,
      outputs: 2,
      kernel: 3,
      init: 'kaiming',
      random: new Random(1),
      name: 'conv1',
    });
    expect(() => layer.forward(Tensor.zeros([784, 2]))).toThrow(
      /conv1: expects input \[1, height, width, batch\], got \[784, 2\].*Unflatten/,
    );
    expect(
      () =>
        new Conv2d({
          inputs: 1,
          outputs: 2,
          kernel: 3,
          padding: 3,
          init: 'kaiming',
          random: new Random(1),
          name: 'c',
        }),
    ).toThrow(/smaller than the kernel/);
  });
});

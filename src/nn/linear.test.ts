import { beforeAll, describe, expect, it } from 'vitest';
import { useEngine } from '../kernels/engine.js';
import { gradientCheck } from '../tensor/gradientCheck.js';
import { Tensor } from '../tensor/tensor.js';
import { randomTensor, testBackends, weightedSum } from '../tensor/testing.js';
import { Random } from '../util/random.js';
import { Linear } from './linear.js';
import type { Parameter } from './parameter.js';

describe.each(testBackends())('Linear on $name', ({ engine }) => {
  beforeAll(() => useEngine(engine));

  it('computes Y = W·X + b on feature-major activations', () => {
    const layer = new Linear({ inputs: 3, outputs: 2, init: 'glorot', random: new Random(1), name: 'fc1' });
    layer.weight.values.set([1, 0, -1, 2, 1, 0]);
    layer.bias!.values.set([0.5, -1]);
    // Two examples as columns: x₀ = (1, 2, 3), x₁ = (0, 1, 0).
    const y = layer.forward(Tensor.fromArray([1, 0, 2, 1, 3, 0], [3, 2]));
    expect(y.shape).toEqual([2, 2]);
    expect(Array.from(y.data)).toEqual([-1.5, 0.5, 3, 0]);
    expect(layer.trainables().map((t) => t.name)).toEqual(['fc1.weight', 'fc1.bias']);
    expect(layer.trainables().map((t) => t.decay)).toEqual([true, false]);
    expect(layer.parameterCount()).toBe(8);
  });

  it('has gradients for weight, bias and input that match finite differences', () => {
    const random = new Random(2);
    const layer = new Linear({ inputs: 4, outputs: 3, init: 'kaiming', random, name: 'fc' });
    layer.bias!.values.set([0.1, -0.2, 0.3]);
    const x = randomTensor([4, 5], random, { requiresGrad: true });
    const w = randomTensor([3, 5], random);
    const inputs = [x, (layer.weight as Parameter).tensor, layer.bias!.tensor];
    const { maxError } = gradientCheck(([input]) => weightedSum(layer.forward(input), w), inputs);
    expect(maxError).toBeLessThan(1e-2);
  });

  it('can leave out the bias', () => {
    const layer = new Linear({
      inputs: 2,
      outputs: 2,
      bias: false,
      init: 'glorot',
      random: new Random(3),
      name: 'p',
    });
    expect(layer.bias).toBeNull();
    expect(layer.trainables().map((t) => t.name)).toEqual(['p.weight']);
    expect(layer.parameterCount()).toBe(4);
  });

  it('names the expected and the given shape', () => {
    const layer = new Linear({ inputs: 3, outputs: 2, init: 'glorot', random: new Random(1), name: 'fc2' });
    expect(() => layer.forward(Tensor.zeros([4, 8]))).toThrow(
      /fc2: expects input \[3, batch\] \(feature-major\), got \[4, 8\]/,
    );
    expect(
      () => new Linear({ inputs: 0, outputs: 2, init: 'glorot', random: new Random(1), name: 'z' }),
    ).toThrow(/positive integers/);
  });
});

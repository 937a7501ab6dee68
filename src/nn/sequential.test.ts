import { beforeAll, describe, expect, it } from 'vitest';
import { createEngine, useEngine } from '../kernels/engine.js';
import { recordTape } from '../tensor/tape.js';
import { randomTensor, testBackends, weightedSum } from '../tensor/testing.js';
import { Random } from '../util/random.js';
import { GELU, ReLU } from './activations.js';
import { Linear } from './linear.js';
import type { Parameter } from './parameter.js';
import { Sequential } from './sequential.js';

describe.each(testBackends())('Sequential on $name', ({ engine }) => {
  beforeAll(() => useEngine(engine));

  it.each([
    ['relu', () => new ReLU()],
    ['gelu', () => new GELU()],
  ] as const)('runs Linear then %s as one op, with the numbers of the two modules run apart', (_, act) => {
    const random = new Random(8);
    const layer = new Linear({ inputs: 5, outputs: 6, init: 'glorot', random, name: 'fc' });
    layer.bias!.values.set([0.3, -0.2, 0.1, 0, -0.4, 0.2]);
    const activation = act();
    const x = randomTensor([5, 9], random, { requiresGrad: true });
    const w = randomTensor([6, 9], random);
    const weight = (layer.weight as Parameter).tensor;
    const run = (fused: boolean) => {
      for (const t of [x, weight, layer.bias!.tensor]) t.grad?.fill(0);
      const { tape, result } = recordTape(() =>
        weightedSum(
          fused ? new Sequential([layer, activation]).forward(x) : activation.forward(layer.forward(x)),
          w,
        ),
      );
      tape.backward(result);
      const values = [result.item(), ...[x, weight, layer.bias!.tensor].flatMap((t) => Array.from(t.grad!))];
      tape.dispose();
      return values;
    };
    const apart = run(false);
    const together = run(true);
    expect(together[0]).toBe(apart[0]);
    for (let i = 1; i < apart.length; i++) expect(together[i]).toBeCloseTo(apart[i], 5);
  });
});

describe('Sequential', () => {
  it('calls the fused bias + activation kernel for a Linear followed by an activation', () => {
    const engine = createEngine('reference');
    const calls: string[] = [];
    const kernels = engine.kernels as unknown as Record<string, (...args: unknown[]) => unknown>;
    for (const name of ['biasRelu', 'biasGelu', 'relu', 'gelu', 'addRowBias']) {
      const original = kernels[name];
      kernels[name] = (...args) => {
        calls.push(name);
        return original(...args);
      };
    }
    useEngine(engine);
    const random = new Random(9);
    const [first, second] = ['fc1', 'fc2'].map(
      (name) => new Linear({ inputs: 3, outputs: 3, init: 'glorot', random, name }),
    );
    new Sequential([first, new ReLU(), second, new GELU()]).forward(randomTensor([3, 2], random));
    expect(calls).toEqual(['biasRelu', 'biasGelu']);
  });
});

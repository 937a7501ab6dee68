import { beforeAll, describe, expect, it } from 'vitest';
import { createEngine, useEngine } from '../kernels/engine.js';
import { Tensor } from '../tensor/tensor.js';
import { Parameter } from './parameter.js';

describe('Parameter', () => {
  const engine = createEngine('reference');
  beforeAll(() => useEngine(engine));

  it('exposes the tensor data as values and a grad array allocated once', () => {
    const p = new Parameter('fc1.weight', Tensor.fromArray([1, 2, 3, 4], [2, 2], { requiresGrad: true }));
    expect(p.values).toBe(p.tensor.data);
    expect(p.grads).toBe(p.tensor.grad);
    expect(Array.from(p.grads)).toEqual([0, 0, 0, 0]);
    expect(p.decay).toBe(true);
    expect(Parameter.zeros('b', [2], { decay: false }).decay).toBe(false);
  });

  it('frees values, grads and optimizer state on dispose', () => {
    const before = engine.heap.allocatedBytes;
    const p = Parameter.zeros('w', [10]);
    p.state.set('velocity', engine.heap.allocF32(10));
    p.dispose();
    expect(engine.heap.allocatedBytes).toBe(before);
  });

  it('needs a tensor that requires grad', () => {
    expect(() => new Parameter('w', Tensor.zeros([1]))).toThrow(
      /w: its tensor must be created with \{ requiresGrad: true \}/,
    );
  });
});

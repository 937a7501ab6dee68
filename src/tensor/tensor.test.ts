import { beforeAll, describe, expect, it } from 'vitest';
import { createEngine, useEngine } from '../kernels/engine.js';
import { Tensor } from './tensor.js';

describe('Tensor', () => {
  const engine = createEngine('reference');
  beforeAll(() => useEngine(engine));

  it('copies values into the heap and reports shape and size', () => {
    const values = [1, 2, 3, 4, 5, 6];
    const t = Tensor.fromArray(values, [2, 3]);
    values[0] = 99;
    expect(t.shape).toEqual([2, 3]);
    expect(t.size).toBe(6);
    expect(Array.from(t.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(engine.heap.owns(t.data)).toBe(true);
    expect(t.requiresGrad).toBe(false);
    expect(t.grad).toBeNull();
  });

  it('makes zeros, scalars and gradient arrays on request', () => {
    const t = Tensor.zeros([3], { requiresGrad: true });
    expect(Array.from(t.data)).toEqual([0, 0, 0]);
    expect(t.requiresGrad).toBe(true);
    const grad = t.ensureGrad();
    expect(t.ensureGrad()).toBe(grad);
    expect(Tensor.fromArray([2.5], []).item()).toBe(2.5);
  });

  it('returns its memory on dispose and refuses reads afterwards', () => {
    const before = engine.heap.allocatedBytes;
    const t = Tensor.zeros([100], { requiresGrad: true });
    t.ensureGrad();
    t.dispose();
    t.dispose();
    expect(engine.heap.allocatedBytes).toBe(before);
    expect(() => t.item()).toThrow(/was disposed/);
  });

  it('names the shape in its errors', () => {
    expect(() => Tensor.fromArray([1, 2, 3], [2, 2])).toThrow(/3 values do not fill shape \[2, 2\]/);
    expect(() => Tensor.zeros([2, -1])).toThrow(/shape \[2, -1\] has an invalid dimension -1/);
    expect(() => Tensor.zeros([2, 2]).item()).toThrow(/one entry, got shape \[2, 2\]/);
  });
});

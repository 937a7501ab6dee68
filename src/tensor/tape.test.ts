import { beforeAll, describe, expect, it } from 'vitest';
import { createEngine, useEngine } from '../kernels/engine.js';
import { add } from './ops/add.js';
import { matmul } from './ops/matmul.js';
import { mul } from './ops/mul.js';
import { relu } from './ops/relu.js';
import { sum } from './ops/sum.js';
import { recordTape } from './tape.js';
import { Tensor } from './tensor.js';

describe('Tape', () => {
  const engine = createEngine('reference');
  beforeAll(() => useEngine(engine));

  it('runs the recorded ops in reverse and accumulates into leaf gradients across passes', () => {
    // L = Σ relu(W·x) with W = [[1, −1], [2, 3]], x = [1, 2]ᵀ: W·x = [−1, 8], so dL/dW = [[0, 0], [1, 2]].
    const w = Tensor.fromArray([1, -1, 2, 3], [2, 2], { requiresGrad: true });
    const x = Tensor.fromArray([1, 2], [2, 1]);
    for (let pass = 1; pass <= 2; pass++) {
      const { tape, result } = recordTape(() => sum(relu(matmul(w, x))));
      expect(result.item()).toBe(8);
      tape.backward(result);
      tape.dispose();
      expect(Array.from(w.grad!)).toEqual([0, 0, pass, 2 * pass]);
    }
    expect(x.grad).toBeNull();
  });

  it('sums the gradient of a tensor used twice', () => {
    // L = Σ (a ⊙ a + a): dL/da = 2a + 1.
    const a = Tensor.fromArray([1, -2, 3], [3], { requiresGrad: true });
    const { tape, result } = recordTape(() => sum(add(mul(a, a), a)));
    tape.backward(result);
    tape.dispose();
    expect(Array.from(a.grad!)).toEqual([3, -3, 7]);
  });

  it('frees what the ops created, and only that', () => {
    const a = Tensor.fromArray([1, 2, 3], [3], { requiresGrad: true });
    a.ensureGrad();
    const baseline = engine.heap.allocatedBytes;
    const { tape, result } = recordTape(() => {
      const made = Tensor.zeros([3]);
      return { loss: sum(mul(add(a, made), a)), made };
    });
    tape.backward(result.loss);
    expect(engine.heap.allocatedBytes).toBeGreaterThan(baseline);
    tape.dispose();
    expect(result.loss.disposed).toBe(true);
    expect(result.made.disposed).toBe(false);
    expect(a.disposed).toBe(false);
    result.made.dispose();
    expect(engine.heap.allocatedBytes).toBe(baseline);
  });

  it('lets ops outside a tape just compute, owned by the caller', () => {
    const a = Tensor.fromArray([1, 2], [2], { requiresGrad: true });
    const y = mul(a, a);
    expect(y.requiresGrad).toBe(false);
    expect(Array.from(y.data)).toEqual([1, 4]);
    y.dispose();
  });

  it('disposes the tape when the recorded function throws', () => {
    const a = Tensor.fromArray([1, 2], [2], { requiresGrad: true });
    const baseline = engine.heap.allocatedBytes;
    expect(() =>
      recordTape(() => {
        mul(a, a);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(engine.heap.allocatedBytes).toBe(baseline);
  });

  it('records nested tapes separately', () => {
    const a = Tensor.fromArray([2], [1], { requiresGrad: true });
    const outer = recordTape(() => {
      const inner = recordTape(() => sum(mul(a, a)));
      inner.tape.backward(inner.result);
      inner.tape.dispose();
      return sum(a);
    });
    expect(a.grad![0]).toBe(4);
    outer.tape.backward(outer.result);
    outer.tape.dispose();
    expect(a.grad![0]).toBe(5);
  });

  it('explains misuse', () => {
    const a = Tensor.fromArray([1, 2], [2], { requiresGrad: true });
    const { tape, result } = recordTape(() => ({ vector: mul(a, a), scalar: sum(a) }));
    expect(() => tape.backward(result.vector)).toThrow(
      /one entry, got shape \[2\]: reduce it with sum or mean/,
    );
    expect(() => tape.backward(Tensor.zeros([]))).toThrow(/not computed on this tape/);
    tape.backward(result.scalar);
    expect(() => tape.backward(result.scalar)).toThrow(/already ran/);
    tape.dispose();
    expect(() => tape.backward(result.scalar)).toThrow(/disposed/);
    expect(() => result.scalar.item()).toThrow(/read results before/);
    expect(() => recordTape(() => Promise.resolve(1))).toThrow(/synchronous/);
  });
});

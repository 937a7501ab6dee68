import { beforeAll, describe, expect, it } from 'vitest';
import { useEngine } from '../kernels/engine.js';
import { Parameter } from '../nn/parameter.js';
import { testBackends } from '../tensor/testing.js';
import { SGD } from './sgd.js';

/** Runs three steps from θ = 1 with the gradient held at 0.5 and returns θ after each. */
function trajectory(options: ConstructorParameters<typeof SGD>[1], decay = true): number[] {
  const p = Parameter.zeros('p', [1], { decay });
  p.values[0] = 1;
  const sgd = new SGD([p], options);
  const out: number[] = [];
  for (let i = 0; i < 3; i++) {
    sgd.zeroGrad();
    p.grads[0] = 0.5;
    sgd.step();
    out.push(p.values[0]);
  }
  return out;
}

describe.each(testBackends())('SGD on $name', ({ engine }) => {
  beforeAll(() => useEngine(engine));

  const expectClose = (actual: number[], expected: number[]) =>
    expected.forEach((e, i) => {
      expect(actual[i]).toBeCloseTo(e, 6);
    });

  it('matches hand-computed steps: plain, momentum, Nesterov', () => {
    expectClose(trajectory({ lr: 0.1 }), [0.95, 0.9, 0.85]);
    // v = 0.5, 0.95, 1.355; θ −= 0.1·v.
    expectClose(trajectory({ lr: 0.1, momentum: 0.9 }), [0.95, 0.855, 0.7195]);
    // θ −= 0.1·(g + 0.9·v).
    expectClose(trajectory({ lr: 0.1, momentum: 0.9, nesterov: true }), [0.905, 0.7695, 0.59755]);
  });

  it('applies weight decay only to trainables that take it', () => {
    // g' = 0.5 + 0.1·θ: θ = 1 → 0.94 → 0.8806 → 0.821794.
    expectClose(trajectory({ lr: 0.1, weightDecay: 0.1 }), [0.94, 0.8806, 0.821794]);
    expectClose(trajectory({ lr: 0.1, weightDecay: 0.1 }, false), [0.95, 0.9, 0.85]);
  });

  it('keeps its velocity in the trainable, takes a per-step lr and counts steps', () => {
    const p = Parameter.zeros('p', [2]);
    const sgd = new SGD([p], { lr: 0.1, momentum: 0.5 });
    p.grads.fill(1);
    sgd.step(0.2);
    expect(Array.from(p.values)).toEqual([-0.2, -0.2].map(Math.fround));
    expect(Array.from(p.state.get('velocity')!)).toEqual([1, 1]);
    expect(sgd.getState()).toEqual({ stepCount: 1 });
    sgd.setState({ stepCount: 7 });
    expect(sgd.getState().stepCount).toBe(7);
  });

  it('rejects bad options with the fix in the message', () => {
    const p = [Parameter.zeros('p', [1])];
    expect(() => new SGD(p, { lr: 0 })).toThrow(/lr must be a finite number > 0/);
    expect(() => new SGD(p, { lr: Number.POSITIVE_INFINITY })).toThrow(/lr must be a finite/);
    expect(() => new SGD(p, { lr: 0.1, momentum: 1 })).toThrow(/momentum must be in \[0, 1\)/);
    expect(() => new SGD(p, { lr: 0.1, nesterov: true })).toThrow(/nesterov needs momentum > 0/);
    expect(() => new SGD(p, { lr: 0.1, weightDecay: -1 })).toThrow(/weightDecay must be a finite number ≥ 0/);
    expect(() => new SGD([p[0], p[0]], { lr: 0.1 })).toThrow(/two trainables are named p/);
    expect(() => new SGD(p, { lr: 0.1 }).setState({ stepCount: -1 })).toThrow(/non-negative integer/);
  });

  it('refuses state that no longer fits the values', () => {
    const p = Parameter.zeros('w', [3]);
    p.state.set('velocity', engine.heap.allocF32(2));
    expect(() => new SGD([p], { lr: 0.1, momentum: 0.9 }).step()).toThrow(
      /state 'velocity' of w has 2 entries/,
    );
  });
});

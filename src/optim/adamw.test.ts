import { beforeAll, describe, expect, it } from 'vitest';
import { useEngine } from '../kernels/engine.js';
import { Parameter } from '../nn/parameter.js';
import { testBackends } from '../tensor/testing.js';
import { AdamW } from './adamw.js';

describe.each(testBackends())('AdamW on $name', ({ engine }) => {
  beforeAll(() => useEngine(engine));

  it('matches hand-computed steps with bias correction and decoupled decay', () => {
    // θ = 1, gradients 0.5, −1, 0.25, lr 0.1, betas (0.9, 0.999), eps 1e-8, decay 0.01 (the weight) or none (the bias).
    const weight = Parameter.zeros('w', [1]);
    const bias = Parameter.zeros('b', [1], { decay: false });
    weight.values[0] = 1;
    bias.values[0] = 1;
    const adamw = new AdamW([weight, bias], { lr: 0.1 });
    const weights: number[] = [];
    const biases: number[] = [];
    for (const g of [0.5, -1, 0.25]) {
      adamw.zeroGrad();
      weight.grads[0] = g;
      bias.grads[0] = g;
      adamw.step();
      weights.push(weight.values[0]);
      biases.push(bias.values[0]);
    }
    [0.899, 0.9347114, 0.9474457].forEach((e, i) => {
      expect(weights[i]).toBeCloseTo(e, 6);
    });
    [0.9, 0.9366104, 0.9502794].forEach((e, i) => {
      expect(biases[i]).toBeCloseTo(e, 6);
    });
    expect(weight.state.get('firstMoment')![0]).toBeCloseTo(-0.0245, 7);
    expect(weight.state.get('secondMoment')![0]).toBeCloseTo(0.00131100025, 7);
    expect(adamw.getState()).toEqual({ stepCount: 3 });
  });

  it('resumes bit-identically from its state and the trainables', () => {
    const run = (resume: boolean): number => {
      const p = Parameter.zeros('p', [1]);
      let adamw = new AdamW([p], { lr: 0.05 });
      for (let step = 0; step < 4; step++) {
        if (resume && step === 2) {
          const saved = adamw.getState();
          adamw = new AdamW([p], { lr: 0.05 });
          adamw.setState(saved);
        }
        p.grads[0] = 1 + step;
        adamw.step();
      }
      return p.values[0];
    };
    expect(run(true)).toBe(run(false));
  });

  it('rejects bad options with the fix in the message', () => {
    const p = [Parameter.zeros('p', [1])];
    expect(() => new AdamW(p, { lr: -1 })).toThrow(/lr must be a finite number > 0/);
    expect(() => new AdamW(p, { lr: 0.1, betas: [0.9, 1] })).toThrow(/betas\[1\] must be in \[0, 1\)/);
    expect(() => new AdamW(p, { lr: 0.1, eps: 0 })).toThrow(/eps must be a finite number > 0/);
    expect(() => new AdamW(p, { lr: 0.1, weightDecay: Number.NaN })).toThrow(/weightDecay/);
    expect(() => new AdamW(p, { lr: 0.1 }).step(-0.1)).toThrow(/step: lr must be a finite number ≥ 0/);
  });
});

import { describe, expect, it } from 'vitest';
import { SparseWeight } from '../sparse/sparseWeight.js';
import { Random } from '../util/random.js';
import { AdamW } from './adamw.js';
import { SGD } from './sgd.js';

/** A 4×6 weight with A = 5 entries and B \ A = 7, steady random gradients, and the given update scale. */
function weight(updateScale: number): SparseWeight {
  const random = new Random(2);
  const theta = Float32Array.from({ length: 24 }, () => random.next() - 0.5);
  const w = new SparseWeight({
    name: 'w',
    rows: 4,
    cols: 6,
    theta,
    forward: Int32Array.from([0, 3, 7, 12, 20]),
    backward: Int32Array.from([0, 1, 3, 5, 7, 9, 12, 14, 17, 20, 22, 23]),
    settings: { updateScale },
  });
  return w;
}

function gradients(w: SparseWeight, step: number): void {
  const random = new Random(5).fork(`step${step}`);
  for (let p = 0; p < w.grads.length; p++) w.grads[p] = 0.01 + random.next() * (p % 2 === 0 ? 1e-6 : 1);
}

describe("the optimizer's step on B \\ A times the weight's updateScale (Top-KAST's explorationScale)", () => {
  it('AdamW: entries of B \\ A move at most scale · lr per step, A as before', () => {
    const lr = 1e-3;
    const steps = 20;
    for (const scale of [1, 0.1, 0.01]) {
      const w = weight(scale);
      const before = Float32Array.from(w.values);
      const optimizer = new AdamW([w], { lr, weightDecay: 0 });
      for (let step = 0; step < steps; step++) {
        // A steady gradient per entry (sizes 1e-6 to 1): Adam's step is lr · m̂ / √v̂ = lr whatever its size.
        for (let p = 0; p < w.grads.length; p++) w.grads[p] = (p % 2 === 0 ? 1e-6 : 1) * (1 + p / 10);
        optimizer.step();
      }
      for (let p = 0; p < w.values.length; p++) {
        const moved = Math.abs(w.values[p] - before[p]);
        const bound = (p < w.forwardCount ? 1 : scale) * lr * steps;
        // Float32 rounding of values near 0.5: a few ulps (6e-8) per step; ε = 1e-8 shortens 1e-6 steps by 1%.
        expect(moved).toBeLessThanOrEqual(bound + 2e-6);
        expect(moved).toBeGreaterThan(0.98 * bound - 2e-6);
      }
      w.dispose();
    }
  });

  it('SGD with momentum: B \\ A takes exactly the scaled rate, A the full one', () => {
    const [full, scaled] = [weight(1), weight(0.25)];
    const optimizers = [full, scaled].map((w) => new SGD([w], { lr: 0.5, momentum: 0.9 }));
    const start = Float32Array.from(full.values);
    for (let step = 0; step < 3; step++) {
      for (const [i, w] of [full, scaled].entries()) {
        gradients(w, step);
        optimizers[i].step();
      }
    }
    for (let p = 0; p < full.values.length; p++) {
      const ratio = (scaled.values[p] - start[p]) / (full.values[p] - start[p]);
      expect(ratio).toBeCloseTo(p < full.forwardCount ? 1 : 0.25, 5);
    }
    full.dispose();
    scaled.dispose();
  });
});

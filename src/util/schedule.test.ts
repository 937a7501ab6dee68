import { describe, expect, it } from 'vitest';
import { constant, cosineDecay, cosineRise, cubicDecay, isPeriodic, ramp, rampProgress } from './schedule.js';

/** Step counts and fractions like the ones runs use, odd ones included. */
const lengths = [1, 3, 7, 10, 75, 100, 375, 750, 1000, 2999];

describe('schedule shapes', () => {
  it('constant, and the ramp progress clamped to [0, 1] (1 for an empty ramp)', () => {
    expect([0, 5, 1e6].map(constant(0.3))).toEqual([0.3, 0.3, 0.3]);
    expect([-1, 0, 5, 10, 11].map((step) => rampProgress(step, 0, 10))).toEqual([0, 0, 0.5, 1, 1]);
    expect([3, 4, 8].map((step) => rampProgress(step, 4, 4))).toEqual([0, 0, 1]);
    expect(rampProgress(0, 0, 0)).toBe(1);
  });

  it('ramps, decays and the cube at their ends and midpoints', () => {
    expect([0, 0.5, 1].map((p) => ramp('linear', p))).toEqual([0, 0.5, 1]);
    expect(cosineRise(0)).toBe(0);
    expect(cosineRise(1)).toBe(1);
    expect(cosineRise(0.5)).toBeCloseTo(0.5, 15);
    expect(ramp('cosine', 0.25)).toBe(cosineRise(0.25));
    expect(cosineDecay(0)).toBe(1);
    expect(cosineDecay(1)).toBe(0);
    expect(cosineDecay(25, 100)).toBeCloseTo((1 + Math.SQRT1_2) / 2, 15);
    expect([0, 0.5, 1].map(cubicDecay)).toEqual([1, 0.125, 0]);
  });

  it('periodic: start, start + interval, … and nothing before start', () => {
    const hits = Array.from({ length: 30 }, (_, t) => t).filter((t) => isPeriodic(t, 7, 3));
    expect(hits).toEqual([3, 10, 17, 24]);
    expect([0, 4, 8].every((t) => isPeriodic(t, 4))).toBe(true);
  });

  // The shapes replaced three restatements; each caller's numbers must stay the same bits.
  it('gives the bits of the formulas its callers wrote before', () => {
    for (const length of lengths) {
      for (let t = -1; t <= length + 1; t++) {
        const p = Math.min(Math.max(t, 0) / length, 1);
        // Spartan's ramp.
        expect(ramp('cosine', rampProgress(t, 0, length))).toBe((1 - Math.cos(Math.PI * p)) / 2);
        for (const alpha of [0.1, 0.3, 0.5]) {
          // SET's and RigL's drop fraction.
          expect(alpha * cosineDecay(t, length)).toBe((alpha / 2) * (1 + Math.cos((Math.PI * t) / length)));
        }
        for (const [lr, minLr] of [
          [0.1, 0],
          [3e-4, 1e-5],
          [0.05, 0.05],
        ]) {
          // The cosine learning rate after warmup.
          expect(minLr + (lr - minLr) * cosineDecay(rampProgress(t, 0, length))).toBe(
            minLr + (lr - minLr) * 0.5 * (1 + Math.cos(Math.PI * p)),
          );
        }
        // GMP's cubic.
        expect(cubicDecay(p)).toBe((1 - p) ** 3);
      }
    }
  });
});

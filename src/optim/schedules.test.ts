import { describe, expect, it } from 'vitest';
import { constantLr, cosineLr, stepLr } from './schedules.js';

describe('learning-rate schedules', () => {
  it('constantLr is constant', () => {
    const lr = constantLr(0.3);
    expect([0, 1, 1000].map(lr)).toEqual([0.3, 0.3, 0.3]);
  });

  it('stepLr multiplies by gamma every stepSize steps', () => {
    const lr = stepLr({ lr: 1, stepSize: 10, gamma: 0.5 });
    expect([0, 9, 10, 19, 20, 35].map(lr)).toEqual([1, 1, 0.5, 0.5, 0.25, 0.125]);
  });

  it('cosineLr warms up linearly, then decays along a half cosine to minLr', () => {
    const lr = cosineLr({ lr: 1, totalSteps: 12, warmupSteps: 2, minLr: 0.1 });
    expect(lr(0)).toBeCloseTo(0.5, 12);
    expect(lr(1)).toBeCloseTo(1, 12);
    expect(lr(2)).toBeCloseTo(1, 12);
    expect(lr(7)).toBeCloseTo(0.55, 12); // halfway: 0.1 + 0.9·½
    expect(lr(12)).toBeCloseTo(0.1, 12);
    expect(lr(50)).toBeCloseTo(0.1, 12);
    const plain = cosineLr({ lr: 2, totalSteps: 4 });
    expect([0, 1, 2, 3, 4].map(plain).map((x) => Number(x.toFixed(12)))).toEqual([
      2, 1.707106781187, 1, 0.292893218813, 0,
    ]);
  });

  it('rejects bad arguments with the fix in the message', () => {
    expect(() => constantLr(0)).toThrow(/lr must be a finite number > 0/);
    expect(() => stepLr({ lr: 1, stepSize: 0, gamma: 0.5 })).toThrow(/stepSize must be a positive integer/);
    expect(() => stepLr({ lr: 1, stepSize: 1, gamma: 2 })).toThrow(/gamma must be in \(0, 1\]/);
    expect(() => cosineLr({ lr: 1, totalSteps: 5, warmupSteps: 5 })).toThrow(/warmupSteps/);
    expect(() => cosineLr({ lr: 1, totalSteps: 5, minLr: 2 })).toThrow(/minLr must be in \[0, lr = 1\]/);
    expect(() => constantLr(1)(-1)).toThrow(/non-negative integer/);
  });
});

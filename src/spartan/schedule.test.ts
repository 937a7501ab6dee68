import { describe, expect, test } from 'vitest';
import { SpartanSchedule } from './schedule.js';

const options = { betaInit: 1, betaTarget: 10, warmup: 0.2, freeze: 0.8, totalSteps: 100 } as const;

describe('SpartanSchedule', () => {
  test('linear: κ from 1 to the target over the first 20%, β to β_target·√b over the first 80%', () => {
    const schedule = new SpartanSchedule({ ...options, anneal: 'linear' });
    expect(schedule.freezeStep).toBe(80);
    expect(schedule.kappa(0, 0.1)).toBe(1);
    expect(schedule.kappa(10, 0.1)).toBeCloseTo(0.55, 12);
    expect(schedule.kappa(20, 0.1)).toBeCloseTo(0.1, 12);
    expect(schedule.kappa(90, 0.1)).toBeCloseTo(0.1, 12);
    expect(schedule.beta(0, 1)).toBe(1);
    expect(schedule.beta(40, 1)).toBeCloseTo(5.5, 12);
    expect(schedule.beta(80, 16)).toBeCloseTo(40, 12);
    expect(schedule.beta(99, 16)).toBeCloseTo(40, 12);
  });

  test('cosine: the same end points, half way at the midpoint, slower at the start', () => {
    const schedule = new SpartanSchedule({ ...options, anneal: 'cosine' });
    expect(schedule.kappa(10, 0.1)).toBeCloseTo(0.55, 12);
    expect(schedule.kappa(5, 0.1)).toBeGreaterThan(1 - 0.9 * 0.25);
    expect(schedule.kappa(20, 0.1)).toBeCloseTo(0.1, 12);
    expect(schedule.beta(80, 1)).toBeCloseTo(10, 12);
  });

  test('a zero warmup starts at the target', () => {
    const schedule = new SpartanSchedule({ ...options, warmup: 0, anneal: 'linear' });
    expect(schedule.kappa(0, 0.3)).toBeCloseTo(0.3, 15);
  });
});

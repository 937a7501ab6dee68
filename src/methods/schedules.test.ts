import { describe, expect, it } from 'vitest';
import {
  cosineDropFraction,
  gmpSparsity,
  isMaskUpdateStep,
  isPruningStep,
  isRefreshPeriod,
  type PruningSchedule,
  pruningIntervals,
  updatesAfter,
  updatesAt,
} from './schedules.js';

// Zhu and Gupta's schedule to 90% over updates 10..60, a pruning step every 10: n = 5.
const schedule: PruningSchedule = {
  initialSparsity: 0,
  finalSparsity: 0.9,
  start: 10,
  end: 60,
  interval: 10,
};

describe('schedules', () => {
  it('Top-KAST refreshes after every N updates: steps N − 1, 2N − 1, …', () => {
    const steps = Array.from({ length: 12 }, (_, step) => step).filter((step) => isRefreshPeriod(step, 4));
    expect(steps).toEqual([3, 7, 11]);
  });

  it('counts updates: step −1 (initialisation) is t = 0; fractions of training round to whole updates', () => {
    expect([updatesAfter(-1), updatesAfter(0), updatesAfter(99)]).toEqual([0, 1, 100]);
    expect([updatesAt(0.1, 1000), updatesAt(0.75, 10), updatesAt(0.6, 7)]).toEqual([100, 8, 4]);
  });

  it('GMP: s_t = s_f + (s_i − s_f)(1 − (t − t0)/(nΔt))³ at t0, t0 + Δt, …, held in between, dense before t0', () => {
    expect(pruningIntervals(schedule)).toBe(5);
    const at = [0, 9, 10, 19, 20, 30, 40, 50, 59, 60, 1000].map((t) => gmpSparsity(t, schedule));
    const cube = (k: number) => 0.9 - 0.9 * (1 - k / 5) ** 3;
    const expected = [0, 0, 0, 0, cube(1), cube(2), cube(3), cube(4), cube(4), 0.9, 0.9];
    at.forEach((s, i) => {
      expect(s).toBeCloseTo(expected[i], 12);
    });
    expect(cube(1)).toBeCloseTo(0.4392, 12);
    expect(gmpSparsity(10, { ...schedule, initialSparsity: 0.5 })).toBe(0.5);
  });

  it('GMP prunes at t0 + kΔt for k = 0..n only; a window shorter than Δt prunes once, straight to s_f', () => {
    const pruning = Array.from({ length: 80 }, (_, t) => t).filter((t) => isPruningStep(t, schedule));
    expect(pruning).toEqual([10, 20, 30, 40, 50, 60]);
    const short = { ...schedule, end: 15 };
    expect([isPruningStep(10, short), isPruningStep(20, short), gmpSparsity(10, short)]).toEqual([
      true,
      false,
      0.9,
    ]);
  });

  it('drop fraction f_t = (α/2)(1 + cos(πt/T_end)): α at 0, α/2 halfway, 0 at T_end', () => {
    expect(cosineDropFraction(0, 0.3, 300)).toBeCloseTo(0.3, 12);
    expect(cosineDropFraction(75, 0.3, 300)).toBeCloseTo(0.15 * (1 + Math.SQRT1_2), 12);
    expect(cosineDropFraction(150, 0.3, 300)).toBeCloseTo(0.15, 12);
    expect(cosineDropFraction(300, 0.3, 300)).toBeCloseTo(0, 12);
  });

  it('mask updates every ΔT updates while t < T_end', () => {
    const updates = Array.from({ length: 400 }, (_, t) => t).filter((t) => isMaskUpdateStep(t, 100, 300));
    expect(updates).toEqual([100, 200]);
  });
});

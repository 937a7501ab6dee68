import { describe, expect, it } from 'vitest';
import { type CaseTiming, formatSpread, ratioSpread, type SteppedCase, timeInterleaved } from './timing.js';

describe('interleaved timing', () => {
  it('warms up, then runs one sample of every case per round, in turn', () => {
    const order: string[] = [];
    const stepped = (label: string, stepsPerSample: number): SteppedCase => ({
      label,
      stepsPerSample,
      step: () => order.push(label),
    });
    const timings = timeInterleaved([stepped('a', 2), stepped('b', 3)], { rounds: 2, warmUpSteps: 1 });
    expect(order.join('')).toBe('ab' + 'aabbb' + 'aabbb');
    expect(timings.map((t) => [t.label, t.sampleMeans.length])).toEqual([
      ['a', 2],
      ['b', 2],
    ]);
  });

  it('pairs ratios by round and reports their min, median and max', () => {
    const timing = (sampleMeans: number[]): CaseTiming => ({
      label: '',
      stepMsMean: 0,
      stepMsMedian: 0,
      sampleMeans,
    });
    // Round by round: 10/5, 30/10, 8/2 = 2, 3, 4 (a drift that hits both cases cancels).
    const spread = ratioSpread(timing([10, 30, 8]), timing([5, 10, 2]));
    expect(spread).toEqual({ min: 2, median: 3, max: 4 });
    expect(formatSpread(spread)).toBe('3.00 (2.00–4.00)');
  });
});

import { describe, expect, it } from 'vitest';
import { formatTick, linearScale, niceAxis, niceStep, stepDecimals } from './scale.js';

describe('niceAxis', () => {
  it('widens the data range to whole steps of 1, 2 or 5 × 10^k', () => {
    expect(niceAxis([0.83, 0.97])).toEqual({
      min: 0.8,
      max: 1,
      step: 0.05,
      ticks: [0.8, 0.85, 0.9, 0.95, 1],
    });
    expect(niceAxis([3, 468]).ticks).toEqual([0, 100, 200, 300, 400, 500]);
    expect(niceAxis([-1.2, 2.7]).ticks).toEqual([-2, -1, 0, 1, 2, 3]);
  });

  it('starts at 0 when asked', () => {
    expect(niceAxis([30], { fromZero: true }).ticks).toEqual([0, 10, 20, 30]);
    expect(niceAxis([120, 480], { fromZero: true }).ticks).toEqual([0, 100, 200, 300, 400, 500]);
  });

  it('keeps the domain inside the clamp', () => {
    const axis = niceAxis([0.05, 0.98], { clamp: [0, 1] });
    expect([axis.min, axis.max]).toEqual([0, 1]);
    expect(axis.ticks).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
  });

  it('pads a single value and ignores non-finite ones', () => {
    const axis = niceAxis([0.9, Number.NaN, Number.POSITIVE_INFINITY]);
    expect(axis.min).toBeLessThan(0.9);
    expect(axis.max).toBeGreaterThan(0.9);
    expect(niceAxis([0, 0]).ticks).toEqual([-0.6, -0.4, -0.2, 0, 0.2, 0.4, 0.6]);
    expect(niceAxis([])).toMatchObject({ min: 0, max: 1 });
  });
});

describe('ticks', () => {
  it('rounds steps up to 1, 2 or 5 × 10^k and shows their decimals', () => {
    expect([0.7, 1.3, 3, 7, 0.013].map(niceStep)).toEqual([1, 2, 5, 10, 0.02]);
    expect([100, 1, 0.5, 0.05, 0.002].map(stepDecimals)).toEqual([0, 0, 1, 2, 3]);
  });

  it('formats numbers and percentages with the decimals the step needs', () => {
    expect(formatTick(0.85, 0.05, 'percent')).toBe('85%');
    expect(formatTick(0.855, 0.005, 'percent')).toBe('85.5%');
    expect(formatTick(1.5, 0.5, 'number')).toBe('1.5');
    expect(formatTick(20000, 5000, 'number')).toBe('20,000');
  });

  it('maps a domain onto pixels, upside down for y', () => {
    const y = linearScale([0, 1], [200, 0]);
    expect([y(0), y(0.25), y(1)]).toEqual([200, 150, 0]);
    expect(linearScale([3, 3], [0, 100])(3)).toBe(50);
  });
});

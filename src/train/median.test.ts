import { describe, expect, it } from 'vitest';
import { median } from './median.js';

describe('median', () => {
  it('takes the middle value, or the mean of the two middle values', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median(Float64Array.from([4, 1, 3, 2]))).toBe(2.5);
    expect(median([10, 2, 1000])).toBe(10);
    expect(median([])).toBeNaN();
  });
});

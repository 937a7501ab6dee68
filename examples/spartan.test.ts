import { describe, expect, it } from 'vitest';
import { spartanExample } from './spartan.js';

describe('the README Spartan example', () => {
  it('trains through a soft mask and ends as a 95%-sparse model', () => {
    // 100 steps of the README's run (its 2 epochs reach 0.879): 0.8013 measured, ±0.005 for the rounding of
    // kernels with and without fused multiply-add.
    const { testAccuracy, modelSparsity, softMask } = spartanExample(1, 100);
    expect(testAccuracy).toBeCloseTo(0.8013, 2);
    expect(modelSparsity).toBeCloseTo(0.943731, 6);
    expect(softMask?.finalized).toBe(true);
    expect(softMask?.beta).toBe(100);
  });
});

import { describe, expect, it } from 'vitest';
import { spartanExample } from './spartan.js';

describe('the README Spartan example', () => {
  it('trains through a soft mask and ends as a 95%-sparse model', () => {
    const { testAccuracy, modelSparsity, softMask } = spartanExample(1, 100);
    expect(testAccuracy).toBeGreaterThan(0.6);
    expect(modelSparsity).toBeGreaterThan(0.94);
    expect(softMask?.finalized).toBe(true);
    expect(softMask?.beta).toBe(100);
  });
});

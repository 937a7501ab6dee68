import { describe, expect, it } from 'vitest';
import { quickstart } from './quickstart.js';

describe('the README quickstart', () => {
  it('trains a sparse MLP through the public API', () => {
    const { testAccuracy, modelSparsity, memory } = quickstart(1, 150);
    expect(testAccuracy).toBeGreaterThan(0.75);
    expect(modelSparsity).toBeGreaterThan(0.89);
    expect(memory.hotBytes / memory.denseEquivalentBytes).toBeLessThan(0.4);
  });
});

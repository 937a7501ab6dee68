import { describe, expect, it } from 'vitest';
import { quickstart } from './quickstart.js';

describe('the README quickstart', () => {
  it('trains a sparse MLP through the public API', () => {
    // 150 steps of the README's run (its 2 epochs reach 0.874): 0.8019 measured; kernels with and without
    // fused multiply-add round differently, so the check allows ±0.005.
    const { testAccuracy, modelSparsity, memory } = quickstart(1, 150);
    expect(testAccuracy).toBeCloseTo(0.8019, 2);
    expect(modelSparsity).toBeCloseTo(0.894061, 6);
    // Everything held (θ, index lists, the top-k scratch of the 1024×1024 layer) against the dense run's
    // total, and the hot part alone: functions of the configuration only.
    expect(memory.totalBytes / memory.denseEquivalentBytes).toBeCloseTo(0.92337, 5);
    expect(memory.hotBytes / memory.denseEquivalentBytes).toBeCloseTo(0.27224, 5);
  });
});

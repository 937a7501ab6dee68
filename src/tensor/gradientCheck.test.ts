import { beforeAll, describe, expect, it } from 'vitest';
import { createEngine, useEngine } from '../kernels/engine.js';
import { Random } from '../util/random.js';
import { gradientCheck } from './gradientCheck.js';
import { mul } from './ops/mul.js';
import { sum } from './ops/sum.js';
import { createOutput, recordBackward } from './tape.js';
import type { Tensor } from './tensor.js';
import { randomTensor } from './testing.js';

/** y = x³ with a deliberately wrong gradient 2x² (the right one is 3x²). */
function cubeWithWrongGradient(x: Tensor): Tensor {
  const y = createOutput('cube', x.shape, [x]);
  for (let i = 0; i < x.size; i++) y.data[i] = x.data[i] ** 3;
  recordBackward(y, (dy) => {
    const dx = x.ensureGrad();
    for (let i = 0; i < x.size; i++) dx[i] += dy[i] * 2 * x.data[i] ** 2;
  });
  return y;
}

describe('gradientCheck', () => {
  beforeAll(() => useEngine(createEngine('reference')));

  it('accepts a right gradient and reports a wrong one', () => {
    const x = randomTensor([6], new Random(1), { requiresGrad: true, awayFromZero: 0.3 });
    expect(gradientCheck(([p]) => sum(mul(mul(p, p), p)), [x]).maxError).toBeLessThan(1e-3);
    const wrong = gradientCheck(([p]) => sum(cubeWithWrongGradient(p)), [x]);
    expect(wrong.maxError).toBeCloseTo(1 / 3, 2);
    expect(wrong.worst?.input).toBe(0);
  });
});

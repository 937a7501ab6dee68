import { beforeAll, describe, expect, it } from 'vitest';
import { useEngine } from '../../kernels/engine.js';
import { Random } from '../../util/random.js';
import { gradientCheck } from '../gradientCheck.js';
import { Tensor } from '../tensor.js';
import { randomTensor, testBackends, weightedSum } from '../testing.js';
import { causalSelfAttention } from './attention.js';

/** The definition, one (sequence, head, position) at a time, in float64. */
function naiveAttention(q: Tensor, k: Tensor, v: Tensor, heads: number, T: number): number[] {
  const [d, n] = q.shape;
  const B = n / T;
  const dh = d / heads;
  const out = new Array<number>(d * n).fill(0);
  const at = (x: Tensor, f: number, t: number, b: number) => x.data[f * n + t * B + b];
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < heads; h++) {
      for (let t = 0; t < T; t++) {
        const scores: number[] = [];
        for (let s = 0; s <= t; s++) {
          let dot = 0;
          for (let i = 0; i < dh; i++) dot += at(q, h * dh + i, t, b) * at(k, h * dh + i, s, b);
          scores.push(dot / Math.sqrt(dh));
        }
        const max = Math.max(...scores);
        const e = scores.map((s) => Math.exp(s - max));
        const total = e.reduce((a, c) => a + c, 0);
        for (let i = 0; i < dh; i++) {
          let value = 0;
          for (let s = 0; s <= t; s++) value += (e[s] / total) * at(v, h * dh + i, s, b);
          out[(h * dh + i) * n + t * B + b] = value;
        }
      }
    }
  }
  return out;
}

describe.each(testBackends())('causalSelfAttention on $name', ({ engine }) => {
  beforeAll(() => useEngine(engine));

  it('matches the definition, and a position never sees later ones', () => {
    const random = new Random(9);
    const [q, k, v] = [0, 1, 2].map(() => randomTensor([6, 4 * 3], random));
    const y = causalSelfAttention(q, k, v, 2, 4);
    const expected = naiveAttention(q, k, v, 2, 4);
    for (let i = 0; i < y.size; i++) expect(y.data[i]).toBeCloseTo(expected[i], 5);
    // Changing the last position of every sequence leaves the earlier outputs unchanged.
    for (let f = 0; f < 6; f++) for (let b = 0; b < 3; b++) v.data[f * 12 + 3 * 3 + b] += 1;
    const changed = causalSelfAttention(q, k, v, 2, 4);
    for (let f = 0; f < 6; f++) {
      for (let c = 0; c < 9; c++) expect(changed.data[f * 12 + c]).toBe(y.data[f * 12 + c]);
    }
  });

  it('has gradients for q, k and v that match finite differences', () => {
    const random = new Random(10);
    const [q, k, v] = [0, 1, 2].map(() => randomTensor([4, 3 * 2], random, { requiresGrad: true }));
    const w = randomTensor([4, 6], random);
    const { maxError } = gradientCheck(
      ([a, b, c]) => weightedSum(causalSelfAttention(a, b, c, 2, 3), w),
      [q, k, v],
      1e-2,
    );
    expect(maxError).toBeLessThan(2e-2);
  });

  it('names what does not divide', () => {
    const x = Tensor.zeros([6, 8]);
    expect(() => causalSelfAttention(x, x, x, 4, 4)).toThrow(/4 heads do not divide the 6 features/);
    expect(() => causalSelfAttention(x, x, x, 2, 3)).toThrow(/8 columns are not whole sequences of length 3/);
  });
});

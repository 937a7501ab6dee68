import { beforeAll, describe, expect, it } from 'vitest';
import { useEngine } from '../../kernels/engine.js';
import { Random } from '../../util/random.js';
import { gradientCheck } from '../gradientCheck.js';
import { recordTape } from '../tape.js';
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

/**
 * The full computation in float64: every (t, s) score of the T×T matrix, the masked ones set to −∞ before the
 * softmax, and the gradients of Σ y ⊙ w through all of it (dP, dS over the whole matrix).
 */
function fullAttentionWithGradients(q: Tensor, k: Tensor, v: Tensor, w: Tensor, heads: number, T: number) {
  const [d, n] = q.shape;
  const B = n / T;
  const dh = d / heads;
  const scale = 1 / Math.sqrt(dh);
  const out = new Float64Array(d * n);
  const [dq, dk, dv] = [0, 1, 2].map(() => new Float64Array(d * n));
  const at = (f: number, t: number, b: number) => f * n + t * B + b;
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < heads; h++) {
      const p: number[][] = [];
      for (let t = 0; t < T; t++) {
        const scores = Array.from({ length: T }, (_, s) => {
          if (s > t) return -Infinity;
          let dot = 0;
          for (let i = 0; i < dh; i++) dot += q.data[at(h * dh + i, t, b)] * k.data[at(h * dh + i, s, b)];
          return scale * dot;
        });
        const max = Math.max(...scores);
        const e = scores.map((x) => Math.exp(x - max));
        const total = e.reduce((a, c) => a + c, 0);
        p.push(e.map((x) => x / total));
      }
      for (let t = 0; t < T; t++) {
        const dp = new Array<number>(T).fill(0);
        for (let i = 0; i < dh; i++) {
          const f = h * dh + i;
          for (let s = 0; s < T; s++) {
            out[at(f, t, b)] += p[t][s] * v.data[at(f, s, b)];
            dp[s] += w.data[at(f, t, b)] * v.data[at(f, s, b)];
            dv[at(f, s, b)] += p[t][s] * w.data[at(f, t, b)];
          }
        }
        const dot = p[t].reduce((a, x, s) => a + x * dp[s], 0);
        for (let s = 0; s < T; s++) {
          const ds = scale * p[t][s] * (dp[s] - dot);
          for (let i = 0; i < dh; i++) {
            const f = h * dh + i;
            dq[at(f, t, b)] += ds * k.data[at(f, s, b)];
            dk[at(f, s, b)] += ds * q.data[at(f, t, b)];
          }
        }
      }
    }
  }
  return { out, dq, dk, dv };
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

  it('computes what the full masked T×T computation computes, forward and backward', () => {
    // Lengths that end inside a 16-position tile, 3 heads of 4 features, batch 1 and 2.
    for (const [T, B] of [
      [17, 1],
      [33, 2],
      [5, 1],
    ]) {
      const random = new Random(11 + T);
      const [q, k, v] = [0, 1, 2].map(() => randomTensor([12, T * B], random, { requiresGrad: true }));
      const w = randomTensor([12, T * B], random);
      const { tape, result } = recordTape(() => weightedSum(causalSelfAttention(q, k, v, 3, T), w));
      tape.backward(result);
      const y = causalSelfAttention(q, k, v, 3, T);
      const full = fullAttentionWithGradients(q, k, v, w, 3, T);
      // float32 against float64: within 2e-6 absolute (entries are O(1)).
      const within = (got: Float32Array, want: Float64Array) => {
        for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(2e-6);
      };
      within(y.data, full.out);
      within(q.grad!, full.dq);
      within(k.grad!, full.dk);
      within(v.grad!, full.dv);
      tape.dispose();
      for (const t of [q, k, v, w, y]) t.dispose();
    }
  });

  it('names what does not divide', () => {
    const x = Tensor.zeros([6, 8]);
    expect(() => causalSelfAttention(x, x, x, 4, 4)).toThrow(/4 heads do not divide the 6 features/);
    expect(() => causalSelfAttention(x, x, x, 2, 3)).toThrow(/8 columns are not whole sequences of length 3/);
  });
});

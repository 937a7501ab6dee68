import { beforeAll, describe, expect, it } from 'vitest';
import { useEngine } from '../../kernels/engine.js';
import { Random } from '../../util/random.js';
import { gradientCheck } from '../gradientCheck.js';
import { Tensor } from '../tensor.js';
import { randomTensor, testBackends, weightedSum } from '../testing.js';
import { im2col } from './im2col.js';
import { makeWindow, type Window } from './window.js';

/** The definition, one entry at a time. */
function naiveIm2col(x: Tensor, window: Window): number[] {
  const [C, H, W, B] = x.shape;
  const [kh, kw] = window.kernel;
  const [sh, sw] = window.stride;
  const [ph, pw] = window.padding;
  const Ho = Math.floor((H + 2 * ph - kh) / sh) + 1;
  const Wo = Math.floor((W + 2 * pw - kw) / sw) + 1;
  const out: number[] = [];
  for (let c = 0; c < C; c++)
    for (let i = 0; i < kh; i++)
      for (let j = 0; j < kw; j++)
        for (let oy = 0; oy < Ho; oy++)
          for (let ox = 0; ox < Wo; ox++)
            for (let b = 0; b < B; b++) {
              const iy = oy * sh + i - ph;
              const ix = ox * sw + j - pw;
              const inside = iy >= 0 && iy < H && ix >= 0 && ix < W;
              out.push(inside ? x.data[((c * H + iy) * W + ix) * B + b] : 0);
            }
  return out;
}

const cases = [
  { label: '3×3 stride 1 pad 1', shape: [2, 5, 4, 3], window: makeWindow(3, 1, 1) },
  { label: '3×2 stride 2 pad [1, 0]', shape: [2, 6, 5, 2], window: makeWindow([3, 2], 2, [1, 0]) },
  { label: '2×2 stride [1, 3] no pad, batch 1', shape: [3, 4, 7, 1], window: makeWindow(2, [1, 3], 0) },
  { label: 'kernel wider than a padded edge', shape: [1, 2, 2, 2], window: makeWindow(3, 1, 2) },
];

describe.each(testBackends())('im2col on $name', ({ engine }) => {
  beforeAll(() => useEngine(engine));

  it.each(cases)('matches the definition ($label)', ({ shape, window }) => {
    const x = randomTensor(shape, new Random(3));
    const cols = im2col(x, window);
    const expected = naiveIm2col(x, window);
    expect(cols.shape[0]).toBe(shape[0] * window.kernel[0] * window.kernel[1]);
    expect(cols.size).toBe(expected.length);
    expect(Array.from(cols.data)).toEqual(expected.map(Math.fround));
  });

  it.each(cases)('has a gradient (col2im) that matches finite differences ($label)', ({ shape, window }) => {
    const random = new Random(7);
    const x = randomTensor(shape, random, { requiresGrad: true });
    const probe = im2col(x, window);
    const w = randomTensor(probe.shape, random);
    const { maxError } = gradientCheck(([input]) => weightedSum(im2col(input, window), w), [x]);
    expect(maxError).toBeLessThan(1e-2);
  });

  it('names the expected layout when given a matrix', () => {
    expect(() => im2col(Tensor.zeros([784, 2]), makeWindow(3))).toThrow(/\[channels, height, width, batch\]/);
    expect(() => im2col(Tensor.zeros([1, 2, 2, 1]), makeWindow(3))).toThrow(/larger than the padded input/);
    expect(() => im2col(Tensor.zeros([1, 4, 4, 1]), makeWindow(3, 0))).toThrow(/positive integers/);
  });
});

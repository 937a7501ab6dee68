import type { Random } from '../util/random.js';

/** How a weight matrix [fanOut, fanIn] is initialised. */
export type WeightInit = 'kaiming' | 'glorot';

/**
 * Fills a [fanOut, fanIn] weight matrix in row-major order:
 * - 'kaiming': normal with std √(2 / fanIn) (He et al. 2015), for layers followed by ReLU;
 * - 'glorot': uniform on [−a, a], a = √(6 / (fanIn + fanOut)) (Glorot and Bengio 2010), for GELU and linear outputs.
 */
export function initWeights(
  values: Float32Array,
  fanIn: number,
  fanOut: number,
  init: WeightInit,
  random: Random,
): void {
  if (init === 'kaiming') {
    const std = Math.sqrt(2 / fanIn);
    for (let i = 0; i < values.length; i++) values[i] = std * random.normal();
  } else {
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    for (let i = 0; i < values.length; i++) values[i] = limit * (2 * random.next() - 1);
  }
}

import { type BackendName, createEngine, type Engine } from '../kernels/engine.js';
import type { Random } from '../util/random.js';
import { mul } from './ops/mul.js';
import { sum } from './ops/sum.js';
import { Tensor } from './tensor.js';

/**
 * The backends this runtime can run, each with a fresh engine, so tests run the same checks on every one:
 * the reference always, and each WebAssembly build that instantiates here.
 */
export function testBackends(): { name: BackendName; engine: Engine }[] {
  const names: BackendName[] = ['reference', 'wasm-simd', 'wasm-relaxed-simd'];
  const available: { name: BackendName; engine: Engine }[] = [];
  for (const name of names) {
    try {
      available.push({ name, engine: createEngine(name) });
    } catch {
      // Not supported by this JavaScript engine, or not built: the reference still runs.
    }
  }
  return available;
}

/**
 * A tensor of uniform values in (−1, 1); with `awayFromZero` = δ, every |value| ≥ δ (inputs for gradient
 * checks of ops with a kink at 0).
 */
export function randomTensor(
  shape: readonly number[],
  random: Random,
  options: { requiresGrad?: boolean; awayFromZero?: number } = {},
): Tensor {
  const tensor = Tensor.zeros(shape, { requiresGrad: options.requiresGrad ?? false });
  const gap = options.awayFromZero ?? 0;
  for (let i = 0; i < tensor.size; i++) {
    const u = 2 * random.next() - 1;
    tensor.data[i] = Math.sign(u) * (gap + (1 - gap) * Math.abs(u));
  }
  return tensor;
}

/**
 * Σ y ⊙ w, the scalar a gradient check differentiates: fixed random weights w mix every entry of y into
 * the loss, so each entry's gradient is checked.
 */
export function weightedSum(y: Tensor, weights: Tensor): Tensor {
  return sum(mul(y, weights));
}

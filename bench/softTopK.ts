/**
 * Spartan's soft top-k (src/spartan/softTopK.ts, Newton solver) on 1M entries at β = 10, 100 and 1000:
 * median wall time of a whole call (validation, hard mask, q_j = e^{−z_j}, Newton passes, outputs) and the
 * Newton passes it took. Values are float32 magnitudes |w| of a deterministic spread in [0, 1), unit costs,
 * and 10% of the entries kept, as in a 90%-sparse layer.
 */
import { softTopK } from '../src/spartan/softTopK.js';
import { medianMs } from './timing.js';

export interface SoftTopKBenchResult {
  entries: number;
  beta: number;
  ms: number;
  iterations: number;
}

const ENTRIES = 1 << 20;
const BETAS = [10, 100, 1000];
const KEPT_FRACTION = 0.1;

/** A deterministic magnitude in [0, 1) for index i. */
const magnitude = (i: number) => Math.abs(Math.sin(i * 12.9898) * 0.5 + Math.cos(i * 78.233) * 0.5);

export function benchSoftTopK(): SoftTopKBenchResult[] {
  const values = Float32Array.from({ length: ENTRIES }, (_, i) => magnitude(i));
  const budget = KEPT_FRACTION * ENTRIES;
  return BETAS.map((beta) => {
    let iterations = 0;
    const ms = medianMs(() => {
      iterations = softTopK({ values, budget, beta }).iterations;
    });
    return { entries: ENTRIES, beta, ms, iterations };
  });
}

/**
 * Spartan's soft top-k on 1M entries at β = 10, 100 and 1000, as SoftMaskController runs it every step:
 * SoftTopKSolver (src/spartan/softTopKSolver.ts, WebAssembly SIMD) on float32 values in the kernel heap,
 * writing m and m ⊙ h in place. Median wall time of a whole solve (the hard mask's radix passes, the sampled
 * start, the Halley passes) and the mask passes it took; next to it the float64 TypeScript reference
 * (softTopK.ts, which also allocates its outputs). Values are magnitudes |w| of a deterministic spread in
 * [0, 1), unit costs, and 10% of the entries kept, as in a 90%-sparse layer.
 */
import { engine } from '../src/kernels/engine.js';
import { softTopK } from '../src/spartan/softTopK.js';
import { SoftTopKSolver } from '../src/spartan/softTopKSolver.js';
import { medianMs } from './timing.js';

export interface SoftTopKBenchResult {
  entries: number;
  beta: number;
  ms: number;
  passes: number;
  referenceMs: number;
}

const ENTRIES = 1 << 20;
const BETAS = [10, 100, 1000];
const KEPT_FRACTION = 0.1;

/** A deterministic magnitude in [0, 1) for index i. */
const magnitude = (i: number) => Math.abs(Math.sin(i * 12.9898) * 0.5 + Math.cos(i * 78.233) * 0.5);

export function benchSoftTopK(): SoftTopKBenchResult[] {
  const { heap } = engine();
  const values = heap.allocF32(ENTRIES);
  for (let i = 0; i < ENTRIES; i++) values[i] = magnitude(i);
  const masks = { soft: heap.allocF32(ENTRIES), effective: heap.allocF32(ENTRIES) };
  const solver = new SoftTopKSolver();
  const budget = KEPT_FRACTION * ENTRIES;
  const results = BETAS.map((beta) => {
    let passes = 0;
    const problem = { values, costs: null, totalCost: ENTRIES, budget, beta };
    const ms = medianMs(() => {
      passes = solver.solve(problem, masks).passes;
    });
    const referenceMs = medianMs(() => softTopK({ values, budget, beta }), { minReps: 3, minMs: 100 });
    return { entries: ENTRIES, beta, ms, passes, referenceMs };
  });
  solver.dispose();
  for (const view of [values, masks.soft, masks.effective]) heap.free(view);
  return results;
}

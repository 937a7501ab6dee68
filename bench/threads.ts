/**
 * One thread against two on the 1024-sized kernels of a training step: dense matmul in its three forms
 * (forward NN y = W·x, input gradient TN dx = Wᵀ·dy, weight gradient NT dW = dy·xᵀ, W 1024×1024, batch 128),
 * the three sparse products at densities 0.1 and 0.5 on the same shapes, and the elementwise kernels of a step
 * (ReLU and its gradient on a 2048×128 activation, the SGD-momentum and AdamW updates of 1M entries). Both
 * engines compute the same bits (src/kernels/threads*.ts); this measures only the time.
 *
 * Calls alternate between the two engines and each time is a median, so a neighbour's load on a shared
 * machine slows both sides alike instead of skewing the ratio.
 */
import { createEngine, type Engine } from '../src/kernels/engine.js';
import { median } from '../src/train/median.js';

export interface ThreadsResult {
  /** The kernel and its shape, e.g. 'matmul NN 1024×1024·1024×128' or 'spmm 1024×1024 density 0.1 batch 128'. */
  kernel: string;
  threads: number;
  ms: number;
  /** One thread's time over this time (1 for the one-thread row). */
  speedup: number;
}

const ROWS = 1024;
const COLS = 1024;
const BATCH = 128;
const DENSITIES = [0.1, 0.5];
const REPS = 15;

/** A deterministic value in [−1, 1) for index i. */
const wave = (i: number) => Math.sin(i * 12.9898) * 0.5 + Math.cos(i * 78.233) * 0.5;

export function benchThreads(): ThreadsResult[] {
  const engines = [createEngine('auto', { threads: 1 }), createEngine('auto', { threads: 2 })];
  try {
    const cases = engines.map(kernelCases);
    const results: ThreadsResult[] = [];
    for (const kernel of Object.keys(cases[0])) {
      const [oneMs, twoMs] = alternatingMedians(cases[0][kernel], cases[1][kernel]);
      results.push({ kernel, threads: 1, ms: oneMs, speedup: 1 });
      results.push({ kernel, threads: engines[1].threads, ms: twoMs, speedup: oneMs / twoMs });
    }
    return results;
  } finally {
    void engines[1].close();
  }
}

/** Median milliseconds of `one` and of `two` over REPS calls each, alternated, after two warm-up calls each. */
export function alternatingMedians(one: () => void, two: () => void): [number, number] {
  const times: [number[], number[]] = [[], []];
  for (let rep = -2; rep < REPS; rep++) {
    [one, two].forEach((run, side) => {
      const start = performance.now();
      run();
      if (rep >= 0) times[side].push(performance.now() - start);
    });
  }
  return [median(times[0]), median(times[1])];
}

/** The benchmark's kernel calls on `engine`, by name, over inputs allocated in its heap. */
function kernelCases(engine: Engine): Record<string, () => void> {
  const { heap, kernels, sparse } = engine;
  const filled = (n: number, seed: number) => {
    const view = heap.allocF32(n);
    for (let i = 0; i < n; i++) view[i] = wave(i + seed);
    return view;
  };
  const weight = filled(ROWS * COLS, 3);
  const x = filled(COLS * BATCH, 0);
  const dy = filled(ROWS * BATCH, 7);
  const y = heap.allocF32(ROWS * BATCH);
  const dx = heap.allocF32(COLS * BATCH);
  const dW = heap.allocF32(ROWS * COLS);
  const shape = `${ROWS}×${COLS}·${COLS}×${BATCH}`;
  const cases: Record<string, () => void> = {
    [`matmul NN ${shape}`]: () =>
      kernels.matmulNN({ a: weight, b: x, c: y, m: ROWS, k: COLS, n: BATCH, accumulate: false }),
    [`matmul TN ${shape}`]: () =>
      kernels.matmulTN({ a: weight, b: dy, c: dx, m: COLS, k: ROWS, n: BATCH, accumulate: false }),
    [`matmul NT ${shape}`]: () =>
      kernels.matmulNT({ a: dy, b: x, c: dW, m: ROWS, k: BATCH, n: COLS, accumulate: false }),
  };
  for (const density of DENSITIES) {
    // Every row keeps the same number of entries, evenly spread with a per-row offset.
    const perRow = Math.round(density * COLS);
    const rowOffsets = heap.allocI32(ROWS + 1);
    const columnIndices = heap.allocI32(perRow * ROWS);
    for (let r = 0; r < ROWS; r++) {
      rowOffsets[r + 1] = (r + 1) * perRow;
      const row = columnIndices.subarray(r * perRow, (r + 1) * perRow);
      for (let j = 0; j < perRow; j++) row[j] = Math.floor((j * COLS) / perRow + r) % COLS;
      row.sort();
    }
    const values = filled(perRow * ROWS, 11);
    const gradient = heap.allocF32(perRow * ROWS);
    const pattern = { rowOffsets, columnIndices, rows: ROWS, batch: BATCH, accumulate: false };
    const suffix = `${ROWS}×${COLS} density ${density} batch ${BATCH}`;
    cases[`spmm ${suffix}`] = () => sparse.spmm({ ...pattern, values, x, y });
    cases[`spmmTransposed ${suffix}`] = () =>
      sparse.spmmTransposed({ ...pattern, values, dy, dx, cols: COLS });
    cases[`sddmm ${suffix}`] = () => sparse.sddmm({ ...pattern, dy, x, out: gradient });
  }
  const activation = filled(2 * ROWS * BATCH, 5);
  const activated = heap.allocF32(activation.length);
  const activationShape = `${2 * ROWS}×${BATCH}`;
  cases[`relu ${activationShape}`] = () =>
    kernels.relu({ x: activation, out: activated, n: activation.length });
  cases[`reluBackward ${activationShape}`] = () =>
    kernels.reluBackward({
      x: activation,
      dy: activation,
      dx: activated,
      n: activation.length,
      accumulate: true,
    });
  const n = ROWS * COLS;
  const [params, grads, first, second] = [filled(n, 1), filled(n, 2), heap.allocF32(n), heap.allocF32(n)];
  cases[`sgdUpdate (momentum) ${n} entries`] = () =>
    kernels.sgdUpdate({
      params,
      grads,
      velocity: first,
      n,
      lr: 1e-6,
      momentum: 0.9,
      nesterov: false,
      weightDecay: 0,
    });
  cases[`adamwUpdate ${n} entries`] = () =>
    kernels.adamwUpdate({
      params,
      grads,
      m: first,
      v: second,
      n,
      lr: 1e-6,
      beta1: 0.9,
      beta2: 0.999,
      eps: 1e-8,
      weightDecay: 0,
      bc1: 0.1,
      bc2: 0.001,
    });
  return cases;
}

/**
 * Sparse kernel throughput on a 1024×1024 weight and batch 128, at the densities the issue asks for, next
 * to the dense kernel of the same product (NN for spmm, TN for spmmTransposed, NT for sddmm), and exact
 * top-k of 1M magnitudes. GFLOP/s count the kept entries: 2·nnz·batch for a sparse kernel. Each sparse kernel
 * and its dense product are timed alternately, so a neighbour's load slows both alike and the ratios hold.
 */
import { engine } from '../src/kernels/engine.js';
import { selectTopKByMagnitude } from '../src/sparse/topk.js';
import { alternatingMedians } from './threads.js';
import { medianMs } from './timing.js';

export interface SparseKernelResult {
  /** 'spmm', 'spmmTransposed', 'sddmm', or 'selectTopKByMagnitude' (1M scores, k = 10%). */
  kernel: string;
  density: number;
  /** null for top-k, which does no floating-point arithmetic worth counting. */
  gflops: number | null;
  ms: number;
  /** Dense kernel time over this kernel's time (> 1: the sparse kernel is faster); null for top-k. */
  speedupOverDense: number | null;
  /**
   * This kernel's GFLOP/s over the dense product's (its kept entries' rate against dense's rate, the figure
   * issue #12's targets name: ≥ 0.65 for the SpMMs, ≥ 0.8 for SDDMM at density 0.1); null for top-k.
   */
  rateVsDense: number | null;
}

const ROWS = 1024;
const COLS = 1024;
const BATCH = 128;
const DENSITIES = [1, 0.5, 0.2, 0.1, 0.05, 0.02];
const TOPK_SCORES = 1 << 20;

/** A deterministic value in [−1, 1) for index i (no generator state to carry). */
const wave = (i: number) => Math.sin(i * 12.9898) * 0.5 + Math.cos(i * 78.233) * 0.5;

export function benchSparseKernels(): SparseKernelResult[] {
  const { heap, kernels, sparse } = engine();
  const x = heap.allocF32(COLS * BATCH);
  const dy = heap.allocF32(ROWS * BATCH);
  const y = heap.allocF32(ROWS * BATCH);
  const dx = heap.allocF32(COLS * BATCH);
  const dense = heap.allocF32(ROWS * COLS);
  for (let i = 0; i < x.length; i++) x[i] = wave(i);
  for (let i = 0; i < dy.length; i++) dy[i] = wave(i + 7);
  for (let i = 0; i < dense.length; i++) dense[i] = wave(i + 3);
  const denseRuns = {
    spmm: () => kernels.matmulNN({ a: dense, b: x, c: y, m: ROWS, k: COLS, n: BATCH, accumulate: false }),
    spmmTransposed: () =>
      kernels.matmulTN({ a: dense, b: dy, c: dx, m: COLS, k: ROWS, n: BATCH, accumulate: false }),
    sddmm: () => kernels.matmulNT({ a: dy, b: x, c: dense, m: ROWS, k: BATCH, n: COLS, accumulate: false }),
  };

  const results: SparseKernelResult[] = [];
  for (const density of DENSITIES) {
    // Every row keeps the same number of entries, evenly spread with a per-row offset.
    const perRow = Math.round(density * COLS);
    const nnz = perRow * ROWS;
    const rowOffsets = heap.allocI32(ROWS + 1);
    const columnIndices = heap.allocI32(nnz);
    for (let r = 0; r < ROWS; r++) {
      rowOffsets[r + 1] = (r + 1) * perRow;
      for (let j = 0; j < perRow; j++)
        columnIndices[r * perRow + j] = Math.floor((j * COLS) / perRow + r) % COLS;
      columnIndices.subarray(r * perRow, (r + 1) * perRow).sort();
    }
    const values = heap.allocF32(nnz);
    for (let p = 0; p < nnz; p++) values[p] = wave(p + 11);
    const gradient = heap.allocF32(nnz);
    const pattern = { rowOffsets, columnIndices, rows: ROWS, batch: BATCH, accumulate: false };
    const runs = {
      spmm: () => sparse.spmm({ ...pattern, values, x, y }),
      spmmTransposed: () => sparse.spmmTransposed({ ...pattern, values, dy, dx, cols: COLS }),
      sddmm: () => sparse.sddmm({ ...pattern, dy, x, out: gradient }),
    };
    for (const [kernel, run] of Object.entries(runs)) {
      const [ms, denseMs] = alternatingMedians(run, denseRuns[kernel as keyof typeof denseRuns]);
      results.push({
        kernel,
        density,
        gflops: (2 * nnz * BATCH) / (ms * 1e6),
        ms,
        speedupOverDense: denseMs / ms,
        rateVsDense: ((nnz / (ROWS * COLS)) * denseMs) / ms,
      });
    }
    heap.free(rowOffsets);
    heap.free(columnIndices);
    heap.free(values);
    heap.free(gradient);
  }
  for (const view of [x, dy, y, dx, dense]) heap.free(view);

  const scores = Float32Array.from({ length: TOPK_SCORES }, (_, i) => wave(i));
  const ms = medianMs(() => selectTopKByMagnitude(scores, Math.round(TOPK_SCORES / 10)));
  results.push({
    kernel: 'selectTopKByMagnitude',
    density: 0.1,
    gflops: null,
    ms,
    speedupOverDense: null,
    rateVsDense: null,
  });
  return results;
}

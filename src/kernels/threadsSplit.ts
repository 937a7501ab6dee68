/**
 * How a kernel call is cut into chunks for the threads (which claim them as they go, see threadsWorker.ts).
 * Every cut keeps each output entry's arithmetic that of one thread, so threaded results are bit-identical:
 * - dense matmul: rows of C, at multiples of the 4-row register tile (the tiles are those of the whole product);
 * - spmm and sddmm: rows of W (rows are independent), balanced by their cost;
 * - spmmTransposed: batch columns, at multiples of its 32-column panel (threadsSparse.ts);
 * - elementwise kernels: entries at multiples of 16, or independent slices (threadsElementwise.ts).
 *
 * A split is a list of chunks + 1 ascending boundaries from 0 to the size; chunk c is [cuts[c], cuts[c+1]),
 * possibly empty.
 */
import { MAX_CHUNKS } from './threadsWorker.js';

/**
 * Chunks per thread. More chunks let the threads that are running take over the work of one the machine has
 * descheduled (on a shared 2-core machine that happens often); fewer keep the per-chunk cost small (each
 * matmul chunk packs its block of B again).
 */
export const CHUNKS_PER_THREAD = 4;

/** Chunks for a call on `threads` threads: CHUNKS_PER_THREAD each, but no more than `most` or MAX_CHUNKS. */
export function chunkCount(threads: number, most: number): number {
  return Math.max(1, Math.min(threads * CHUNKS_PER_THREAD, Math.floor(most), MAX_CHUNKS));
}

/** Cuts [0, size) into `parts` near-equal ranges whose inner boundaries are multiples of `multiple`. */
export function splitEvenly(size: number, parts: number, multiple: number): number[] {
  const cuts = [0];
  for (let t = 1; t < parts; t++) {
    const cut = Math.round((size * t) / parts / multiple) * multiple;
    cuts.push(Math.min(size, Math.max(cuts[t - 1], cut)));
  }
  cuts.push(size);
  return cuts;
}

/**
 * Cuts the rows of a CSR matrix into `parts` ranges of near-equal cost, a row costing its kept entries plus
 * one (the row's own output, so runs of empty rows still count): boundary t is the first row at which the
 * cumulative cost rowOffsets[r] + r reaches t/parts of the total.
 */
export function splitRowsByCost(rowOffsets: Int32Array, rows: number, parts: number): number[] {
  const total = rowOffsets[rows] - rowOffsets[0] + rows;
  const cuts = [0];
  for (let t = 1; t < parts; t++) {
    const target = rowOffsets[0] + (total * t) / parts;
    let low = cuts[t - 1];
    let high = rows;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (rowOffsets[mid] + mid < target) low = mid + 1;
      else high = mid;
    }
    cuts.push(low);
  }
  cuts.push(rows);
  return cuts;
}

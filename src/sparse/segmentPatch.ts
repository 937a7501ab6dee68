/**
 * In-place edit of one segment of a SparseWeight's entry order (A's entries, or B \ A's): remove some
 * entries and insert as many others, keeping the segment sorted by flat index, its CSR pattern exact and every
 * array that follows the entry order (values, optimizer state) aligned, without allocating.
 *
 * Method: the kept entries fall into runs between the edit points; a run moves by d = (insertions before it) −
 * (removals before it). Runs with d < 0 move left, in ascending order, then runs with d > 0 move right, in
 * descending order (each move only overwrites removed slots or slots already vacated: the engine's moveRuns);
 * then every insertion is written into its gap. Row offsets shift by the net count of edits in the rows above. Cost:
 * O(edits · log(segment) + rows) plus the moved bytes (at most the segment's arrays once).
 */
import { engine } from '../kernels/engine.js';
import type { CsrPattern } from './csr.js';
import { RecordList } from './recordList.js';
import { lowerBound } from './sortedIndices.js';

/** The entry-order arrays a patch edits, and where the segment lies in them. */
export interface PatchTarget {
  /** The flat index of every entry, in entry order (ascending within the segment). */
  flats: Int32Array;
  /** The segment's pattern: its column indices are the segment's entries, from 0. */
  pattern: CsrPattern;
  /** Arrays in entry order that move with their entries (values, optimizer state). */
  arrays: readonly Float32Array[];
  /** The segment's first entry in entry order, and its length. */
  base: number;
  length: number;
}

export class SegmentPatch {
  /** Positions (in entry order, ascending) of the entries that leave the segment. */
  readonly removals = new RecordList(1);
  /** [flat, payload slot] of the entries that enter, ascending by flat. */
  readonly insertions = new RecordList(2);
  private readonly runs = new RecordList(3);
  private readonly targets = new RecordList(1);
  private readonly removedFlats = new RecordList(1);

  clear(): void {
    this.removals.clear();
    this.insertions.clear();
  }

  /**
   * Applies the edits; insertion i takes its array values from payload[slot·arrays.length + a] (a = the array's
   * index in target.arrays). Removals and insertions must be equal in number.
   */
  apply(target: PatchTarget, payload: Float32Array): void {
    const { removals, insertions } = this;
    if (removals.length !== insertions.length) {
      throw new Error(
        `SegmentPatch: ${removals.length} removals but ${insertions.length} insertions: a segment keeps its size`,
      );
    }
    if (removals.length === 0) return;
    const { flats, pattern, arrays, base } = target;
    this.planRuns(target);
    moveKeptRuns(target, this.runs);
    const cols = pattern.cols;
    const width = arrays.length;
    for (let j = 0; j < insertions.length; j++) {
      const flat = insertions.data[2 * j];
      const slot = insertions.data[2 * j + 1];
      const q = this.targets.data[j];
      flats[base + q] = flat;
      pattern.columnIndices[q] = flat % cols;
      for (let a = 0; a < width; a++) arrays[a][base + q] = payload[slot * width + a];
    }
    this.shiftRowOffsets(pattern);
  }

  /** Splits the kept entries into runs [start, end, d] (segment-relative) and finds each insertion's slot. */
  private planRuns({ flats, base, length }: PatchTarget): void {
    const { removals, insertions, runs, targets, removedFlats } = this;
    runs.clear();
    targets.clear();
    removedFlats.clear();
    let i = 0;
    let j = 0;
    let d = 0;
    let runStart = 0;
    while (i < removals.length || j < insertions.length) {
      const removeAt = i < removals.length ? removals.data[i] - base : length + 1;
      const insertAt =
        j < insertions.length
          ? lowerBound(flats, base, base + length, insertions.data[2 * j]) - base
          : length + 1;
      if (insertAt <= removeAt) {
        if (insertAt > runStart) runs.push(runStart, insertAt, d);
        runStart = insertAt;
        targets.push(insertAt + d);
        d++;
        j++;
      } else {
        if (removeAt > runStart) runs.push(runStart, removeAt, d);
        removedFlats.push(flats[base + removeAt]);
        runStart = removeAt + 1;
        d--;
        i++;
      }
    }
    if (length > runStart) runs.push(runStart, length, d);
  }

  /** rowOffsets[r] += (insertions in rows < r) − (removals in rows < r). */
  private shiftRowOffsets(pattern: CsrPattern): void {
    const { rows, cols, rowOffsets } = pattern;
    const removed = this.removedFlats.data;
    const inserted = this.insertions.data;
    const count = this.insertions.length;
    let i = 0;
    let j = 0;
    let delta = 0;
    for (let r = 1; r <= rows && (i < count || j < count || delta !== 0); r++) {
      const limit = r * cols;
      while (i < count && removed[i] < limit) {
        delta--;
        i++;
      }
      while (j < count && inserted[2 * j] < limit) {
        delta++;
        j++;
      }
      rowOffsets[r] += delta;
    }
  }
}

/**
 * Moves the kept runs in every entry-order array: the heap arrays by the engine's moveRuns (one call per array;
 * TypedArray copyWithin on the shared heap goes element by element), the flat indices by copyWithin.
 */
function moveKeptRuns({ flats, pattern, arrays, base }: PatchTarget, runs: RecordList): void {
  const { heap, kernels } = engine();
  const count = runs.length;
  for (let r = 0; r < count; r++) {
    const d = runs.data[3 * r + 2];
    if (d < 0)
      flats.copyWithin(base + runs.data[3 * r] + d, base + runs.data[3 * r], base + runs.data[3 * r + 1]);
  }
  for (let r = count - 1; r >= 0; r--) {
    const d = runs.data[3 * r + 2];
    if (d > 0)
      flats.copyWithin(base + runs.data[3 * r] + d, base + runs.data[3 * r], base + runs.data[3 * r + 1]);
  }
  const onHeap = heap.allocI32(3 * count);
  onHeap.set(runs.data.subarray(0, 3 * count));
  kernels.moveRuns({ array: pattern.columnIndices, runs: onHeap, runCount: count });
  for (const array of arrays)
    kernels.moveRuns({ array: array.subarray(base), runs: onHeap, runCount: count });
  heap.free(onHeap);
}

/**
 * SparseWeight: one sparse weight matrix [rows × cols] trained always-sparse (Top-KAST, §2 of Jayakumar et al.
 * 2020; ../../shared/DESIGN.md, "The central object").
 *
 * It holds
 * - θ (`theta`), the master copy of all rows·cols entries, in ordinary memory: read and written only when the
 *   sets change, so it may stay cold;
 * - for the entries of the backward set B only, the live values, their gradients and the optimizer state, as
 *   flat heap arrays (this is the Trainable the optimizer sees);
 * - two CSR patterns that split B: the forward set A, and B \ A (the entries that get gradients but do not
 *   take part in the forward pass).
 *
 * Entry order: A's entries first (ascending flat index), then B \ A's (ascending). So A's values are a prefix
 * of B's values: the forward and input-gradient kernels read them in place (no gathered copy), the weight
 * gradient is two sampled products (on A and on B \ A) into the two parts of the gradient array, and the hot
 * memory is B's values, gradients and state plus one column index per entry of B.
 *
 * Between refreshes, B's `values` are the truth and θ is stale on B; entries outside B (the set C) live only
 * in θ and never change. `setSets` is the one place where sets change: it writes B's values back into θ,
 * rebuilds the patterns, reads the values of the new B from θ, and carries the optimizer state of entries that
 * stay in B; entries that enter B start from zero state. The write-back (`syncTheta`) happens once per change
 * of the values: handing out B's values (the optimizer takes them every step) marks θ stale, and a refresh
 * that reads θ several times (budgets, selection, setSets) writes it back the first time only.
 *
 * Hand-offs: a method that needs the dense gradient dL/dW of a step (RigL's grow step) asks the weight for it
 * (`requestDenseGradient` before the forward pass, `releaseDenseGradient` after); the products fill it. A
 * method's gradient term reads A's and B \ A's values and gradients through their views (`forwardValues`,
 * `forwardGrads`, `backwardOnlyValues`, `backwardOnlyGrads`), never the entry order itself.
 */
import { engine } from '../kernels/engine.js';
import type { Heap } from '../kernels/heap.js';
import type { Trainable } from '../tensor/trainable.js';
import { type CsrPattern, csrFromSortedIndices, freePattern } from './csr.js';
import { MagnitudeRefresh } from './magnitudeRefresh.js';
import { ascendingDifference, mergeAscending, overlap, sameIndices } from './sortedIndices.js';

export interface SparseWeightOptions {
  name: string;
  rows: number;
  cols: number;
  /** The initial dense weights, rows·cols entries, row-major (copied). */
  theta: Float32Array;
  /** Flat indices (row·cols + col) of the forward set A, strictly ascending. */
  forward: Int32Array;
  /** Flat indices of the backward set B ⊇ A, strictly ascending. */
  backward: Int32Array;
  /** How the optimizer treats the weight (SparseWeightSettings). */
  settings?: SparseWeightSettings;
}

/** How the optimizer treats a sparse weight, fixed when it is built (the method's choice). */
export interface SparseWeightSettings {
  /**
   * Whether the optimizer's weight decay applies to B's entries (default false: Top-KAST's exploration penalty
   * replaces it, spec step 4; methods without a penalty of their own turn it on).
   */
  decay?: boolean;
  /**
   * The optimizer's step on B \ A's entries relative to its step on A's (Trainable.updateScale; Top-KAST's
   * explorationScale); default 1, every entry of B takes the same step.
   */
  updateScale?: number;
}

/**
 * Bytes a sparse weight holds, against the dense layer it replaces (see SparseWeight.memory). Activations are
 * counted nowhere (a dense layer holds the same ones).
 */
export interface SparseWeightMemory {
  /** What every step touches: B's values, gradients and optimizer state, and A's and B \ A's patterns. */
  hotBytes: number;
  /** θ, the dense master copy of every entry. */
  masterBytes: number;
  /** The bookkeeping index lists read at refreshes: every entry's flat index, and B's flat indices sorted. */
  indexBytes: number;
  /** hot + master + index: everything the weight holds. */
  totalBytes: number;
  /** A dense layer's weights, gradients and the same optimizer state arrays (its total). */
  denseEquivalentBytes: number;
}

export class SparseWeight implements Trainable {
  readonly name: string;
  readonly rows: number;
  readonly cols: number;
  /** The master copy (stale on B between refreshes: call `syncTheta` for an up-to-date copy). */
  readonly theta: Float32Array;
  /** Whether the optimizer's weight decay applies to B's entries (Trainable; SparseWeightSettings.decay). */
  readonly decay: boolean;
  /** The optimizer's step on B \ A relative to A's (Trainable; SparseWeightSettings.updateScale). */
  readonly updateScale: number;

  private forwardPattern!: CsrPattern;
  private backwardOnlyPattern!: CsrPattern;
  private entries!: Int32Array;
  private sortedBackward: Int32Array | null = null;
  private entryValues!: Float32Array;
  private entryGrads!: Float32Array;
  /** Views of A's and B \ A's parts of the values and gradients, made once per set change. */
  private parts!: {
    forwardValues: Float32Array;
    forwardGrads: Float32Array;
    restValues: Float32Array;
    restGrads: Float32Array;
  };
  /** Whether θ holds B's values (no write-back needed): true from a write-back until the values are handed out. */
  private thetaCurrent = false;
  private requestedDenseGradient: Float32Array | null = null;
  private readonly optimizerState = new Map<string, Float32Array>();
  private readonly heap: Heap;
  /** What makes the next magnitude refresh incremental (null until the first; dropped when sets or θ change). */
  private magnitudeRefresh: MagnitudeRefresh | null = null;

  constructor(options: SparseWeightOptions) {
    const { name, rows, cols, theta } = options;
    if (theta.length !== rows * cols) {
      throw new Error(
        `SparseWeight ${name}: theta has ${theta.length} entries, a ${rows}×${cols} matrix needs ${rows * cols}`,
      );
    }
    this.name = name;
    this.rows = rows;
    this.cols = cols;
    this.theta = Float32Array.from(theta);
    this.decay = options.settings?.decay ?? false;
    this.updateScale = options.settings?.updateScale ?? 1;
    this.heap = engine().heap;
    this.install(this.buildSets(options.forward, options.backward));
  }

  /** The forward set A (CSR, heap); its entries are entries 0 .. forwardCount − 1. */
  get forwardSet(): CsrPattern {
    return this.forwardPattern;
  }

  /** B \ A (CSR, heap); its entries are entries forwardCount .. backwardCount − 1. */
  get backwardOnlySet(): CsrPattern {
    return this.backwardOnlyPattern;
  }

  /** The flat index (row·cols + col) of every entry, in entry order (A ascending, then B \ A ascending). */
  get entryIndices(): Int32Array {
    return this.entries;
  }

  /** The flat indices of A, ascending (a view: do not modify). */
  forwardIndices(): Int32Array {
    return this.entries.subarray(0, this.forwardCount);
  }

  /** The flat indices of B, ascending (computed once per set change: do not modify). */
  backwardIndices(): Int32Array {
    this.sortedBackward ??= mergeAscending(this.forwardIndices(), this.entries.subarray(this.forwardCount));
    return this.sortedBackward;
  }

  /** B's live values in entry order (Trainable); whoever takes them may change them, so θ counts as stale. */
  get values(): Float32Array {
    this.thetaCurrent = false;
    return this.entryValues;
  }

  /** d loss / d value for B's entries, in entry order (Trainable). */
  get grads(): Float32Array {
    return this.entryGrads;
  }

  /** Optimizer state arrays, sized like B, in entry order (Trainable). */
  get state(): Map<string, Float32Array> {
    return this.optimizerState;
  }

  /** A's live values: the first forwardCount entries of `values` (a view; θ counts as stale, as for `values`). */
  get forwardValues(): Float32Array {
    this.thetaCurrent = false;
    return this.parts.forwardValues;
  }

  /** A's gradients (a view of `grads`). */
  get forwardGrads(): Float32Array {
    return this.parts.forwardGrads;
  }

  /** B \ A's live values (a view of `values`; θ counts as stale, as for `values`). */
  get backwardOnlyValues(): Float32Array {
    this.thetaCurrent = false;
    return this.parts.restValues;
  }

  /** B \ A's gradients (a view of `grads`). */
  get backwardOnlyGrads(): Float32Array {
    return this.parts.restGrads;
  }

  /**
   * The dense gradient dL/dW of the step at every entry (rows·cols), while one is requested (RigL's grow
   * steps: the one place a method sees gradients outside B); null otherwise.
   */
  get denseGradient(): Float32Array | null {
    return this.requestedDenseGradient;
  }

  /**
   * Asks the next backward passes to also accumulate the dense gradient dL/dW (`denseGradient`, zeros from
   * now); call before the step's forward pass. Already requested: nothing changes.
   */
  requestDenseGradient(): void {
    this.requestedDenseGradient ??= this.heap.allocF32(this.size);
  }

  /** Frees the dense gradient (the products stop forming it). */
  releaseDenseGradient(): void {
    if (this.requestedDenseGradient) this.heap.free(this.requestedDenseGradient);
    this.requestedDenseGradient = null;
  }

  get size(): number {
    return this.rows * this.cols;
  }

  /** Where B \ A's entries start in entry order (Trainable.scaledFrom). */
  get scaledFrom(): number {
    return this.forwardCount;
  }

  get forwardCount(): number {
    return this.forwardPattern.columnIndices.length;
  }

  get backwardCount(): number {
    return this.entries.length;
  }

  /**
   * Writes B's live values into θ, unless it holds them already (nothing handed out the values since the last
   * write-back), and returns θ, now the current value of every entry.
   */
  syncTheta(): Float32Array {
    if (this.thetaCurrent) return this.theta;
    const { entries, entryValues, theta } = this;
    for (let p = 0; p < entries.length; p++) theta[entries[p]] = entryValues[p];
    this.thetaCurrent = true;
    return this.theta;
  }

  /**
   * Replaces the sets (flat indices, strictly ascending, forward ⊆ backward). B's values go back into θ first;
   * the new B's values come from θ (or, with entering = 'zero', entries that enter B start at 0, as SET and
   * RigL grow connections); optimizer state is kept for entries in both the old and the new B and is zero for
   * entries that enter. Entries outside the new B keep their θ unchanged. Unchanged sets change nothing.
   */
  setSets(forward: Int32Array, backward: Int32Array, entering: 'theta' | 'zero' = 'theta'): void {
    if (sameIndices(forward, this.forwardIndices()) && sameIndices(backward, this.backwardIndices())) return;
    this.dropMagnitudeRefresh();
    this.syncTheta();
    const sets = this.buildSets(forward, backward);
    const oldSorted = this.backwardIndices();
    if (entering === 'zero') zeroEntering(oldSorted, backward, this.theta);
    const oldPosition = entryPositions(this.entries, this.forwardCount);
    const newPosition = entryPositions(sets.entries, forward.length);
    const oldState = [...this.optimizerState];
    this.release();
    this.install(sets);
    for (const [key, old] of oldState) {
      const next = this.heap.allocF32(sets.entries.length);
      carryOver(oldSorted, oldPosition, old, backward, newPosition, next);
      this.heap.free(old);
      this.optimizerState.set(key, next);
    }
  }

  /**
   * Sets A to the top-`forwardCount` and B to the top-`backwardCount` entries of |θ| (θ current: B's live
   * values), ties to the lower flat index: what setSets(magnitude selection of syncTheta()) gives, bit for bit
   * (values, optimizer state, θ after syncTheta), and returns how many entries entered A. With unchanged
   * counts it is incremental (magnitudeRefresh.ts): one pass over B and an in-place patch, no allocation;
   * otherwise, or when that cannot decide, it selects from scratch. `incremental` false always selects from
   * scratch (tests and benchmarks compare the two).
   */
  refreshByMagnitude(forwardCount: number, backwardCount: number, incremental = true): number {
    const sameCounts = forwardCount === this.forwardCount && backwardCount === this.backwardCount;
    if (incremental && sameCounts && this.magnitudeRefresh) {
      const entered = this.magnitudeRefresh.refresh(this);
      if (entered !== null) {
        this.sortedBackward = null;
        return entered;
      }
    }
    const before = this.forwardIndices().slice();
    const selection = new MagnitudeRefresh();
    const sets = selection.selectFromScratch(this.syncTheta(), forwardCount, backwardCount, incremental);
    this.setSets(sets.forward, sets.backward);
    this.dropMagnitudeRefresh();
    if (incremental) this.magnitudeRefresh = selection;
    return sets.forward.length - overlap(before, sets.forward);
  }

  private dropMagnitudeRefresh(): void {
    this.magnitudeRefresh?.dispose();
    this.magnitudeRefresh = null;
  }

  /** Replaces θ (every entry, e.g. from a checkpoint) and reloads B's values from it; state is untouched. */
  loadTheta(theta: Float32Array): void {
    if (theta.length !== this.size) {
      throw new Error(`SparseWeight ${this.name}: θ has ${theta.length} entries, expected ${this.size}`);
    }
    this.theta.set(theta);
    this.dropMagnitudeRefresh();
    const { entries, entryValues } = this;
    for (let p = 0; p < entries.length; p++) entryValues[p] = theta[entries[p]];
    this.thetaCurrent = true;
  }

  /**
   * The dense [rows × cols] weights the forward pass uses: A's current values, zero elsewhere (evaluation,
   * export).
   */
  forwardDense(): Float32Array {
    const dense = new Float32Array(this.size);
    this.scatterForward(dense);
    return dense;
  }

  /** Writes A's values into a dense [rows × cols] array (entries outside A are left as they are). */
  scatterForward(dense: Float32Array): void {
    const { entries, entryValues } = this;
    for (let p = 0; p < this.forwardCount; p++) dense[entries[p]] = entryValues[p];
  }

  /** grads[p] += dense[flat index of entry p]: samples a dense gradient at B. */
  accumulateDenseGrad(dense: Float32Array): void {
    const { entries, entryGrads } = this;
    for (let p = 0; p < entries.length; p++) entryGrads[p] += dense[entries[p]];
  }

  /**
   * Bytes held, by part. Hot: 4·|B|·(2 + state arrays) for values, gradients and state, plus both patterns'
   * row offsets (2·(rows + 1) int32) and one column index per entry of B. Master: θ, 4·rows·cols. Index: the
   * entry list (|B| int32) and B's sorted flat indices (|B| int32, held from the first refresh on: counted
   * always, as the figure is what the weight holds at its peak). A dense gradient a method asked for (RigL) is
   * a per-step buffer, counted by the controller.
   */
  memory(): SparseWeightMemory {
    const kB = this.backwardCount;
    const stateArrays = this.optimizerState.size;
    const floats = kB * (2 + stateArrays);
    const patternIndices = 2 * (this.rows + 1) + kB;
    const hotBytes = 4 * (floats + patternIndices);
    const masterBytes = this.theta.byteLength;
    const indexBytes = 4 * (this.entries.length + kB);
    return {
      hotBytes,
      masterBytes,
      indexBytes,
      totalBytes: hotBytes + masterBytes + indexBytes,
      denseEquivalentBytes: 4 * this.size * (2 + stateArrays),
    };
  }

  /** Returns every heap array to the heap; the weight must not be used afterwards. */
  dispose(): void {
    this.releaseDenseGradient();
    for (const array of this.optimizerState.values()) this.heap.free(array);
    this.optimizerState.clear();
    this.dropMagnitudeRefresh();
    this.release();
  }

  /** Takes the new patterns and entry list, and reads the entries' values from θ. */
  private install(sets: {
    forwardPattern: CsrPattern;
    backwardOnlyPattern: CsrPattern;
    entries: Int32Array;
  }): void {
    this.forwardPattern = sets.forwardPattern;
    this.backwardOnlyPattern = sets.backwardOnlyPattern;
    this.entries = sets.entries;
    this.sortedBackward = null;
    const n = sets.entries.length;
    this.entryValues = this.heap.allocF32(n, false);
    for (let p = 0; p < n; p++) this.entryValues[p] = this.theta[sets.entries[p]];
    this.entryGrads = this.heap.allocF32(n);
    const split = sets.forwardPattern.columnIndices.length;
    this.parts = {
      forwardValues: this.entryValues.subarray(0, split),
      forwardGrads: this.entryGrads.subarray(0, split),
      restValues: this.entryValues.subarray(split),
      restGrads: this.entryGrads.subarray(split),
    };
    this.thetaCurrent = true;
  }

  /** Frees the patterns, values and gradients (not the optimizer state). */
  private release(): void {
    this.heap.free(this.entryValues);
    this.heap.free(this.entryGrads);
    freePattern(this.forwardPattern, this.heap);
    freePattern(this.backwardOnlyPattern, this.heap);
  }

  private buildSets(forward: Int32Array, backward: Int32Array) {
    if (forward.length < 1) {
      throw new Error(
        `SparseWeight ${this.name}: the forward set is empty; every sparse tensor keeps at least one entry`,
      );
    }
    const backwardOnly = ascendingDifference(backward, forward);
    if (backwardOnly === null) {
      throw new Error(
        `SparseWeight ${this.name}: the forward set must be inside the backward set (A ⊆ B): pass strictly ascending flat indices with every forward index also in backward`,
      );
    }
    const forwardPattern = csrFromSortedIndices(forward, this.rows, this.cols, this.heap);
    const backwardOnlyPattern = csrFromSortedIndices(backwardOnly, this.rows, this.cols, this.heap);
    const entries = new Int32Array(backward.length);
    entries.set(forward);
    entries.set(backwardOnly, forward.length);
    return { forwardPattern, backwardOnlyPattern, entries };
  }
}

/**
 * For the entries sorted by flat index, each one's position in entry order (entries = A ascending, then
 * B \ A ascending, with A of length `forwardCount`): a merge of the two runs.
 */
function entryPositions(entries: Int32Array, forwardCount: number): Int32Array {
  const positions = new Int32Array(entries.length);
  let i = 0;
  let j = forwardCount;
  for (let k = 0; k < positions.length; k++) {
    positions[k] = j >= entries.length || (i < forwardCount && entries[i] < entries[j]) ? i++ : j++;
  }
  return positions;
}

/** θ = 0 at the entries of newFlat that are not in oldFlat (both ascending). */
function zeroEntering(oldFlat: Int32Array, newFlat: Int32Array, theta: Float32Array): void {
  let i = 0;
  for (const flat of newFlat) {
    while (i < oldFlat.length && oldFlat[i] < flat) i++;
    if (i === oldFlat.length || oldFlat[i] !== flat) theta[flat] = 0;
  }
}

/**
 * Carries optimizer state across a set change: for every new entry (walked in ascending flat order), its old
 * state if it was in the old B, else 0. Sorted lists and entry positions come from backwardIndices and
 * entryPositions.
 */
function carryOver(
  oldSorted: Int32Array,
  oldPosition: Int32Array,
  oldState: Float32Array,
  newSorted: Int32Array,
  newPosition: Int32Array,
  next: Float32Array,
): void {
  let i = 0;
  for (let q = 0; q < newSorted.length; q++) {
    const flat = newSorted[q];
    while (i < oldSorted.length && oldSorted[i] < flat) i++;
    next[newPosition[q]] = i < oldSorted.length && oldSorted[i] === flat ? oldState[oldPosition[i]] : 0;
  }
}

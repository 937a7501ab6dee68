/**
 * SparseWeight: one sparse weight matrix [rows × cols] trained always-sparse (Top-KAST, §2 of Jayakumar et al.
 * 2020; ../../shared/DESIGN.md, "The central object").
 *
 * It holds
 * - θ (`theta`), the master copy of all rows·cols entries, in ordinary memory: read and written only when the
 *   sets change, so it may stay cold;
 * - the backward set B (CSR) and, for B's entries only, the live values, their gradients and the optimizer state,
 *   as flat heap arrays in B's entry order (this is the Trainable the optimizer sees);
 * - the forward set A ⊆ B (CSR), A's position inside B, and A's values gathered into a compact array for the
 *   forward and input-gradient kernels.
 *
 * Between refreshes, B's `values` are the truth and θ is stale on B; entries outside B (the set C) live only
 * in θ and never change. `setSets` is the one place where sets change: it writes B's values back into θ,
 * rebuilds both patterns, reads the values of the new B from θ, and carries the optimizer state of entries that
 * stay in B; entries that enter B start from zero state.
 */
import { engine } from '../kernels/engine.js';
import type { Heap } from '../kernels/heap.js';
import type { Trainable } from '../nn/trainable.js';
import { type CsrPattern, csrFromSortedIndices, freePattern, positionsInside } from './csr.js';

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
}

/** Bytes of a sparse weight's memory, against the dense layer it replaces (see SparseWeight.memory). */
export interface SparseWeightMemory {
  /** B's values, gradients and optimizer state; A's gathered values; both patterns and A's positions. */
  hotBytes: number;
  /** θ, the dense master copy. */
  masterBytes: number;
  /** A dense layer's weights, gradients and the same optimizer state arrays. */
  denseEquivalentBytes: number;
}

export class SparseWeight implements Trainable {
  readonly name: string;
  readonly rows: number;
  readonly cols: number;
  /** The master copy (stale on B between refreshes: call `syncTheta` for an up-to-date copy). */
  readonly theta: Float32Array;
  /** Optimizer weight decay never applies: Top-KAST's exploration penalty replaces it (spec step 4). */
  readonly decay = false;

  private forwardPattern: CsrPattern;
  private backwardPattern: CsrPattern;
  private backwardFlat: Int32Array;
  private forwardPositionsInB: Int32Array;
  private backwardValues: Float32Array;
  private backwardGrads: Float32Array;
  private forwardGathered: Float32Array;
  private readonly optimizerState = new Map<string, Float32Array>();
  /**
   * When set (a heap array of rows·cols zeros), the next backward pass also accumulates the dense gradient
   * dL/dW at every entry into it: the one place a method may see gradients outside B (RigL's grow step).
   */
  denseGradient: Float32Array | null = null;
  private readonly heap: Heap;

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
    this.heap = engine().heap;
    const sets = this.buildSets(options.forward, options.backward);
    this.forwardPattern = sets.forwardPattern;
    this.backwardPattern = sets.backwardPattern;
    this.backwardFlat = sets.backwardFlat;
    this.forwardPositionsInB = sets.forwardPositionsInB;
    this.backwardValues = this.heap.allocF32(this.backwardFlat.length);
    for (let p = 0; p < this.backwardFlat.length; p++)
      this.backwardValues[p] = this.theta[this.backwardFlat[p]];
    this.backwardGrads = this.heap.allocF32(this.backwardFlat.length);
    this.forwardGathered = this.heap.allocF32(this.forwardPositionsInB.length);
    this.gatherForward();
  }

  /** The forward set A (CSR, heap). */
  get forwardSet(): CsrPattern {
    return this.forwardPattern;
  }

  /** The backward set B ⊇ A (CSR, heap). */
  get backwardSet(): CsrPattern {
    return this.backwardPattern;
  }

  /** Flat indices of B, ascending (the entry order of values, grads and state). */
  get backwardIndices(): Int32Array {
    return this.backwardFlat;
  }

  /** For each entry of A, its position among B's entries. */
  get forwardPositions(): Int32Array {
    return this.forwardPositionsInB;
  }

  /** B's live values (Trainable). */
  get values(): Float32Array {
    return this.backwardValues;
  }

  /** d loss / d value for B's entries (Trainable). */
  get grads(): Float32Array {
    return this.backwardGrads;
  }

  /** Optimizer state arrays, sized like B (Trainable). */
  get state(): Map<string, Float32Array> {
    return this.optimizerState;
  }

  /** A's values in A's entry order, for the forward and input-gradient kernels. Refresh with gatherForward. */
  get forwardValues(): Float32Array {
    return this.forwardGathered;
  }

  get size(): number {
    return this.rows * this.cols;
  }

  get forwardCount(): number {
    return this.forwardPositionsInB.length;
  }

  get backwardCount(): number {
    return this.backwardFlat.length;
  }

  /** Copies A's current values out of B's values (the sparse forward pass does it before every use). */
  gatherForward(): void {
    const positions = this.forwardPositionsInB;
    const values = this.backwardValues;
    const gathered = this.forwardGathered;
    for (let p = 0; p < positions.length; p++) gathered[p] = values[positions[p]];
  }

  /** Writes B's live values into θ and returns θ, now the current value of every entry. */
  syncTheta(): Float32Array {
    const flat = this.backwardFlat;
    for (let p = 0; p < flat.length; p++) this.theta[flat[p]] = this.backwardValues[p];
    return this.theta;
  }

  /**
   * Replaces the sets (flat indices, strictly ascending, forward ⊆ backward). B's values go back into θ first;
   * the new B's values come from θ (or, with entering = 'zero', entries that enter B start at 0, as SET and
   * RigL grow connections); optimizer state is kept for entries in both the old and the new B and is zero for
   * entries that enter. Entries outside the new B keep their θ unchanged.
   */
  setSets(forward: Int32Array, backward: Int32Array, entering: 'theta' | 'zero' = 'theta'): void {
    this.syncTheta();
    const sets = this.buildSets(forward, backward);
    const oldFlat = this.backwardFlat;
    const n = sets.backwardFlat.length;
    if (entering === 'zero') zeroEntering(oldFlat, sets.backwardFlat, this.theta);
    const values = this.heap.allocF32(n);
    for (let p = 0; p < n; p++) values[p] = this.theta[sets.backwardFlat[p]];
    for (const [key, oldState] of this.optimizerState) {
      const next = this.heap.allocF32(n);
      carryOver(oldFlat, oldState, sets.backwardFlat, next);
      this.heap.free(oldState);
      this.optimizerState.set(key, next);
    }
    this.heap.free(this.backwardValues);
    this.heap.free(this.backwardGrads);
    this.heap.free(this.forwardGathered);
    this.heap.free(this.forwardPositionsInB);
    freePattern(this.forwardPattern, this.heap);
    freePattern(this.backwardPattern, this.heap);
    this.forwardPattern = sets.forwardPattern;
    this.backwardPattern = sets.backwardPattern;
    this.backwardFlat = sets.backwardFlat;
    this.forwardPositionsInB = sets.forwardPositionsInB;
    this.backwardValues = values;
    this.backwardGrads = this.heap.allocF32(n);
    this.forwardGathered = this.heap.allocF32(sets.forwardPositionsInB.length);
    this.gatherForward();
  }

  /**
   * The dense [rows × cols] weights the forward pass uses: A's current values, zero elsewhere (evaluation,
   * export). It gathers A first: after an optimizer step the gathered copy is stale until the next forward.
   */
  forwardDense(): Float32Array {
    this.gatherForward();
    const dense = new Float32Array(this.size);
    this.scatterForward(dense);
    return dense;
  }

  /** Writes A's values into a zeroed dense [rows × cols] array (entries outside A are left as they are). */
  scatterForward(dense: Float32Array): void {
    const { rowOffsets, columnIndices } = this.forwardPattern;
    const gathered = this.forwardGathered;
    for (let r = 0; r < this.rows; r++) {
      const base = r * this.cols;
      for (let p = rowOffsets[r]; p < rowOffsets[r + 1]; p++) dense[base + columnIndices[p]] = gathered[p];
    }
  }

  /** grads[p] += dense[flat index of B's p-th entry]: samples a dense gradient at B. */
  accumulateDenseGrad(dense: Float32Array): void {
    const flat = this.backwardFlat;
    const grads = this.backwardGrads;
    for (let p = 0; p < flat.length; p++) grads[p] += dense[flat[p]];
  }

  /** Byte counts of the hot training state, θ, and the dense equivalent with the same optimizer state. */
  memory(): SparseWeightMemory {
    const kB = this.backwardCount;
    const kA = this.forwardCount;
    const stateArrays = this.optimizerState.size;
    const floats = kB * (2 + stateArrays) + kA;
    const indices = 2 * (this.rows + 1) + kB + kA + kA; // both patterns' offsets and columns, A's positions
    return {
      hotBytes: 4 * (floats + indices),
      masterBytes: 4 * this.size,
      denseEquivalentBytes: 4 * this.size * (2 + stateArrays),
    };
  }

  /** Returns every heap array to the heap; the weight must not be used afterwards. */
  dispose(): void {
    if (this.denseGradient) this.heap.free(this.denseGradient);
    this.denseGradient = null;
    for (const array of this.optimizerState.values()) this.heap.free(array);
    this.optimizerState.clear();
    this.heap.free(this.backwardValues);
    this.heap.free(this.backwardGrads);
    this.heap.free(this.forwardGathered);
    this.heap.free(this.forwardPositionsInB);
    freePattern(this.forwardPattern, this.heap);
    freePattern(this.backwardPattern, this.heap);
  }

  private buildSets(forward: Int32Array, backward: Int32Array) {
    if (forward.length < 1) {
      throw new Error(
        `SparseWeight ${this.name}: the forward set is empty; every sparse tensor keeps at least one entry`,
      );
    }
    const forwardPattern = csrFromSortedIndices(forward, this.rows, this.cols, this.heap);
    const backwardPattern = csrFromSortedIndices(backward, this.rows, this.cols, this.heap);
    let forwardPositionsInB: Int32Array;
    try {
      forwardPositionsInB = positionsInside(forwardPattern, backwardPattern, this.heap);
    } catch (error) {
      freePattern(forwardPattern, this.heap);
      freePattern(backwardPattern, this.heap);
      throw new Error(
        `SparseWeight ${this.name}: the forward set must be inside the backward set (A ⊆ B): ${(error as Error).message}`,
      );
    }
    return { forwardPattern, backwardPattern, backwardFlat: Int32Array.from(backward), forwardPositionsInB };
  }
}

/** θ = 0 at the entries of newFlat that are not in oldFlat (both ascending). */
function zeroEntering(oldFlat: Int32Array, newFlat: Int32Array, theta: Float32Array): void {
  let i = 0;
  for (const flat of newFlat) {
    while (i < oldFlat.length && oldFlat[i] < flat) i++;
    if (i === oldFlat.length || oldFlat[i] !== flat) theta[flat] = 0;
  }
}

/** next[q] = old state of the entry at newFlat[q] if it was in oldFlat, else 0 (both lists ascending). */
function carryOver(
  oldFlat: Int32Array,
  oldState: Float32Array,
  newFlat: Int32Array,
  next: Float32Array,
): void {
  let i = 0;
  for (let q = 0; q < newFlat.length; q++) {
    const flat = newFlat[q];
    while (i < oldFlat.length && oldFlat[i] < flat) i++;
    next[q] = i < oldFlat.length && oldFlat[i] === flat ? oldState[i] : 0;
  }
}

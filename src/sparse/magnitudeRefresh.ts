/**
 * Top-KAST's refresh by magnitude, incremental (spec/topkast.md, "Refreshing every step, and adaptive
 * optimizers"): A = the top-kA and B = the top-kB entries of |θ|, ties to the lower flat index, exactly the
 * sets a full recompute gives, found from B's live values and a short sorted reserve of C, then patched into
 * the weight in place (segmentPatch.ts).
 *
 * Rank: larger |θ| first; among equal magnitudes the lower flat index first. The key of a value is its float
 * bits without the sign (monotone in |θ|; −0 and +0 tie), as in selectTopKByMagnitude.
 *
 * Why it is exact.
 * - B. Between refreshes only B's values move; C's are frozen (θ is not updated there). Every entry of B that
 *   ranks above C's best entry c₁ stays in B. The others ("low", sorted worst first) compete with C in rank
 *   order c₁, c₂, …: the new top-kB swaps low's j-th worst for c_j while c_j ranks above it. The reserve holds
 *   C's best entries in rank order, and every entry of C outside it ranks below its floor; entries that leave B
 *   join it when they rank at or above the floor. When the swaps could run past the reserve, or the reserve is
 *   empty while C is not, the caller selects from scratch and the reserve is rebuilt.
 * - A. The entries leaving B rank below all of the new B, so the new A (the top-kA of the new B) is the top-kA
 *   of old B ∪ entering entries. A band [lo, hi] of keys around the last threshold splits them: keys above hi
 *   are in A, keys below lo are not, and the band's entries, sorted, fill A up to kA. This is exact when
 *   count(above hi) ≤ kA ≤ count(above hi) + |band|; otherwise the band widens and the scan repeats, and after
 *   a few misses the caller selects from scratch. The band narrows again while it holds many entries.
 * Cost per refresh: one pass over B's values, sorts of the few entries near the thresholds, and the patch.
 */

import { engine } from '../kernels/engine.js';
import type { CsrPattern } from './csr.js';
import { RecordList, type RecordOrder } from './recordList.js';
import { type PatchTarget, SegmentPatch } from './segmentPatch.js';
import { selectTopKByMagnitude } from './topk.js';

/** What the refresh reads and edits: SparseWeight's entry-order arrays (SparseWeight satisfies it). */
export interface MagnitudeRefreshTarget {
  readonly name: string;
  readonly size: number;
  readonly theta: Float32Array;
  readonly forwardCount: number;
  readonly backwardCount: number;
  /** Flat index per entry: A ascending, then B \ A ascending. */
  readonly entryIndices: Int32Array;
  readonly values: Float32Array;
  readonly state: Map<string, Float32Array>;
  readonly forwardSet: CsrPattern;
  readonly backwardOnlySet: CsrPattern;
}

/** Sets by flat index, strictly ascending, forward ⊆ backward. */
export interface MagnitudeSets {
  forward: Int32Array;
  backward: Int32Array;
}

const MAX_KEY = 0x7f800000; // +infinity; larger keys are NaN
const ATTEMPTS = 3;
const BAND_LIMIT = 512;

/** Records [key, flat, position]: rank order, best first. */
const bestFirst: RecordOrder = (d, a, b) => d[a] > d[b] || (d[a] === d[b] && d[a + 1] < d[b + 1]);
/** True when (key1, flat1) ranks above (key2, flat2). */
function ranksAbove(key1: number, flat1: number, key2: number, flat2: number): boolean {
  return key1 > key2 || (key1 === key2 && flat1 < flat2);
}

export class MagnitudeRefresh {
  /** C's best entries, [key, flat], best first; every other entry of C ranks below (floorKey, floorFlat). */
  private reserve = new RecordList(2);
  /** Records of the reserve before `head` have entered B. */
  private head = 0;
  private floorKey = -1;
  private floorFlat = 0;
  /** Key of A's lowest entry at the last refresh, and the band's half-width around it. */
  private center = 0;
  private halfWidth = 1 << 14;
  // Scratch, reused: [key, flat, position] (position −1 − e: the reserve's entry e, from C, entering B).
  private readonly low = new RecordList(3);
  private readonly up = new RecordList(3);
  private readonly band = new RecordList(3);
  private readonly down = new RecordList(3);
  private bandInA = 0;
  private readonly leavers = new RecordList(1);
  private readonly forwardPatch = new SegmentPatch();
  private readonly restPatch = new SegmentPatch();
  private payload = new Float32Array(64);
  /** Heap scratch of the flagOutside kernel, and the flagged positions copied out of it. */
  private flags: Int32Array | null = null;
  private flagCapacity = 1024;
  private positions = new Int32Array(1024);
  private payloadSlots = 0;
  /** Per entering entry of C: whether it joins A (else B \ A). */
  private joinsA = new Uint8Array(64);

  /**
   * The sets from scratch (θ must be current), and (withReserve) the reserve and threshold for the incremental
   * refreshes that follow.
   */
  selectFromScratch(
    theta: Float32Array,
    forwardCount: number,
    backwardCount: number,
    withReserve = true,
  ): MagnitudeSets {
    const n = theta.length;
    const reserveSize = withReserve ? Math.min(n - backwardCount, Math.max(4096, backwardCount >> 2)) : 0;
    const top = selectTopKByMagnitude(theta, backwardCount + reserveSize);
    const backward = topOf(theta, top, backwardCount);
    const forward = topOf(theta, backward, forwardCount);
    const bits = new Int32Array(theta.buffer, theta.byteOffset, n);
    this.reserve.clear();
    this.head = 0;
    let b = 0;
    for (const flat of top) {
      if (b < backward.length && backward[b] === flat) b++;
      else this.reserve.push(bits[flat] & 0x7fffffff, flat);
    }
    this.reserve.sort(bestFirst);
    const last = this.reserve.length - 1;
    const covers = backwardCount + reserveSize === n;
    this.floorKey = covers || last < 0 ? -1 : this.reserve.get(last, 0);
    this.floorFlat = covers || last < 0 ? 0 : this.reserve.get(last, 1);
    let lowest = MAX_KEY;
    for (const flat of forward) lowest = Math.min(lowest, bits[flat] & 0x7fffffff);
    this.center = lowest;
    return { forward, backward };
  }

  /**
   * Refreshes the target's sets in place to the top-kA / top-kB of |θ| (kA, kB: its current counts) and
   * returns how many entries entered A; null when the incremental path cannot decide (the caller then selects
   * from scratch). Leaving entries write their values into θ; entering entries read θ and start with zero
   * optimizer state; entries moving between A and B \ A keep their value and state.
   */
  refresh(target: MagnitudeRefreshTarget): number | null {
    const kA = target.forwardCount;
    const kB = target.backwardCount;
    const hasC = kB < target.size;
    if (hasC && this.reserveCount() === 0 && this.floorKey >= 0) return null;
    for (let attempt = 0; ; attempt++) {
      this.scan(target.values, target.entryIndices, kA, kB, hasC, target.name);
      const entering = hasC ? this.boundaryOfB() : 0;
      if (entering < 0) return null;
      const need = this.classifyEntering(entering, kA);
      if (need >= 0) return this.apply(target, entering, need);
      if (attempt === ATTEMPTS - 1) return null;
      this.halfWidth = Math.min(MAX_KEY, this.halfWidth * 16);
    }
  }

  /**
   * One pass over B (the engine's flagOutside kernel) for the few entries that need a look: in A, those with
   * keys at or below the band's top or C's best (and NaN); in B \ A, those at or above the band's bottom or at or
   * below C's best. They fill low (ranks below C's best) and A's band split: up (B \ A above the band), band,
   * down (A below the band).
   */
  private scan(
    values: Float32Array,
    flats: Int32Array,
    kA: number,
    kB: number,
    hasC: boolean,
    name: string,
  ): void {
    const { low, up, band, down } = this;
    low.clear();
    up.clear();
    band.clear();
    down.clear();
    const lo = Math.max(0, this.center - this.halfWidth);
    const hi = Math.min(MAX_KEY, this.center + this.halfWidth);
    const cKey = hasC && this.reserveCount() > 0 ? this.reserveAt(0, 0) : -1;
    const cFlat = hasC && this.reserveCount() > 0 ? this.reserveAt(0, 1) : 0;
    const bits = new Int32Array(values.buffer, values.byteOffset, kB);
    const isLow = (key: number, flat: number) => key <= cKey && (key < cKey || flat > cFlat);
    for (const p of this.flagged(values, 0, kA, Math.max(hi, cKey), MAX_KEY + 1)) {
      const key = bits[p] & 0x7fffffff;
      const flat = flats[p];
      if (key > MAX_KEY) throwNaN(name, flat);
      if (key >= lo && key <= hi) band.push(key, flat, p);
      else if (key < lo) down.push(key, flat, p);
      if (isLow(key, flat)) low.push(key, flat, p);
    }
    this.bandInA = band.length;
    for (const p of this.flagged(values, kA, kB, cKey, lo)) {
      const key = bits[p] & 0x7fffffff;
      const flat = flats[p];
      if (key > MAX_KEY) throwNaN(name, flat);
      if (key > hi) up.push(key, flat, p);
      else if (key >= lo) band.push(key, flat, p);
      if (isLow(key, flat)) low.push(key, flat, p);
    }
  }

  /** Positions p in [from, to) whose key is ≤ below or ≥ above, ascending (a view of reused scratch). */
  private flagged(values: Float32Array, from: number, to: number, below: number, above: number): Int32Array {
    const { flagOutside } = engine().kernels;
    const { heap } = engine();
    for (;;) {
      if (this.flags === null || this.flags.length < this.flagCapacity) {
        if (this.flags) heap.free(this.flags);
        this.flags = heap.allocI32(this.flagCapacity);
      }
      const count = flagOutside({
        values: values.subarray(from),
        n: to - from,
        below,
        above,
        out: this.flags,
        capacity: this.flags.length,
      });
      if (count <= this.flags.length) {
        const positions = this.positions.length >= count ? this.positions : new Int32Array(2 * count);
        this.positions = positions;
        for (let i = 0; i < count; i++) positions[i] = this.flags[i] + from;
        return positions.subarray(0, count);
      }
      this.flagCapacity = 2 * count;
    }
  }

  /** Returns the kernel scratch to the heap (the owner calls it when it drops this refresh). */
  dispose(): void {
    if (this.flags) engine().heap.free(this.flags);
    this.flags = null;
  }

  /** How many of C's best entries enter B (swapping with low's worst), or −1 if the reserve cannot tell. */
  private boundaryOfB(): number {
    const { low } = this;
    low.sortByRank(false);
    const covers = this.floorKey < 0;
    let s = 0;
    while (s < low.length) {
      if (s >= this.reserveCount()) {
        if (covers) break;
        return -1;
      }
      if (!ranksAbove(this.reserveAt(s, 0), this.reserveAt(s, 1), low.data[3 * s], low.data[3 * s + 1]))
        break;
      s++;
    }
    return s;
  }

  /**
   * Puts the entering entries into up or band by key, and returns how many band entries A takes (the band
   * sorted best first), or −1 when the band does not hold A's new threshold.
   */
  private classifyEntering(entering: number, kA: number): number {
    const { up, band, down } = this;
    const lo = Math.max(0, this.center - this.halfWidth);
    const hi = Math.min(MAX_KEY, this.center + this.halfWidth);
    for (let e = 0; e < entering; e++) {
      const key = this.reserveAt(e, 0);
      if (key > hi) up.push(key, this.reserveAt(e, 1), -1 - e);
      else if (key >= lo) band.push(key, this.reserveAt(e, 1), -1 - e);
    }
    const aboveHi = kA - this.bandInA - down.length + up.length;
    const need = kA - aboveHi;
    if (need < 0 || need > band.length) return -1;
    band.sortByRank(true);
    return need;
  }

  /** Builds both segments' edits, moves values and state, patches, and updates the reserve and threshold. */
  private apply(target: MagnitudeRefreshTarget, entering: number, need: number): number {
    const { low, up, band, down, leavers, forwardPatch, restPatch } = this;
    const kA = target.forwardCount;
    const { values, theta, entryIndices: flats } = target;
    const states = [...target.state.values()];
    const width = 1 + states.length;
    leavers.clear();
    for (let j = 0; j < entering; j++) leavers.push(low.data[3 * j + 2]);
    leavers.sortByFirst();
    forwardPatch.clear();
    restPatch.clear();
    this.payloadSlots = 0;
    // Entries of A that leave it: below the band, or in the band past the first `need`.
    const leaveA = (flat: number, p: number) => {
      forwardPatch.removals.push(p);
      if (contains(leavers, p)) theta[flat] = values[p];
      else restPatch.insertions.push(flat, this.carry(values, states, p, width));
    };
    if (this.joinsA.length < entering) this.joinsA = new Uint8Array(2 * entering);
    const joinsA = this.joinsA;
    joinsA.fill(0, 0, entering);
    const enterA = (flat: number, p: number) => {
      forwardPatch.insertions.push(
        flat,
        p >= 0 ? this.carry(values, states, p, width) : this.fresh(theta, flat, width),
      );
      if (p >= 0) restPatch.removals.push(p);
      else joinsA[-1 - p] = 1;
    };
    for (let i = 0; i < down.length; i++) leaveA(down.data[3 * i + 1], down.data[3 * i + 2]);
    for (let i = 0; i < band.length; i++) {
      const flat = band.data[3 * i + 1];
      const p = band.data[3 * i + 2];
      const inA = p >= 0 && p < kA;
      if (i < need && !inA) enterA(flat, p);
      else if (i >= need && inA) leaveA(flat, p);
    }
    for (let i = 0; i < up.length; i++) enterA(up.data[3 * i + 1], up.data[3 * i + 2]);
    // Entries of B \ A that leave B, and entries of C that enter B \ A (not A).
    for (let j = 0; j < entering; j++) {
      const p = low.data[3 * j + 2];
      if (p >= kA) {
        theta[flats[p]] = values[p];
        restPatch.removals.push(p);
      }
    }
    for (let e = 0; e < entering; e++) {
      const flat = this.reserveAt(e, 1);
      if (!joinsA[e]) restPatch.insertions.push(flat, this.fresh(theta, flat, width));
    }
    const enteredA = forwardPatch.insertions.length;
    forwardPatch.removals.sortByFirst();
    forwardPatch.insertions.sortByFirst();
    restPatch.removals.sortByFirst();
    restPatch.insertions.sortByFirst();
    const arrays = [values, ...states];
    const forwardTarget: PatchTarget = {
      flats,
      pattern: target.forwardSet,
      arrays,
      base: 0,
      length: kA,
    };
    const restTarget: PatchTarget = {
      flats,
      pattern: target.backwardOnlySet,
      arrays,
      base: kA,
      length: target.backwardCount - kA,
    };
    forwardPatch.apply(forwardTarget, this.payload);
    restPatch.apply(restTarget, this.payload);
    this.updateReserve(entering);
    if (need > 0) this.center = band.data[3 * (need - 1)];
    if (band.length > BAND_LIMIT) this.halfWidth = Math.max(1, this.halfWidth >> 1);
    return enteredA;
  }

  /** A payload slot holding entry p's value and optimizer state. */
  private carry(values: Float32Array, states: Float32Array[], p: number, width: number): number {
    const slot = this.reserveSlot(width);
    this.payload[slot * width] = values[p];
    for (let s = 0; s < states.length; s++) this.payload[slot * width + 1 + s] = states[s][p];
    return slot;
  }

  /** A payload slot holding θ[flat] and zero optimizer state (an entry entering B). */
  private fresh(theta: Float32Array, flat: number, width: number): number {
    const slot = this.reserveSlot(width);
    this.payload[slot * width] = theta[flat];
    for (let s = 1; s < width; s++) this.payload[slot * width + s] = 0;
    return slot;
  }

  private reserveSlot(width: number): number {
    const slot = this.payloadSlots++;
    if ((slot + 1) * width > this.payload.length) {
      const grown = new Float32Array(this.payload.length * 2 + width);
      grown.set(this.payload);
      this.payload = grown;
    }
    return slot;
  }

  /** Entries of C in the reserve (after head). */
  private reserveCount(): number {
    return this.reserve.length - this.head;
  }

  /** Field (0: key, 1: flat) of the reserve's e-th best entry. */
  private reserveAt(e: number, field: number): number {
    return this.reserve.data[2 * (this.head + e) + field];
  }

  /**
   * Drops the `entering` entries from the reserve's front (head moves past them) and merges in the entries
   * that left B (low's worst `entering`), those at or above the floor, into the slots just freed: the merge
   * touches the leavers and the reserve entries that rank above the worst of them, not the whole reserve.
   */
  private updateReserve(entering: number): void {
    if (entering === 0) return;
    const { low } = this;
    const data = this.reserve.data;
    this.head += entering;
    // Leavers best first (low is worst first), stopping at the first below the floor: it and worse stay in C.
    let kept = 0;
    while (kept < entering) {
      const j = entering - 1 - kept;
      if (ranksAbove(this.floorKey, this.floorFlat, low.data[3 * j], low.data[3 * j + 1])) break;
      kept++;
    }
    const end = this.reserve.length;
    let write = this.head - kept;
    let r = this.head;
    for (let taken = 0; taken < kept; ) {
      const j = entering - 1 - taken;
      const [key, flat] = [low.data[3 * j], low.data[3 * j + 1]];
      if (r < end && ranksAbove(data[2 * r], data[2 * r + 1], key, flat)) {
        data[2 * write] = data[2 * r];
        data[2 * write + 1] = data[2 * r + 1];
        r++;
      } else {
        data[2 * write] = key;
        data[2 * write + 1] = flat;
        taken++;
      }
      write++;
    }
    this.head -= kept;
  }
}

/** The top-k of θ restricted to `flats` (ascending), ascending: rank within the subset is rank in θ. */
function topOf(theta: Float32Array, flats: Int32Array, k: number): Int32Array {
  const gathered = new Float32Array(flats.length);
  for (let i = 0; i < flats.length; i++) gathered[i] = theta[flats[i]];
  const positions = selectTopKByMagnitude(gathered, k);
  const out = new Int32Array(k);
  for (let i = 0; i < k; i++) out[i] = flats[positions[i]];
  return out;
}

/** Whether a sorted list of positions holds p. */
function contains(list: RecordList, p: number): boolean {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list.data[mid] < p) lo = mid + 1;
    else hi = mid;
  }
  return lo < list.length && list.data[lo] === p;
}

function throwNaN(name: string, flat: number): never {
  throw new Error(
    `SparseWeight ${name}: entry ${flat} is NaN: the weights diverged (lower the learning rate or check the loss)`,
  );
}

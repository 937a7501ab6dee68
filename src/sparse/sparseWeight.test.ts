import { describe, expect, it } from 'vitest';
import { engine } from '../kernels/engine.js';
import { SparseWeight } from './sparseWeight.js';

const theta = Float32Array.from([0.9, -0.1, 0.5, -0.3, 0.7, 0.05, -0.2, 0.6, 0.0, 0.45]);

function weight(): SparseWeight {
  // 2×5 matrix; the spec's check sets: A = {0, 4}, B = {0, 2, 4, 7, 9}.
  return new SparseWeight({
    name: 'w',
    rows: 2,
    cols: 5,
    theta,
    forward: Int32Array.from([0, 4]),
    backward: Int32Array.from([0, 2, 4, 7, 9]),
  });
}

describe('SparseWeight', () => {
  it('holds values for B only, A first, so A is read in place', () => {
    const w = weight();
    expect(Array.from(w.entryIndices)).toEqual([0, 4, 2, 7, 9]);
    expect(Array.from(w.values)).toEqual(Array.from([0.9, 0.7, 0.5, 0.6, 0.45], Math.fround));
    expect(Array.from(w.forwardIndices())).toEqual([0, 4]);
    expect(Array.from(w.backwardIndices())).toEqual([0, 2, 4, 7, 9]);
    expect(Array.from(w.forwardValues)).toEqual([Math.fround(0.9), Math.fround(0.7)]);
    expect(w.forwardValues.buffer).toBe(w.values.buffer);
    expect(Array.from(w.forwardSet.rowOffsets)).toEqual([0, 2, 2]);
    expect(Array.from(w.forwardSet.columnIndices)).toEqual([0, 4]);
    expect(Array.from(w.backwardOnlySet.rowOffsets)).toEqual([0, 1, 3]);
    expect(Array.from(w.backwardOnlySet.columnIndices)).toEqual([2, 2, 4]);
    expect(Array.from(w.forwardDense())).toEqual(Array.from([0.9, 0, 0, 0, 0.7, 0, 0, 0, 0, 0], Math.fround));
    w.dispose();
  });

  it('exports the current A after an update', () => {
    const w = weight();
    w.values[0] = 0.25; // an optimizer step on A's first entry, with no forward pass since
    expect(w.forwardDense()[0]).toBe(0.25);
    w.dispose();
  });

  it('refresh writes B back into θ, keeps the state of staying entries and zeroes entering ones', () => {
    const w = weight();
    w.state.set('velocity', copyToHeap(Float32Array.from([10, 11, 12, 13, 14])));
    w.values[2] = 1.5; // flat entry 2 (third in entry order: A = {0, 4} comes first) was trained
    // New B = {2, 3, 4, 8}: entries 2 and 4 stay, 3 and 8 enter. New A = {2}.
    w.setSets(Int32Array.from([2]), Int32Array.from([2, 3, 4, 8]));
    expect(Array.from(w.backwardIndices())).toEqual([2, 3, 4, 8]);
    expect(Array.from(w.entryIndices)).toEqual([2, 3, 4, 8]);
    expect(Array.from(w.values)).toEqual(Array.from([1.5, -0.3, 0.7, 0.0], Math.fround));
    // Velocity followed its entries: flat 2 had 12 (position 2), flat 4 had 11 (position 1).
    expect(Array.from(w.state.get('velocity')!)).toEqual([12, 0, 11, 0]);
    expect(Array.from(w.forwardValues)).toEqual([1.5]);
    expect(w.grads.length).toBe(4);
    // Entries outside every B (1, 5, 6) never changed; entries that left B (0, 7, 9) kept their last values.
    const current = w.syncTheta();
    expect(current[0]).toBe(Math.fround(0.9));
    expect(current[1]).toBe(Math.fround(-0.1));
    expect(current[2]).toBe(1.5);
    w.dispose();
  });

  it("exposes A's and B \\ A's values and gradients as views, and writes θ back once per change", () => {
    const w = weight();
    expect(Array.from(w.backwardOnlyValues)).toEqual(Array.from([0.5, 0.6, 0.45], Math.fround));
    w.grads.set([1, 2, 3, 4, 5]);
    expect(Array.from(w.forwardGrads)).toEqual([1, 2]);
    expect(Array.from(w.backwardOnlyGrads)).toEqual([3, 4, 5]);
    expect(w.backwardOnlyGrads.buffer).toBe(w.grads.buffer);
    w.values[2] = 0.125; // an optimizer step on B \ A's first entry (flat index 2)
    expect(w.syncTheta()[2]).toBe(0.125);
    w.theta[2] = -1; // θ written behind the weight's back: the values were not handed out since the write-back
    expect(w.syncTheta()[2]).toBe(-1);
    expect(w.backwardOnlyValues[0]).toBe(0.125); // handed out: the next syncTheta writes them back
    expect(w.syncTheta()[2]).toBe(0.125);
    w.dispose();
  });

  it('forms a dense gradient only while one is requested', () => {
    const w = weight();
    expect(w.denseGradient).toBeNull();
    w.requestDenseGradient();
    const gradient = w.denseGradient!;
    expect(Array.from(gradient)).toEqual(new Array(10).fill(0));
    w.requestDenseGradient();
    expect(w.denseGradient).toBe(gradient);
    w.releaseDenseGradient();
    expect(w.denseGradient).toBeNull();
    w.dispose();
  });

  it('refuses a forward set outside the backward set and an empty forward set', () => {
    expect(
      () =>
        new SparseWeight({
          name: 'w',
          rows: 2,
          cols: 5,
          theta,
          forward: Int32Array.from([1]),
          backward: Int32Array.from([0, 2]),
        }),
    ).toThrow(/A ⊆ B/);
    expect(
      () =>
        new SparseWeight({
          name: 'w',
          rows: 2,
          cols: 5,
          theta,
          forward: new Int32Array(0),
          backward: Int32Array.from([0]),
        }),
    ).toThrow(/at least one entry/);
    expect(
      () =>
        new SparseWeight({
          name: 'w',
          rows: 3,
          cols: 5,
          theta,
          forward: Int32Array.from([0]),
          backward: Int32Array.from([0]),
        }),
    ).toThrow(/3×5 matrix needs 15/);
  });

  it('counts hot memory on B and A, θ, the index lists, and the dense equivalent', () => {
    const w = weight();
    w.state.set('m', copyToHeap(new Float32Array(5)));
    w.state.set('v', copyToHeap(new Float32Array(5)));
    const memory = w.memory();
    // floats: 5·(2 + 2) = 20; ints: two row-offset arrays 2·3, one column index per entry of B, 5.
    expect(memory.hotBytes).toBe(4 * (20 + 11));
    expect(memory.masterBytes).toBe(40);
    // The entry list and B's sorted flat indices: 5 int32 each.
    expect(memory.indexBytes).toBe(40);
    expect(memory.totalBytes).toBe(4 * 31 + 40 + 40);
    expect(memory.denseEquivalentBytes).toBe(4 * 10 * 4);
    w.dispose();
  });
});

/** A heap copy of `values`, as an optimizer would create state. */
function copyToHeap(values: Float32Array): Float32Array {
  const array = engine().heap.allocF32(values.length);
  array.set(values);
  return array;
}

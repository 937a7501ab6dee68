import { describe, expect, it } from 'vitest';
import { engine } from '../kernels/engine.js';
import { SparseWeight } from '../sparse/sparseWeight.js';
import { setEnteringState } from './enteringState.js';

/** A 2×5 weight with B = {0, 2, 4, 7, 9} (A = {0, 4}) and a momentum array 1, 2, 3, 4, 5 in entry order. */
function weightWithState(): SparseWeight {
  const w = new SparseWeight({
    name: 'w',
    rows: 2,
    cols: 5,
    theta: Float32Array.from({ length: 10 }, (_, i) => i + 1),
    forward: Int32Array.from([0, 4]),
    backward: Int32Array.from([0, 2, 4, 7, 9]),
  });
  const momentum = engine().heap.allocF32(5);
  momentum.set([1, 2, 3, 4, 5]); // entries 0, 4, 2, 7, 9
  w.state.set('momentum', momentum);
  return w;
}

describe('entering optimizer state', () => {
  it("'zero' (the default) leaves entering entries at zero state", () => {
    const w = weightWithState();
    const before = w.backwardIndices().slice();
    w.setSets(Int32Array.from([0, 4]), Int32Array.from([0, 1, 4, 8, 9]));
    setEnteringState(w, before, 'zero');
    // entries 0, 4 (A), then 1, 8, 9: 1 and 8 entered.
    expect(Array.from(w.state.get('momentum')!)).toEqual([1, 2, 0, 0, 5]);
    w.dispose();
  });

  it("'mean' gives entering entries the mean state of the entries that stayed", () => {
    const w = weightWithState();
    const before = w.backwardIndices().slice();
    w.setSets(Int32Array.from([0, 4]), Int32Array.from([0, 1, 4, 8, 9]));
    setEnteringState(w, before, 'mean');
    const mean = (1 + 2 + 5) / 3; // entries 0, 4 and 9 stayed
    expect(Array.from(w.state.get('momentum')!)).toEqual([1, 2, mean, mean, 5].map(Math.fround));
    w.dispose();
  });
});

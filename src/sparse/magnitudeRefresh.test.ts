import { describe, expect, it, vi } from 'vitest';
import { engine } from '../kernels/engine.js';
import { Random } from '../util/random.js';
import { MagnitudeRefresh } from './magnitudeRefresh.js';
import { SparseWeight } from './sparseWeight.js';
import { selectTopKByMagnitude } from './topk.js';

/** A weight with the full magnitude sets of `theta` and two optimizer state arrays. */
function twin(theta: Float32Array, rows: number, cols: number, kA: number, kB: number): SparseWeight {
  const backward = selectTopKByMagnitude(theta, kB);
  const inB = Float32Array.from(backward, (flat) => theta[flat]);
  const forward = Int32Array.from(selectTopKByMagnitude(inB, kA), (p) => backward[p]);
  const w = new SparseWeight({ name: 'w', rows, cols, theta, forward, backward });
  for (const key of ['firstMoment', 'secondMoment']) w.state.set(key, engine().heap.allocF32(kB));
  return w;
}

/** Values on a grid of `levels` steps (ties), occasionally ±0, else continuous. */
function draw(random: Random, scale: number, levels: number): number {
  const x = (random.next() * 2 - 1) * scale;
  if (levels > 0) return Math.round(x * levels) / levels;
  return random.next() < 0.01 ? (random.next() < 0.5 ? 0 : -0) : x;
}

/** Moves B's values and state the same way in both weights (by flat index, so entry order is irrelevant). */
function update(weights: SparseWeight[], step: number, seed: number, scale: number, levels: number): void {
  for (const w of weights) {
    const random = new Random(seed).fork(`step${step}`);
    const moves = new Float32Array(w.size);
    for (let i = 0; i < w.size; i++) moves[i] = draw(random, scale, levels);
    const flats = w.entryIndices;
    const [m, v] = [w.state.get('firstMoment') as Float32Array, w.state.get('secondMoment') as Float32Array];
    for (let p = 0; p < flats.length; p++) {
      const flat = flats[p];
      w.values[p] =
        levels > 0 ? Math.round((w.values[p] + moves[flat]) * levels) / levels : w.values[p] + moves[flat];
      m[p] += moves[flat];
      v[p] += Math.abs(moves[flat]);
    }
  }
}

function expectSame(a: SparseWeight, b: SparseWeight, where: string): void {
  const bits = (x: Float32Array) => Array.from(new Int32Array(Float32Array.from(x).buffer));
  expect(Array.from(a.entryIndices), where).toEqual(Array.from(b.entryIndices));
  expect(bits(a.values), where).toEqual(bits(b.values));
  for (const key of ['firstMoment', 'secondMoment']) {
    expect(bits(a.state.get(key) as Float32Array), `${where} ${key}`).toEqual(
      bits(b.state.get(key) as Float32Array),
    );
  }
  for (const pattern of ['forwardSet', 'backwardOnlySet'] as const) {
    expect(Array.from(a[pattern].rowOffsets), `${where} ${pattern}`).toEqual(
      Array.from(b[pattern].rowOffsets),
    );
    expect(Array.from(a[pattern].columnIndices), `${where} ${pattern}`).toEqual(
      Array.from(b[pattern].columnIndices),
    );
  }
  expect(bits(a.syncTheta()), where).toEqual(bits(b.syncTheta()));
}

const cases = [
  // rows, cols, kA, kB, move scale, tie grid (0: continuous)
  { rows: 7, cols: 9, kA: 6, kB: 19, scale: 0.05, levels: 0 },
  { rows: 16, cols: 33, kA: 50, kB: 160, scale: 0.02, levels: 0 },
  { rows: 16, cols: 33, kA: 50, kB: 160, scale: 0.1, levels: 16 },
  { rows: 12, cols: 20, kA: 48, kB: 240, scale: 0.03, levels: 0 }, // B = everything (80%/0%)
  { rows: 12, cols: 20, kA: 60, kB: 60, scale: 0.03, levels: 0 }, // A = B
  { rows: 30, cols: 5, kA: 1, kB: 3, scale: 0.1, levels: 8 }, // one entry, heavy ties
  { rows: 40, cols: 40, kA: 80, kB: 640, scale: 0.3, levels: 0 }, // large moves; the reserve holds all of C
  { rows: 40, cols: 40, kA: 80, kB: 640, scale: 0.002, levels: 0 },
  // C larger than the reserve (4096), small moves: the reserve's floor and merges are exercised
  { rows: 100, cols: 90, kA: 400, kB: 1200, scale: 0.01, levels: 0 },
  // moves so large that the swaps run past the reserve: selections from scratch in between
  { rows: 100, cols: 110, kA: 1500, kB: 6000, scale: 2, levels: 0, startsOver: true },
];

describe('refreshByMagnitude', () => {
  it.each(cases)(
    'incremental equals selecting from scratch, bit for bit, over 60 random updates ($rows×$cols, kA $kA, kB $kB, moves $scale, grid $levels)',
    ({ rows, cols, kA, kB, scale, levels, startsOver }) => {
      const random = new Random(rows * 1000 + cols);
      const theta = Float32Array.from({ length: rows * cols }, () => draw(random, 1, levels));
      const incremental = twin(theta, rows, cols, kA, kB);
      const scratch = twin(theta, rows, cols, kA, kB);
      const fromScratch = vi.spyOn(MagnitudeRefresh.prototype, 'selectFromScratch');
      let moved = 0;
      let incrementalCalls = 0;
      for (let step = 0; step < 60; step++) {
        update([incremental, scratch], step, 7, scale, levels);
        fromScratch.mockClear();
        const entered = incremental.refreshByMagnitude(kA, kB);
        incrementalCalls += fromScratch.mock.calls.length === 0 ? 1 : 0;
        expect(scratch.refreshByMagnitude(kA, kB, false), `step ${step}`).toBe(entered);
        expectSame(incremental, scratch, `step ${step}`);
        moved += entered;
      }
      fromScratch.mockRestore();
      expect(moved).toBeGreaterThan(0);
      // Most refreshes took the incremental path (the first one, and a few after big moves, start over); with
      // the largest moves some had to select from scratch.
      if (startsOver) expect(incrementalCalls).toBeLessThan(60);
      expect(incrementalCalls).toBeGreaterThan(startsOver ? 5 : 40);
      incremental.dispose();
      scratch.dispose();
    },
  );

  it('refuses a NaN value, naming the entry', () => {
    const theta = Float32Array.from({ length: 20 }, (_, i) => i / 20);
    const w = twin(theta, 4, 5, 2, 6);
    w.refreshByMagnitude(2, 6);
    w.values[3] = Number.NaN;
    expect(() => w.refreshByMagnitude(2, 6)).toThrow(/entry \d+ is NaN/);
    w.dispose();
  });

  it('patches the same heap arrays in place once warm', () => {
    const random = new Random(3);
    const theta = Float32Array.from({ length: 400 }, () => random.next() - 0.5);
    const w = twin(theta, 20, 20, 40, 120);
    for (let step = 0; step < 3; step++) {
      update([w], step, 1, 0.01, 0);
      w.refreshByMagnitude(40, 120);
    }
    const { heap } = engine();
    const [allocated, reserved] = [heap.allocatedBytes, heap.reservedBytes];
    const patterns = [w.forwardSet.columnIndices, w.backwardOnlySet.columnIndices, w.values];
    for (let step = 3; step < 12; step++) {
      update([w], step, 1, 0.01, 0);
      w.refreshByMagnitude(40, 120);
    }
    expect([heap.allocatedBytes, heap.reservedBytes]).toEqual([allocated, reserved]);
    // Patched in place: the kernels' arrays are the same heap arrays.
    expect([w.forwardSet.columnIndices, w.backwardOnlySet.columnIndices, w.values]).toEqual(patterns);
    expect(w.forwardSet.columnIndices).toBe(patterns[0]);
    w.dispose();
  });
});

import { setFlagsFromString } from 'node:v8';
import { beforeAll, describe, expect, it } from 'vitest';
import { Random } from '../util/random.js';
import { createSharedMemory, Heap } from './heap.js';
import { causalProbsSize, im2colCounts, type Kernels } from './kernels.js';
import { referenceKernels as ref } from './reference/index.js';
import { instantiateWasmKernels, type WasmVariant } from './wasm.js';

// Node 20 validates relaxed SIMD only behind a V8 flag; setting it before the first compile lets this process
// test the relaxed build too. A runtime that still refuses it skips that build, with the reason printed; the
// plain SIMD build is never skipped.
setFlagsFromString('--experimental-wasm-relaxed-simd');

const SIZES = [1, 3, 7, 17, 33, 64, 129];

/** Entries of `got` within rtol·(|want| + scaleOf[i]) + 1e-30 of `want`; scaleOf defaults to |want|. */
function expectClose(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  rtol: number,
  magnitude?: ArrayLike<number>,
) {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const scale = Math.abs(want[i]) + (magnitude ? Math.abs(magnitude[i]) : 0);
    const error = Math.abs(got[i] - want[i]);
    if (!(error <= rtol * scale + 1e-30)) {
      throw new Error(`entry ${i}: got ${got[i]}, want ${want[i]} (error ${error}, allowed ${rtol * scale})`);
    }
  }
}

for (const variant of ['simd', 'relaxed'] as WasmVariant[]) {
  describe(`wasm kernels, ${variant} build`, () => {
    let kernels: Kernels;
    let heap: Heap;
    let random: Random;
    let supported = true;

    beforeAll(() => {
      try {
        const memory = createSharedMemory(16);
        const instance = instantiateWasmKernels(memory, variant);
        kernels = instance.kernels;
        heap = new Heap(memory, instance.heapBase);
      } catch (error) {
        // The plain SIMD build is what every engine runs on: failing to load it fails the suite.
        if (variant === 'simd') throw error;
        supported = false;
        console.log(`skipping the ${variant} build: ${(error as Error).message}`);
      }
      random = new Random(7);
    });

    const filled = (n: number, spread = 1) => {
      const view = heap.allocF32(n);
      for (let i = 0; i < n; i++) view[i] = spread * random.normal();
      return view;
    };
    const copy = (view: Float32Array) => {
      const out = heap.allocF32(view.length);
      out.set(view);
      return out;
    };
    const labels = (classes: number, batch: number) => {
      const view = heap.allocI32(batch);
      for (let b = 0; b < batch; b++) view[b] = random.nextInt(classes);
      return view;
    };

    it('names itself after the build', ({ skip }) => {
      if (!supported) skip();
      expect(kernels.name).toBe(variant === 'relaxed' ? 'wasm-relaxed-simd' : 'wasm-simd');
    });

    const shapes: Array<[number, number, number]> = [
      [1, 1, 1],
      [3, 7, 17],
      [129, 33, 64],
      [64, 129, 1],
      [1, 129, 129],
      [33, 64, 7],
      [17, 3, 129],
      [7, 17, 33],
      [4, 8, 8],
      [9, 300, 520], // crosses the k-block (256) and column-block (512) boundaries
    ];
    for (let t = 0; t < 6; t++) {
      const pick = () => SIZES[(t * 5 + shapes.length * 3) % SIZES.length];
      shapes.push([pick(), SIZES[(t * 3 + 1) % SIZES.length], SIZES[(t * 2 + 4) % SIZES.length]]);
    }
    for (const form of ['NN', 'TN', 'NT'] as const) {
      it(`matmul ${form} matches the reference on every shape, overwriting and accumulating`, ({ skip }) => {
        if (!supported) skip();
        for (const [m, k, n] of shapes) {
          for (const accumulate of [false, true]) {
            const a = filled(m * k);
            const b = filled(k * n);
            const c = filled(m * n);
            const want = copy(c);
            kernels[`matmul${form}`]({ a, b, c, m, k, n, accumulate });
            ref[`matmul${form}`]({ a, b, c: want, m, k, n, accumulate });
            // Error bound: a few ulps of Σ|a||b| (the magnitude of the sum before cancellation).
            const magnitude = heap.allocF32(m * n);
            const [absA, absB] = [a.map(Math.abs), b.map(Math.abs)];
            ref[`matmul${form}`]({ a: absA, b: absB, c: magnitude, m, k, n, accumulate: false });
            expectClose(c, want, 1e-5, magnitude);
          }
        }
      });
    }

    it('matmul with k = 0 writes zeros, or leaves C when accumulating', ({ skip }) => {
      if (!supported) skip();
      const empty = heap.allocF32(0);
      const c = filled(3 * 5);
      const before = Array.from(c);
      kernels.matmulNN({ a: empty, b: empty, c, m: 3, k: 0, n: 5, accumulate: true });
      expect(Array.from(c)).toEqual(before);
      kernels.matmulNN({ a: empty, b: empty, c, m: 3, k: 0, n: 5, accumulate: false });
      expect(Array.from(c)).toEqual(new Array(15).fill(0));
    });

    it('matmul leaves the entries around C untouched', ({ skip }) => {
      if (!supported) skip();
      const [m, k, n] = [5, 6, 11];
      const a = filled(m * k);
      const b = filled(k * n);
      const padded = heap.allocF32(m * n + 8).fill(42);
      const c = padded.subarray(4, 4 + m * n);
      kernels.matmulNN({ a, b, c, m, k, n, accumulate: false });
      expect([...padded.subarray(0, 4), ...padded.subarray(4 + m * n)]).toEqual(new Array(8).fill(42));
    });

    it('matmul has no form with both operands transposed, and refuses arrays outside the heap or too short', ({
      skip,
    }) => {
      if (!supported) skip();
      const a = filled(6);
      expect(Object.keys(kernels).filter((name) => name.startsWith('matmul'))).toEqual([
        'matmulNN',
        'matmulTN',
        'matmulNT',
      ]);
      expect(() =>
        kernels.matmulNN({ a: new Float32Array(6), b: a, c: a, m: 2, k: 3, n: 2, accumulate: false }),
      ).toThrow(/kernel heap/);
      expect(() => kernels.matmulNN({ a, b: a, c: a, m: 3, k: 3, n: 3, accumulate: false })).toThrow(
        /a has 6 entries/,
      );
    });

    it('accepts views made after the memory grew', ({ skip }) => {
      if (!supported) skip();
      const x = filled(4);
      heap.allocF32(16 * 65536); // forces growth: later views are on a new SharedArrayBuffer object
      const y = filled(4);
      expect(y.buffer).not.toBe(x.buffer);
      const out = heap.allocF32(4);
      kernels.add({ a: x, b: y, out, n: 4 });
      expect(Array.from(out)).toEqual(Array.from(x).map((v, i) => Math.fround(v + y[i])));
    });

    it('a second instance on the same memory packs in its own scratch region (as a worker would)', ({
      skip,
    }) => {
      if (!supported) skip();
      const second = instantiateWasmKernels(heap.memory, variant);
      const exports = second.exports as { scratchBytes(): number; setScratch(at: number): void };
      const bytes = exports.scratchBytes();
      const own = heap.allocU8(bytes);
      exports.setScratch(own.byteOffset);
      const defaultRegion = new Uint8Array(heap.memory.buffer, second.heapBase - bytes, bytes);
      defaultRegion.fill(7);
      const [m, k, n] = [33, 40, 17];
      const a = filled(m * k);
      const b = filled(k * n);
      const c = heap.allocF32(m * n);
      const want = heap.allocF32(m * n);
      second.kernels.matmulNT({ a, b, c, m, k, n, accumulate: false });
      ref.matmulNT({ a, b, c: want, m, k, n, accumulate: false });
      expectClose(
        c,
        want,
        1e-5,
        c.map(() => 10),
      );
      expect(defaultRegion.every((byte) => byte === 7)).toBe(true);
      expect(own.some((byte) => byte !== 0)).toBe(true);
    });

    const lengths = [0, ...SIZES, 1031];

    it('elementwise kernels match the reference at every length', ({ skip }) => {
      if (!supported) skip();
      for (const n of lengths) {
        const a = filled(n);
        const b = filled(n);
        const out = heap.allocF32(n);
        const want = heap.allocF32(n);
        for (const op of ['add', 'mul'] as const) {
          kernels[op]({ a, b, out, n });
          ref[op]({ a, b, out: want, n });
          expect(Array.from(out)).toEqual(Array.from(want));
        }
        kernels.scale({ a, s: -1.5, out, n });
        ref.scale({ a, s: -1.5, out: want, n });
        expect(Array.from(out)).toEqual(Array.from(want));
        kernels.relu({ x: a, out, n });
        ref.relu({ x: a, out: want, n });
        expect(Array.from(out)).toEqual(Array.from(want));
        const y = copy(b);
        kernels.axpy({ alpha: 0.25, x: a, y, n });
        ref.axpy({ alpha: 0.25, x: a, y: b, n });
        expectClose(y, b, 1e-6, a);
      }
    });

    it('flagOutside finds the same indices as the reference on odd sizes, with ties, ±0, infinity and NaN', ({
      skip,
    }) => {
      if (!supported) skip();
      const key = (x: number) => new Int32Array(Float32Array.of(x).buffer)[0] & 0x7fffffff;
      for (const n of [0, 1, 3, 4, 7, 33]) {
        const values = heap.allocF32(n);
        for (let i = 0; i < n; i++)
          values[i] = [0.5, -0.25, 0, -0, 2, -2, Infinity, Number.NaN, 0.3][i % 9] * (1 + (i % 4));
        for (const [below, above] of [
          [-1, key(1)],
          [key(0.5), key(2)],
          [key(0.25), 0x7f800001],
          [-1, 0x7fffffff],
        ]) {
          for (const capacity of [0, 2, n]) {
            const out = heap.allocI32(Math.max(1, capacity));
            const want = new Int32Array(Math.max(1, capacity));
            const count = kernels.flagOutside({ values, n, below, above, out, capacity });
            expect(count).toBe(ref.flagOutside({ values, n, below, above, out: want, capacity }));
            expect(Array.from(out.subarray(0, Math.min(count, capacity)))).toEqual(
              Array.from(want.subarray(0, Math.min(count, capacity))),
            );
            heap.free(out);
          }
        }
        heap.free(values);
      }
    });

    it('moveRuns moves the kept runs of a sorted list like the reference', ({ skip }) => {
      if (!supported) skip();
      // 12 entries; remove 2 and 9, insert before 0 and before 7: runs [0,2)+1, [3,7)+0, [7,9)+1, [10,12)+0.
      const runs = heap.allocI32(12);
      runs.set([0, 2, 1, 3, 7, 0, 7, 9, 1, 10, 12, 0]);
      const values = heap.allocF32(12);
      const ints = heap.allocI32(12);
      for (let i = 0; i < 12; i++) {
        values[i] = i + 0.5;
        ints[i] = i;
      }
      const [wantValues, wantInts] = [Float32Array.from(values), Int32Array.from(ints)];
      kernels.moveRuns({ array: values, runs, runCount: 4 });
      kernels.moveRuns({ array: ints, runs, runCount: 4 });
      ref.moveRuns({ array: wantValues, runs, runCount: 4 });
      ref.moveRuns({ array: wantInts, runs, runCount: 4 });
      expect(Array.from(ints)).toEqual(Array.from(wantInts));
      expect(Array.from(values)).toEqual(Array.from(wantValues));
      expect(Array.from(ints)).toEqual([0, 0, 1, 3, 4, 5, 6, 7, 7, 8, 10, 11]);
      runs.set([0, 12, 1], 0);
      expect(() => kernels.moveRuns({ array: values, runs, runCount: 1 })).toThrow(/needs 13/);
      for (const array of [runs, values, ints]) heap.free(array);
    });

    it('reluBackward and geluBackward match the reference, overwriting and accumulating', ({ skip }) => {
      if (!supported) skip();
      for (const n of lengths) {
        const x = filled(n, 3);
        const dy = filled(n);
        for (const accumulate of [false, true]) {
          const dx = filled(n);
          const want = copy(dx);
          kernels.reluBackward({ x, dy, dx, n, accumulate });
          ref.reluBackward({ x, dy, dx: want, n, accumulate });
          expectClose(dx, want, 1e-7);
          const gx = filled(n);
          const gwant = copy(gx);
          kernels.geluBackward({ x, dy, dx: gx, n, accumulate });
          ref.geluBackward({ x, dy, dx: gwant, n, accumulate });
          expectClose(gx, gwant, 2e-6, dy);
        }
      }
    });

    it('gelu matches the tanh-approximation reference, from large negative to large positive inputs', ({
      skip,
    }) => {
      if (!supported) skip();
      for (const n of lengths) {
        const x = filled(n, 3);
        const out = heap.allocF32(n);
        const want = heap.allocF32(n);
        kernels.gelu({ x, out, n });
        ref.gelu({ x, out: want, n });
        expectClose(out, want, 2e-6, x);
      }
      const extremes = heap.allocF32(6);
      extremes.set([-100, -12, -1e-6, 0, 1e-6, 100]);
      const out = heap.allocF32(6);
      kernels.gelu({ x: extremes, out, n: 6 });
      expectClose(out, [-0, -0, -5e-7, 0, 5e-7, 100], 1e-5, extremes);
    });

    it('biasGelu and biasRelu match the reference and the unfused kernels, forward and backward', ({
      skip,
    }) => {
      if (!supported) skip();
      for (const rows of [1, 3, 17]) {
        for (const cols of [0, 1, 3, 7, 33, 129]) {
          const n = rows * cols;
          const x = filled(n, 3);
          const bias = filled(rows);
          const dy = filled(n);
          const z = heap.allocF32(n);
          kernels.addRowBias({ x, bias, out: z, rows, cols });
          const unfused = heap.allocF32(n);
          const fused = heap.allocF32(n);
          const want = heap.allocF32(n);
          // GELU: the bits of addRowBias then gelu, within 2e-6 of the reference.
          kernels.gelu({ x: z, out: unfused, n });
          const [slope, wantSlope] = [heap.allocF32(n), heap.allocF32(n)];
          kernels.biasGelu({ x, bias, out: fused, slope, rows, cols });
          ref.biasGelu({ x, bias, out: want, slope: wantSlope, rows, cols });
          expect(Array.from(fused)).toEqual(Array.from(unfused));
          expectClose(fused, want, 2e-6, z);
          expectClose(slope, wantSlope, 2e-6, heap.allocF32(n).fill(1));
          kernels.biasGelu({ x, bias, out: unfused, slope: null, rows, cols });
          expect(Array.from(unfused)).toEqual(Array.from(fused));
          // ReLU: exact.
          kernels.biasRelu({ x, bias, out: fused, rows, cols });
          ref.biasRelu({ x, bias, out: want, rows, cols });
          expect(Array.from(fused)).toEqual(Array.from(want));
          const magnitude = heap.allocF32(rows);
          ref.rowSums({ x: dy.map(Math.abs), out: magnitude, rows, cols, accumulate: false });
          for (const accumulate of [false, true]) {
            const [dx, dbias] = [filled(n), filled(rows)];
            const [wantDx, wantDbias] = [copy(dx), copy(dbias)];
            kernels.biasActivationBackward({
              saved: slope,
              dy,
              dx,
              dbias,
              rows,
              cols,
              relu: false,
              accumulate,
            });
            ref.biasActivationBackward({
              saved: wantSlope,
              dy,
              dx: wantDx,
              dbias: wantDbias,
              rows,
              cols,
              relu: false,
              accumulate,
            });
            expectClose(dx, wantDx, 2e-6, dy);
            expectClose(dbias, wantDbias, 1e-5, magnitude);
            const [rx, rbias] = [filled(n), filled(rows)];
            const [wantRx, wantRbias] = [copy(rx), copy(rbias)];
            kernels.biasActivationBackward({
              saved: want,
              dy,
              dx: rx,
              dbias: rbias,
              rows,
              cols,
              relu: true,
              accumulate,
            });
            ref.biasActivationBackward({
              saved: want,
              dy,
              dx: wantRx,
              dbias: wantRbias,
              rows,
              cols,
              relu: true,
              accumulate,
            });
            expectClose(rx, wantRx, 1e-7);
            expectClose(rbias, wantRbias, 1e-6, magnitude);
          }
        }
      }
    });

    it('addRowBias and rowSums match the reference on every shape', ({ skip }) => {
      if (!supported) skip();
      for (const rows of [1, 3, 17]) {
        for (const cols of lengths) {
          const x = filled(rows * cols);
          const bias = filled(rows);
          const out = heap.allocF32(rows * cols);
          const want = heap.allocF32(rows * cols);
          kernels.addRowBias({ x, bias, out, rows, cols });
          ref.addRowBias({ x, bias, out: want, rows, cols });
          expect(Array.from(out)).toEqual(Array.from(want));
          for (const accumulate of [false, true]) {
            const sums = filled(rows);
            const wantSums = copy(sums);
            kernels.rowSums({ x, out: sums, rows, cols, accumulate });
            ref.rowSums({ x, out: wantSums, rows, cols, accumulate });
            const magnitude = heap.allocF32(rows);
            ref.rowSums({ x: x.map(Math.abs), out: magnitude, rows, cols, accumulate: false });
            expectClose(sums, wantSums, 1e-6, magnitude);
          }
        }
      }
    });

    it('layerNorm and its backward match the reference on every shape, overwriting and accumulating', ({
      skip,
    }) => {
      if (!supported) skip();
      for (const rows of [1, 3, 17]) {
        for (const cols of lengths) {
          const [x, gain, bias, dy] = [
            filled(rows * cols, 3),
            filled(rows),
            filled(rows),
            filled(rows * cols),
          ];
          const outputs = () => [heap.allocF32(rows * cols), heap.allocF32(rows * cols), heap.allocF32(cols)];
          const [out, normalized, inverseStd] = outputs();
          const [wantOut, wantNormalized, wantInverseStd] = outputs();
          kernels.layerNorm({ x, gain, bias, out, normalized, inverseStd, rows, cols, eps: 1e-5 });
          ref.layerNorm({
            x,
            gain,
            bias,
            out: wantOut,
            normalized: wantNormalized,
            inverseStd: wantInverseStd,
            rows,
            cols,
            eps: 1e-5,
          });
          expectClose(out, wantOut, 1e-4, heap.allocF32(rows * cols).fill(1));
          expectClose(inverseStd, wantInverseStd, 1e-5);
          for (const accumulate of [false, true]) {
            const [dx, dgain, dbias] = [filled(rows * cols), filled(rows), filled(rows)];
            const [wantDx, wantDgain, wantDbias] = [copy(dx), copy(dgain), copy(dbias)];
            const scratch = heap.allocF32(2 * cols);
            const args = { dy, gain, normalized, inverseStd, scratch, rows, cols, accumulate };
            kernels.layerNormBackward({ ...args, dx, dgain, dbias });
            ref.layerNormBackward({ ...args, dx: wantDx, dgain: wantDgain, dbias: wantDbias });
            const magnitude = heap.allocF32(rows).fill(cols);
            expectClose(dgain, wantDgain, 1e-5, magnitude);
            expectClose(dbias, wantDbias, 1e-5, magnitude);
            expectClose(dx, wantDx, 1e-4, heap.allocF32(rows * cols).fill(1));
          }
        }
      }
    });

    it('gatherHeads and scatterHeads match the reference and invert each other', ({ skip }) => {
      if (!supported) skip();
      for (const [d, length, batch, heads] of [
        [1, 1, 1, 1],
        [8, 3, 0, 2],
        [6, 5, 7, 2],
        [8, 17, 4, 2],
        [12, 3, 5, 3],
        [16, 9, 3, 2],
      ]) {
        const n = d * length * batch;
        const x = filled(n);
        const gathered = heap.allocF32(n);
        const want = heap.allocF32(n);
        kernels.gatherHeads({ x, out: gathered, d, length, batch, heads });
        ref.gatherHeads({ x, out: want, d, length, batch, heads });
        expect(Array.from(gathered)).toEqual(Array.from(want));
        const back = heap.allocF32(n);
        kernels.scatterHeads({ blocks: gathered, x: back, d, length, batch, heads, accumulate: false });
        expect(Array.from(back)).toEqual(Array.from(x));
        kernels.scatterHeads({ blocks: gathered, x: back, d, length, batch, heads, accumulate: true });
        expect(Array.from(back)).toEqual(Array.from(x, (v) => 2 * v));
      }
      expect(() =>
        kernels.gatherHeads({
          x: heap.allocF32(6),
          out: heap.allocF32(6),
          d: 6,
          length: 1,
          batch: 1,
          heads: 4,
        }),
      ).toThrow(/4 heads do not divide 6 features/);
    });

    it('causalAttention and its backward match the reference on odd lengths and head sizes', ({ skip }) => {
      if (!supported) skip();
      // Lengths below, at and across the 16-position tile; head sizes below and off the 4-lane vector.
      for (const [length, headDim, blocks] of [
        [1, 1, 1],
        [5, 4, 0],
        [3, 5, 2],
        [16, 8, 1],
        [17, 3, 2],
        [33, 16, 3],
        [50, 7, 1],
      ]) {
        const n = blocks * length * headDim;
        const [q, k, v, dout] = [0, 1, 2, 3].map(() => filled(n));
        const probsSize = blocks * causalProbsSize(length);
        const probs = heap.allocF32(probsSize);
        const wantProbs = heap.allocF32(probsSize);
        const out = heap.allocF32(n);
        const wantOut = heap.allocF32(n);
        const scale = 1 / Math.sqrt(headDim);
        kernels.causalAttention({ q, k, v, probs, out, length, headDim, blocks, scale });
        ref.causalAttention({ q, k, v, probs: wantProbs, out: wantOut, length, headDim, blocks, scale });
        expectClose(probs, wantProbs, 1e-5, heap.allocF32(probsSize).fill(1e-6));
        expectClose(out, wantOut, 1e-4, heap.allocF32(n).fill(0.1));
        const grads = [0, 1, 2, 3, 4, 5].map(() => filled(n));
        const scratch = heap.allocF32(3 * causalProbsSize(length));
        kernels.causalAttentionBackward({
          q,
          k,
          v,
          probs,
          dout,
          dq: grads[0],
          dk: grads[1],
          dv: grads[2],
          scratch,
          length,
          headDim,
          blocks,
          scale,
        });
        ref.causalAttentionBackward({
          q,
          k,
          v,
          probs: wantProbs,
          dout,
          dq: grads[3],
          dk: grads[4],
          dv: grads[5],
          scratch,
          length,
          headDim,
          blocks,
          scale,
        });
        for (let g = 0; g < 3; g++) expectClose(grads[g], grads[g + 3], 1e-4, heap.allocF32(n).fill(1));
      }
    });

    it('embeddingLookup and embeddingBackward match the reference bit for bit', ({ skip }) => {
      if (!supported) skip();
      for (const [vocab, dim, n] of [
        [1, 1, 1],
        [5, 3, 7],
        [81, 17, 33],
      ]) {
        const table = filled(vocab * dim);
        const ids = heap.allocF32(n);
        for (let c = 0; c < n; c++) ids[c] = random.nextInt(vocab);
        const [out, want] = [heap.allocF32(dim * n), heap.allocF32(dim * n)];
        kernels.embeddingLookup({ table, ids, out, vocab, dim, n });
        ref.embeddingLookup({ table, ids, out: want, vocab, dim, n });
        expect(Array.from(out)).toEqual(Array.from(want));
        const dy = filled(dim * n);
        const dtable = filled(vocab * dim);
        const wantDtable = copy(dtable);
        kernels.embeddingBackward({ ids, dy, dtable, vocab, dim, n });
        ref.embeddingBackward({ ids, dy, dtable: wantDtable, vocab, dim, n });
        expect(Array.from(dtable)).toEqual(Array.from(wantDtable));
      }
    });

    it('sum accumulates in float64', ({ skip }) => {
      if (!supported) skip();
      for (const n of lengths) {
        const x = filled(n);
        expect(kernels.sum({ x, n })).toBeCloseTo(ref.sum({ x, n }), 10);
      }
      const x = heap.allocF32(4097).fill(0.1);
      expect(kernels.sum({ x, n: 4097 })).toBeCloseTo(4097 * Math.fround(0.1), 9);
    });

    it('softmaxCrossEntropy matches the reference on feature-major logits', ({ skip }) => {
      if (!supported) skip();
      for (const [classes, batch] of [
        [1, 1],
        [3, 7],
        [10, 17],
        [129, 5],
        [7, 64],
        [33, 129],
        [2, 4],
      ]) {
        const logits = filled(classes * batch, 4);
        const y = labels(classes, batch);
        const probs = heap.allocF32(classes * batch);
        const want = heap.allocF32(classes * batch);
        const loss = kernels.softmaxCrossEntropy({ logits, labels: y, probs, classes, batch });
        const wantLoss = ref.softmaxCrossEntropy({ logits, labels: y, probs: want, classes, batch });
        expect(Math.abs(loss - wantLoss)).toBeLessThan(1e-5 * (1 + wantLoss));
        expectClose(probs, want, 1e-5, new Float32Array(want.length).fill(1e-3));
        for (const accumulate of [false, true]) {
          const d = filled(classes * batch);
          const dWant = copy(d);
          kernels.softmaxCrossEntropyBackward({
            probs,
            labels: y,
            dlogits: d,
            classes,
            batch,
            scale: 1 / batch,
            accumulate,
          });
          ref.softmaxCrossEntropyBackward({
            probs,
            labels: y,
            dlogits: dWant,
            classes,
            batch,
            scale: 1 / batch,
            accumulate,
          });
          // Accumulating adds to values of size 1, so the error is relative to that, not to the (cancelled) sum.
          expectClose(d, dWant, 1e-6, accumulate ? d.map(() => 1) : undefined);
        }
      }
    });

    it('softmaxCrossEntropy stays finite for huge logits and names a bad label', ({ skip }) => {
      if (!supported) skip();
      const logits = heap.allocF32(2 * 5);
      logits.set([1000, -1000, 0, 50, 3, -1000, 1000, 0, -50, 3]);
      const y = heap.allocI32(5);
      y.set([0, 0, 1, 1, 0]);
      const probs = heap.allocF32(10);
      const loss = kernels.softmaxCrossEntropy({ logits, labels: y, probs, classes: 2, batch: 5 });
      // Losses per example: 0, 2000, log 2, 100, log 2.
      expect(loss).toBeCloseTo((2000 + 100 + 2 * Math.LN2) / 5, 3);
      y[3] = 2;
      expect(() => kernels.softmaxCrossEntropy({ logits, labels: y, probs, classes: 2, batch: 5 })).toThrow(
        /label 2 of example 3/,
      );
    });

    it('sgdUpdate matches the reference with and without momentum, Nesterov and weight decay', ({ skip }) => {
      if (!supported) skip();
      for (const n of lengths) {
        for (const [momentum, nesterov, weightDecay] of [
          [0, false, 0],
          [0, false, 0.01],
          [0.9, false, 0],
          [0.9, true, 5e-4],
        ] as Array<[number, boolean, number]>) {
          const params = filled(n);
          const grads = filled(n);
          const velocity = filled(n);
          const wantParams = copy(params);
          const wantVelocity = copy(velocity);
          for (let step = 0; step < 3; step++) {
            kernels.sgdUpdate({ params, grads, velocity, n, lr: 0.1, momentum, nesterov, weightDecay });
            ref.sgdUpdate({
              params: wantParams,
              grads,
              velocity: wantVelocity,
              n,
              lr: 0.1,
              momentum,
              nesterov,
              weightDecay,
            });
          }
          expectClose(params, wantParams, 1e-5, wantVelocity);
          expectClose(velocity, wantVelocity, 1e-5, grads);
        }
      }
    });

    it('maxPool2d and its backward match the reference, ties included (batch tails, strides, overlap)', ({
      skip,
    }) => {
      if (!supported) skip();
      const shapes = [
        [2, 5, 5, 7, 2, 2, 2, 2],
        [1, 7, 6, 9, 3, 3, 2, 2],
        [3, 4, 7, 1, 2, 3, 1, 2],
        [2, 4, 4, 8, 2, 2, 2, 2],
      ] as const;
      for (const sizes of shapes) {
        const [channels, height, width, batch, kh, kw, sh, sw] = sizes;
        const named = { channels, height, width, batch, kh, kw, sh, sw };
        const inputs = channels * height * width * batch;
        const outputs =
          channels * (Math.floor((height - kh) / sh) + 1) * (Math.floor((width - kw) / sw) + 1) * batch;
        // Rounded values make ties common: the first maximum must win in both.
        const x = filled(inputs);
        for (let i = 0; i < inputs; i++) x[i] = Math.round(x[i] * 2) + 0; // + 0: no −0, which max may order either way against +0
        const y = heap.allocF32(outputs);
        const want = heap.allocF32(outputs);
        kernels.maxPool2d({ x, y, ...named });
        ref.maxPool2d({ x, y: want, ...named });
        expect(Array.from(y)).toEqual(Array.from(want));
        const dy = filled(outputs);
        const dx = filled(inputs);
        const wantDx = copy(dx);
        kernels.maxPool2dBackward({ x, dy, dx, ...named });
        ref.maxPool2dBackward({ x, dy, dx: wantDx, ...named });
        expect(Array.from(dx)).toEqual(Array.from(wantDx)); // the same additions in the same order
      }
    });

    it('im2col and col2im match the reference bit for bit (padding, strides, odd batch, a kernel past the edge)', ({
      skip,
    }) => {
      if (!supported) skip();
      const shapes = [
        [2, 5, 4, 3, 3, 3, 1, 1, 1, 1],
        [2, 6, 5, 2, 3, 2, 2, 2, 1, 0],
        [3, 4, 7, 1, 2, 2, 1, 3, 0, 0],
        [1, 2, 2, 5, 3, 3, 1, 1, 2, 2],
        [2, 3, 1, 6, 3, 3, 2, 2, 1, 1], // width 1 with stride 2: window columns wholly in the padding
        [4, 7, 7, 9, 3, 3, 1, 1, 1, 1],
      ] as const;
      for (const sizes of shapes) {
        const [channels, height, width, batch, kh, kw, sh, sw, ph, pw] = sizes;
        const named = { channels, height, width, batch, kh, kw, sh, sw, ph, pw };
        const { inputs, columns } = im2colCounts(named);
        const x = filled(inputs);
        const cols = filled(columns); // garbage: every entry must be written
        const want = heap.allocF32(columns);
        kernels.im2col({ x, cols, ...named });
        ref.im2col({ x, cols: want, ...named });
        expect(Array.from(cols), `im2col ${sizes}`).toEqual(Array.from(want));
        const dcols = filled(columns);
        const dx = filled(inputs);
        const wantDx = copy(dx);
        kernels.col2im({ dcols, dx, ...named });
        ref.col2im({ dcols, dx: wantDx, ...named });
        expect(Array.from(dx), `col2im ${sizes}`).toEqual(Array.from(wantDx)); // the same additions in the same order
      }
    });

    it('adamwUpdate matches the reference over several steps', ({ skip }) => {
      if (!supported) skip();
      for (const n of lengths) {
        const params = filled(n);
        const m = heap.allocF32(n);
        const v = heap.allocF32(n);
        const wantParams = copy(params);
        const wantM = heap.allocF32(n);
        const wantV = heap.allocF32(n);
        for (let t = 1; t <= 3; t++) {
          const grads = filled(n);
          const [bc1, bc2] = [1 - 0.9 ** t, 1 - 0.999 ** t];
          const settings = {
            grads,
            n,
            lr: 1e-2,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            weightDecay: 0.01,
            bc1,
            bc2,
          };
          kernels.adamwUpdate({ params, m, v, ...settings });
          ref.adamwUpdate({ params: wantParams, m: wantM, v: wantV, ...settings });
        }
        // The moments cancel terms of size |g| ≈ 1, so their error is relative to that, not to their value.
        const unit = new Float32Array(n).fill(1);
        expectClose(params, wantParams, 1e-5, unit);
        expectClose(m, wantM, 1e-6, unit);
        expectClose(v, wantV, 1e-6, unit);
      }
    });
  });
}

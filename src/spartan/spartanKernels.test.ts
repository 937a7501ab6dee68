import { setFlagsFromString } from 'node:v8';
import { beforeAll, describe, expect, test } from 'vitest';
import { createSharedMemory, Heap } from '../kernels/heap.js';
import type { Kernels } from '../kernels/kernels.js';
import { referenceKernels as ref } from '../kernels/reference/index.js';
import { instantiateWasmKernels, type WasmVariant } from '../kernels/wasm.js';
import { Random } from '../util/random.js';

// Node 20 validates relaxed SIMD only behind a V8 flag; set it before the first compile to test that build too.
setFlagsFromString('--experimental-wasm-relaxed-simd');

/** Sizes around the 4-lane vectors and the 32-entry float32 sum blocks, the empty one included. */
const SIZES = [0, 1, 3, 4, 5, 31, 33, 131, 1029];

for (const variant of ['simd', 'relaxed'] as WasmVariant[]) {
  describe(`Spartan's kernels, ${variant} build, against the reference`, () => {
    let kernels: Kernels;
    let heap: Heap;
    const random = new Random(11);

    beforeAll(() => {
      const memory = createSharedMemory(64);
      const instance = instantiateWasmKernels(memory, variant);
      kernels = instance.kernels;
      heap = new Heap(memory, instance.heapBase);
    });

    const heapF32 = (n: number, fill: () => number) => {
      const view = heap.allocF32(n);
      for (let i = 0; i < n; i++) view[i] = fill();
      return view;
    };
    const heapF64 = (n: number) => {
      const block = heap.allocF32(2 * n + 2);
      return new Float64Array(block.buffer, block.byteOffset + (block.byteOffset % 8), n);
    };
    /** Magnitudes with ties (a coarse grid) and a spread of scales; costs 1–8, or null. */
    const entries = (n: number, unit: boolean) => ({
      values: heapF32(n, () => Math.round(random.next() * 64) / 64 + (random.next() < 0.2 ? 3 : 0)),
      costs: unit ? null : heapF32(n, () => 1 + random.nextInt(8)),
    });
    /** Within `tolerance`·(|want| + 1): float32 rounding of terms of size ~1. */
    const expectNear = (got: number, want: number, tolerance: number) =>
      expect(Math.abs(got - want)).toBeLessThanOrEqual(tolerance * (Math.abs(want) + 1));

    test('spartanValues: scale·|w|', () => {
      for (const n of SIZES) {
        const w = heapF32(n, () => random.normal());
        const got = heapF32(n, () => 0);
        const want = new Float32Array(n);
        kernels.spartanValues({ w, out: got, n, scale: 0.75 });
        ref.spartanValues({ w, out: want, n, scale: 0.75 });
        expect(Array.from(got)).toEqual(Array.from(want));
      }
    });

    test('spartanHistogram, spartanTieBoundary and spartanBand: the same counts, cuts and copies', () => {
      for (const n of SIZES) {
        for (const unit of [true, false]) {
          const { values, costs } = entries(n, unit);
          for (const [highMask, prefix, shift, bins] of [
            [0, 0, 20, 2048],
            [0xfff00000, 0x3f800000, 10, 1024],
          ]) {
            const got = heapF64(4 * bins);
            const want = new Float64Array(4 * bins);
            kernels.spartanHistogram({ values, costs, n, highMask, prefix, shift, bins, histogram: got });
            ref.spartanHistogram({ values, costs, n, highMask, prefix, shift, bins, histogram: want });
            expect(Array.from(got)).toEqual(Array.from(want));
          }
          const threshold =
            n > 0 ? (costs === null ? values[n >> 1] : Math.fround(values[n >> 1] / costs[n >> 1])) : 1;
          for (const remaining of [0.5, 2, 1e9]) {
            expect(kernels.spartanTieBoundary({ values, costs, n, threshold, remaining })).toBe(
              ref.spartanTieBoundary({ values, costs, n, threshold, remaining }),
            );
          }
          const band = heapF32(n, () => -1);
          const bandWant = new Float32Array(n).fill(-1);
          const sums = heapF64(3);
          const sumsWant = new Float64Array(3);
          for (const capacity of [n, n >> 2]) {
            const count = kernels.spartanBand({
              values,
              costs,
              n,
              low: 0.25,
              high: 0.5,
              band,
              capacity,
              sums,
              weights: null,
              scale: 1,
            });
            const want = ref.spartanBand({
              values,
              costs,
              n,
              low: 0.25,
              high: 0.5,
              band: bandWant,
              capacity,
              sums: sumsWant,
              weights: null,
              scale: 1,
            });
            expect(count).toBe(want);
            expect(Array.from(band)).toEqual(Array.from(bandWant));
            expect(Array.from(sums)).toEqual(Array.from(sumsWant));
          }
          if (unit) {
            // From weights: the values scale·|w| are written first.
            const weights = heapF32(n, () => random.normal() * 0.3);
            const [written, writtenWant] = [heapF32(n, () => -1), new Float32Array(n)];
            const count = kernels.spartanBand({
              values: written,
              costs: null,
              n,
              low: 0.1,
              high: 0.2,
              band,
              capacity: n,
              sums,
              weights,
              scale: 0.75,
            });
            const want = ref.spartanBand({
              values: writtenWant,
              costs: null,
              n,
              low: 0.1,
              high: 0.2,
              band: bandWant,
              capacity: n,
              sums: sumsWant,
              weights,
              scale: 0.75,
            });
            expect(count).toBe(want);
            expect(Array.from(written)).toEqual(Array.from(writtenWant));
            expect(Array.from(band.subarray(0, count))).toEqual(Array.from(bandWant.subarray(0, count)));
            expect(Array.from(sums)).toEqual(Array.from(sumsWant));
          }
        }
      }
    });

    test('spartanMaskPass: sums to 1e-6, masks to 1e-6, the hard mask exactly, β from 0.1 to 1e4', () => {
      const threshold = 0.5;
      /** m and m·h to 1e-6 (`tolerance`), and the same hard mask. */
      const expectMasks = (
        soft: Float32Array,
        effective: Float32Array,
        want: Float32Array[],
        tolerance: number,
      ) => {
        for (let j = 0; j < soft.length; j++) {
          if (Math.abs(soft[j] - want[0][j]) > tolerance || Math.abs(effective[j] - want[1][j]) > tolerance) {
            throw new Error(`entry ${j}: m ${soft[j]} / ${want[0][j]}, m·h ${effective[j]} / ${want[1][j]}`);
          }
          if (effective[j] > 0 !== want[1][j] > 0) throw new Error(`entry ${j}: hard mask differs`);
        }
      };
      for (const n of SIZES) {
        for (const unit of [true, false]) {
          const { values, costs } = entries(n, unit);
          const boundary = n >> 1;
          const total = (costs ?? values).length;
          for (const beta of [0.1, 10, 1e4]) {
            for (const mu of [-3, 0.5, 40]) {
              const wasm = (shift: number, sums: Float64Array, masks: (Float32Array | null)[], ratio = 0) => {
                const [soft, effective, exponentials] = masks;
                const masksOf = { soft, effective, exponentials };
                kernels.spartanMaskPass({
                  values,
                  costs,
                  n,
                  beta,
                  threshold,
                  mu: shift,
                  boundary,
                  sums,
                  ...masksOf,
                  ratio,
                });
              };
              const reference = (shift: number, sums: Float64Array, masks: Float32Array[]) => {
                const [soft, effective] = masks;
                const masksOf = { soft, effective, exponentials: null };
                ref.spartanMaskPass({
                  values,
                  costs,
                  n,
                  beta,
                  threshold,
                  mu: shift,
                  boundary,
                  sums,
                  ...masksOf,
                  ratio: 0,
                });
              };
              const sums = heapF64(3);
              const sumsWant = new Float64Array(3);
              const soft = heapF32(n, () => -1);
              const effective = heapF32(n, () => -1);
              const want = [new Float32Array(n), new Float32Array(n)];
              wasm(mu, sums, [soft, effective, null]);
              reference(mu, sumsWant, want);
              for (let k = 0; k < 3; k++)
                expect(Math.abs(sums[k] - sumsWant[k])).toBeLessThanOrEqual(8e-6 * (total + 1));
              expectMasks(soft, effective, want, 1e-6);
              // A read-only pass gives the same sums; from the exponentials it stores, a writing pass at μ + 0.75
              // gives the masks of a direct pass there (to the float32 rounding of e·ratio).
              const readOnly = heapF64(3);
              const stored = heapF32(n, () => -1);
              wasm(mu, readOnly, [null, null, stored]);
              expect(Array.from(readOnly)).toEqual(Array.from(sums));
              wasm(mu + 0.75, sums, [stored, effective, stored], Math.exp(-0.75));
              reference(mu + 0.75, sumsWant, want);
              for (let k = 0; k < 3; k++)
                expect(Math.abs(sums[k] - sumsWant[k])).toBeLessThanOrEqual(2e-5 * (total + 1));
              expectMasks(stored, effective, want, 2e-6);
            }
          }
        }
      }
    });

    test('spartanMaskBackward, spartanSoftMaskBackward and spartanApplyGradient', () => {
      for (const n of SIZES) {
        for (const unit of [true, false]) {
          const costs = unit ? null : heapF32(n, () => 1 + random.nextInt(8));
          const dy = heapF32(n, () => random.normal());
          const w = heapF32(n, () => (random.next() < 0.1 ? 0 : random.normal()));
          const soft = heapF32(n, () => (random.next() < 0.2 ? 0 : random.next()));
          const grad = heapF32(n, () => random.normal());
          const upstream = heapF32(n, () => random.normal());
          const gradWant = grad.slice();
          const upstreamWant = upstream.slice();
          kernels.spartanMaskBackward({ dy, w, soft, grad, upstream, n });
          ref.spartanMaskBackward({ dy, w, soft, grad: gradWant, upstream: upstreamWant, n });
          for (let i = 0; i < n; i++) {
            expectNear(grad[i], gradWant[i], 1e-6);
            expectNear(upstream[i], upstreamWant[i], 1e-6);
          }
          const fused = heapF32(n, () => 0);
          fused.set(grad);
          const fusedWant = grad.slice();
          const weighted = kernels.spartanSoftMaskBackward({ dy, w, soft, grad: fused, costs, n, beta: 7 });
          const weightedWant = ref.spartanSoftMaskBackward({
            dy,
            w,
            soft,
            grad: fusedWant,
            costs,
            n,
            beta: 7,
          });
          expect(Math.abs(weighted - weightedWant)).toBeLessThanOrEqual(1e-5 * (n + 1));
          for (let i = 0; i < n; i++) expectNear(fused[i], fusedWant[i], 1e-5);
          const shifted = fused.slice();
          kernels.spartanApplyGradient({ w, grad: fused, soft, upstream: null, costs, n, beta: 7, s: 0.3 });
          ref.spartanApplyGradient({ w, grad: shifted, soft, upstream: null, costs, n, beta: 7, s: 0.3 });
          for (let i = 0; i < n; i++) expectNear(fused[i], shifted[i], 1e-5);
          kernels.spartanApplyGradient({ w, grad, soft, upstream, costs, n, beta: 7, s: 0.3 });
          ref.spartanApplyGradient({
            w,
            grad: gradWant,
            soft,
            upstream: upstreamWant,
            costs,
            n,
            beta: 7,
            s: 0.3,
          });
          for (let i = 0; i < n; i++) expect(Math.abs(grad[i] - gradWant[i])).toBeLessThanOrEqual(1e-5);
          expect(upstream.every((g) => g === 0)).toBe(true);
          // Either output may be skipped.
          const gradOnly = grad.slice();
          kernels.spartanMaskBackward({ dy, w, soft, grad, upstream: null, n });
          ref.spartanMaskBackward({ dy, w, soft, grad: gradOnly, upstream: null, n });
          for (let i = 0; i < n; i++) expectNear(grad[i], gradOnly[i], 1e-6);
        }
      }
    });
  });
}

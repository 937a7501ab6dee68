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
        kernels.spartanValues(w, got, n, 0.75);
        ref.spartanValues(w, want, n, 0.75);
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
            kernels.spartanHistogram(values, costs, n, highMask, prefix, shift, bins, got);
            ref.spartanHistogram(values, costs, n, highMask, prefix, shift, bins, want);
            expect(Array.from(got)).toEqual(Array.from(want));
          }
          const threshold =
            n > 0 ? (costs === null ? values[n >> 1] : Math.fround(values[n >> 1] / costs[n >> 1])) : 1;
          for (const remaining of [0.5, 2, 1e9]) {
            expect(kernels.spartanTieBoundary(values, costs, n, threshold, remaining)).toBe(
              ref.spartanTieBoundary(values, costs, n, threshold, remaining),
            );
          }
          const band = heapF32(n, () => -1);
          const bandWant = new Float32Array(n).fill(-1);
          const sums = heapF64(3);
          const sumsWant = new Float64Array(3);
          for (const capacity of [n, n >> 2]) {
            const count = kernels.spartanBand(values, costs, n, 0.25, 0.5, band, capacity, sums);
            expect(count).toBe(ref.spartanBand(values, costs, n, 0.25, 0.5, bandWant, capacity, sumsWant));
            expect(Array.from(band)).toEqual(Array.from(bandWant));
            expect(Array.from(sums)).toEqual(Array.from(sumsWant));
          }
        }
      }
    });

    test('spartanMaskPass: sums to 1e-6, masks to 1e-6, the hard mask exactly, β from 0.1 to 1e4', () => {
      for (const n of SIZES) {
        for (const unit of [true, false]) {
          const { values, costs } = entries(n, unit);
          for (const beta of [0.1, 10, 1e4]) {
            for (const mu of [-3, 0.5, 40]) {
              const threshold = 0.5;
              const boundary = n >> 1;
              const sums = heapF64(3);
              const sumsWant = new Float64Array(3);
              const soft = heapF32(n, () => -1);
              const effective = heapF32(n, () => -1);
              const softWant = new Float32Array(n);
              const effectiveWant = new Float32Array(n);
              kernels.spartanMaskPass(values, costs, n, beta, threshold, mu, boundary, sums, soft, effective);
              ref.spartanMaskPass(
                values,
                costs,
                n,
                beta,
                threshold,
                mu,
                boundary,
                sumsWant,
                softWant,
                effectiveWant,
              );
              const total = (costs ?? values).length;
              for (let k = 0; k < 3; k++) {
                expect(Math.abs(sums[k] - sumsWant[k])).toBeLessThanOrEqual(1e-6 * (total + 1) * 8);
              }
              for (let j = 0; j < n; j++) {
                if (
                  Math.abs(soft[j] - softWant[j]) > 1e-6 ||
                  Math.abs(effective[j] - effectiveWant[j]) > 1e-6
                ) {
                  throw new Error(
                    `entry ${j}: m ${soft[j]} / ${softWant[j]}, m·h ${effective[j]} / ${effectiveWant[j]}`,
                  );
                }
                if (effective[j] > 0 !== effectiveWant[j] > 0)
                  throw new Error(`entry ${j}: hard mask differs`);
              }
              // The read-only pass gives the same sums.
              const readOnly = heapF64(3);
              kernels.spartanMaskPass(values, costs, n, beta, threshold, mu, boundary, readOnly, null, null);
              expect(Array.from(readOnly)).toEqual(Array.from(sums));
            }
          }
        }
      }
    });

    test('spartanMaskBackward, spartanGradientSums and spartanApplyGradient', () => {
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
          kernels.spartanMaskBackward(dy, w, soft, grad, upstream, n);
          ref.spartanMaskBackward(dy, w, soft, gradWant, upstreamWant, n);
          for (let i = 0; i < n; i++) {
            expectNear(grad[i], gradWant[i], 1e-6);
            expectNear(upstream[i], upstreamWant[i], 1e-6);
          }
          const sums = heapF64(2);
          const sumsWant = new Float64Array(2);
          kernels.spartanGradientSums(soft, upstream, costs, n, sums);
          ref.spartanGradientSums(soft, upstreamWant, costs, n, sumsWant);
          for (let k = 0; k < 2; k++)
            expect(Math.abs(sums[k] - sumsWant[k])).toBeLessThanOrEqual(1e-5 * (n + 1));
          kernels.spartanApplyGradient(w, grad, soft, upstream, costs, n, 7, 0.3);
          ref.spartanApplyGradient(w, gradWant, soft, upstreamWant, costs, n, 7, 0.3);
          for (let i = 0; i < n; i++) expect(Math.abs(grad[i] - gradWant[i])).toBeLessThanOrEqual(1e-5);
          expect(upstream.every((g) => g === 0)).toBe(true);
          // Either output may be skipped.
          const gradOnly = grad.slice();
          kernels.spartanMaskBackward(dy, w, soft, grad, null, n);
          ref.spartanMaskBackward(dy, w, soft, gradOnly, null, n);
          for (let i = 0; i < n; i++) expectNear(grad[i], gradOnly[i], 1e-6);
        }
      }
    });
  });
}

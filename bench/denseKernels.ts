/**
 * Dense matmul throughput in the three forms training uses (NN forward, TN input gradient, NT weight
 * gradient), on the engine's kernels and, at the smallest size, on the reference kernels for scale.
 * A product of m×k by k×n is 2·m·k·n floating-point operations.
 */
import { engine } from '../src/kernels/engine.js';
import type { Kernels } from '../src/kernels/kernels.js';
import { referenceKernels } from '../src/kernels/reference/index.js';
import { medianMs } from './timing.js';

export interface DenseKernelResult {
  kernel: string;
  shape: string;
  gflops: number;
  ms: number;
}

const FORMS = ['NN', 'TN', 'NT'] as const;

const SHAPES: Array<[number, number, number]> = [
  [256, 256, 256],
  [1024, 1024, 1024],
  [1024, 1024, 128],
];

export function benchDenseKernels(): DenseKernelResult[] {
  const { heap, kernels } = engine();
  const results: DenseKernelResult[] = [];
  const measure = (k: Kernels, [m, depth, n]: [number, number, number]) => {
    const a = heap.allocF32(m * depth);
    const b = heap.allocF32(depth * n);
    const c = heap.allocF32(m * n);
    for (let i = 0; i < a.length; i++) a[i] = Math.sin(i);
    for (let i = 0; i < b.length; i++) b[i] = Math.cos(i);
    for (const form of FORMS) {
      const product = k[`matmul${form}`];
      const ms = medianMs(() => product({ a, b, c, m, k: depth, n, accumulate: false }), { minReps: 5 });
      const gflops = (2 * m * depth * n) / (ms * 1e6);
      results.push({
        kernel: `matmul ${form} (${k.name})`,
        shape: `${m}×${depth}·${depth}×${n}`,
        gflops,
        ms,
      });
    }
    heap.free(a);
    heap.free(b);
    heap.free(c);
  };
  for (const shape of SHAPES) measure(kernels, shape);
  measure(referenceKernels, SHAPES[0]);
  return results;
}

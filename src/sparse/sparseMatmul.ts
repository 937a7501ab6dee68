/**
 * Y[out, B] = W_A · X[in, B] for a SparseWeight W: the always-sparse linear map (Top-KAST §2, steps 1–2).
 *
 * Forward and input gradient use the forward set A only: Y = W_A·X (SpMM) and dX = W_Aᵀ·dY, reading A's
 * values in place (they are the first entries of B's values). The weight gradient is computed only at the
 * backward set B, at the sparse point α = W_A: dW_B = (dY·Xᵀ) sampled at B (SDDMM, on A and on B \ A), so
 * entries of B \ A receive gradient although their forward value is zero. Entries outside B get
 * none, and cost nothing.
 *
 * When the weight asks for its dense gradient (weight.denseGradient, RigL's grow steps), the full dY·Xᵀ is
 * accumulated there too.
 *
 * The engine may run a dense kernel instead, on the masked weights, when the density is above `denseAbove`
 * (the measured crossover where the dense kernel is faster): same numbers up to summation order.
 */
import { engine } from '../kernels/engine.js';
import { createOutput, recordBackward } from '../tensor/tape.js';
import { formatShape, type Tensor } from '../tensor/tensor.js';
import type { SparseWeight } from './sparseWeight.js';

/**
 * The density above which the dense kernels are faster than the sparse ones, measured by `npm run bench`
 * (1024×1024 weight, batch 128): the sparse kernels run at about half the dense kernel's GFLOP/s, so at
 * density 0.5 they are 1.1–1.3× faster than dense and at density 1 about 0.6×.
 */
export const DENSE_KERNEL_CROSSOVER = 0.5;

/** When to use the dense kernels on masked weights instead of the sparse ones. */
export interface SparseMatmulOptions {
  /** Forward density (|A| / n) above which the forward and input gradient run densely (default: the crossover). */
  forwardDenseAbove?: number;
  /** Backward density (|B| / n) above which the weight gradient runs densely (default: the crossover). */
  backwardDenseAbove?: number;
}

/**
 * Which of a weight's products run on the dense kernels: `forward` (forward and input gradient, on A) and
 * `backward` (the weight gradient, on B). The FLOP and memory figures read the same decision.
 */
export function denseKernelChoice(
  weight: SparseWeight,
  options: SparseMatmulOptions = {},
): { forward: boolean; backward: boolean } {
  return {
    forward: weight.forwardCount / weight.size > (options.forwardDenseAbove ?? DENSE_KERNEL_CROSSOVER),
    backward: weight.backwardCount / weight.size > (options.backwardDenseAbove ?? DENSE_KERNEL_CROSSOVER),
  };
}

export function sparseMatmul(weight: SparseWeight, x: Tensor, options: SparseMatmulOptions = {}): Tensor {
  const { rows, cols } = weight;
  if (x.shape.length !== 2 || x.shape[0] !== cols) {
    throw new Error(
      `sparseMatmul ${weight.name}: expects input [${cols}, batch] (feature-major), got ${formatShape(x.shape)}`,
    );
  }
  const batch = x.shape[1];
  const { kernels, sparse, heap } = engine();
  const { forward: forwardDense, backward: backwardDense } = denseKernelChoice(weight, options);
  const y = createOutput('sparseMatmul', [rows, batch], [x], { trainableInput: true, overwritten: true });
  const maskedWeights = forwardDense ? heap.allocF32(weight.size) : null;
  const A = weight.forwardSet;
  const forwardValues = weight.forwardValues;
  if (maskedWeights) {
    weight.scatterForward(maskedWeights);
    kernels.matmulNN({
      a: maskedWeights,
      b: x.data,
      c: y.data,
      m: rows,
      k: cols,
      n: batch,
      accumulate: false,
    });
  } else {
    sparse.spmm({
      rowOffsets: A.rowOffsets,
      columnIndices: A.columnIndices,
      values: forwardValues,
      x: x.data,
      y: y.data,
      rows,
      batch,
      accumulate: false,
    });
  }
  recordBackward(
    y,
    (dy) => {
      if (x.requiresGrad) {
        const dx = x.ensureGrad();
        if (maskedWeights)
          kernels.matmulTN({ a: maskedWeights, b: dy, c: dx, m: cols, k: rows, n: batch, accumulate: true });
        else
          sparse.spmmTransposed({
            rowOffsets: A.rowOffsets,
            columnIndices: A.columnIndices,
            values: forwardValues,
            dy,
            dx,
            rows,
            cols,
            batch,
            accumulate: true,
          });
      }
      if (weight.denseGradient) {
        kernels.matmulNT({
          a: dy,
          b: x.data,
          c: weight.denseGradient,
          m: rows,
          k: batch,
          n: cols,
          accumulate: true,
        });
      }
      if (backwardDense) {
        const denseGrad = heap.allocF32(weight.size);
        kernels.matmulNT({ a: dy, b: x.data, c: denseGrad, m: rows, k: batch, n: cols, accumulate: false });
        weight.accumulateDenseGrad(denseGrad);
        heap.free(denseGrad);
      } else {
        // B = A followed by B \ A in entry order: one sampled product into each part of the gradient.
        const { grads, forwardCount } = weight;
        const R = weight.backwardOnlySet;
        sparse.sddmm({
          rowOffsets: A.rowOffsets,
          columnIndices: A.columnIndices,
          dy,
          x: x.data,
          out: grads.subarray(0, forwardCount),
          rows,
          batch,
          accumulate: true,
        });
        sparse.sddmm({
          rowOffsets: R.rowOffsets,
          columnIndices: R.columnIndices,
          dy,
          x: x.data,
          out: grads.subarray(forwardCount),
          rows,
          batch,
          accumulate: true,
        });
      }
    },
    maskedWeights ? [maskedWeights] : [],
  );
  return y;
}

/**
 * Y[out, B] = W_A · X[in, B] for a SparseWeight W: the always-sparse linear map (Top-KAST §2, steps 1–2).
 *
 * Forward and input gradient use the forward set A only: Y = W_A·X (SpMM) and dX = W_Aᵀ·dY, reading A's
 * values in place (they are the first entries of B's values). The weight gradient is computed only at the
 * backward set B, at the sparse point α = W_A: dW_B = (dY·Xᵀ) sampled at B (SDDMM, on A and on B \ A), so
 * entries of B \ A receive gradient although their forward value is zero. Entries outside B get
 * none, and cost nothing.
 *
 * While the weight holds a requested dense gradient (weight.denseGradient, RigL's grow steps), the full dY·Xᵀ
 * is accumulated there too.
 *
 * The engine may run a dense kernel instead, on the masked weights, when the density is above the engine's
 * kernel choice (engine.ts, KernelChoice: the measured crossover where the dense kernel is faster): same
 * numbers up to summation order.
 */
import { engine, kernelChoice } from '../kernels/engine.js';
import { createOutput, recordBackward } from '../tensor/tape.js';
import { formatShape, type Tensor } from '../tensor/tensor.js';
import type { SparseWeight } from './sparseWeight.js';

/**
 * Which of a weight's products run on the dense kernels under the engine's kernel choice: `forward` (forward
 * and input gradient, on A) and `backward` (the weight gradient, on B). The FLOP and memory figures read the
 * same decision.
 */
export function denseKernelChoice(weight: SparseWeight): { forward: boolean; backward: boolean } {
  const { forwardDenseAbove, backwardDenseAbove } = kernelChoice();
  return {
    forward: weight.forwardCount / weight.size > forwardDenseAbove,
    backward: weight.backwardCount / weight.size > backwardDenseAbove,
  };
}

export function sparseMatmul(weight: SparseWeight, x: Tensor): Tensor {
  const { rows, cols } = weight;
  if (x.shape.length !== 2 || x.shape[0] !== cols) {
    throw new Error(
      `sparseMatmul ${weight.name}: expects input [${cols}, batch] (feature-major), got ${formatShape(x.shape)}`,
    );
  }
  const batch = x.shape[1];
  const { kernels, sparse, heap } = engine();
  const { forward: forwardDense, backward: backwardDense } = denseKernelChoice(weight);
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
      const { denseGradient } = weight;
      if (denseGradient) {
        kernels.matmulNT({
          a: dy,
          b: x.data,
          c: denseGradient,
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
        // One sampled product into A's part of the gradient, one into B \ A's.
        const R = weight.backwardOnlySet;
        sparse.sddmm({
          rowOffsets: A.rowOffsets,
          columnIndices: A.columnIndices,
          dy,
          x: x.data,
          out: weight.forwardGrads,
          rows,
          batch,
          accumulate: true,
        });
        sparse.sddmm({
          rowOffsets: R.rowOffsets,
          columnIndices: R.columnIndices,
          dy,
          x: x.data,
          out: weight.backwardOnlyGrads,
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

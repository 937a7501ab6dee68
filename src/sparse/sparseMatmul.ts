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
    kernels.matmul(maskedWeights, x.data, y.data, rows, cols, batch, false, false, false);
  } else {
    sparse.spmm(A.rowOffsets, A.columnIndices, forwardValues, x.data, y.data, rows, batch, false);
  }
  recordBackward(
    y,
    (dy) => {
      if (x.requiresGrad) {
        const dx = x.ensureGrad();
        if (maskedWeights) kernels.matmul(maskedWeights, dy, dx, cols, rows, batch, true, false, true);
        else
          sparse.spmmTransposed(
            A.rowOffsets,
            A.columnIndices,
            forwardValues,
            dy,
            dx,
            rows,
            cols,
            batch,
            true,
          );
      }
      const { denseGradient } = weight;
      if (denseGradient) kernels.matmul(dy, x.data, denseGradient, rows, batch, cols, false, true, true);
      if (backwardDense) {
        const denseGrad = heap.allocF32(weight.size);
        kernels.matmul(dy, x.data, denseGrad, rows, batch, cols, false, true, false);
        weight.accumulateDenseGrad(denseGrad);
        heap.free(denseGrad);
      } else {
        // One sampled product into A's part of the gradient, one into B \ A's.
        const R = weight.backwardOnlySet;
        sparse.sddmm(A.rowOffsets, A.columnIndices, dy, x.data, weight.forwardGrads, rows, batch, true);
        sparse.sddmm(R.rowOffsets, R.columnIndices, dy, x.data, weight.backwardOnlyGrads, rows, batch, true);
      }
    },
    maskedWeights ? [maskedWeights] : [],
  );
  return y;
}

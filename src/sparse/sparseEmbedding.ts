import { checkTokenIds } from '../tensor/ops/embedding.js';
import { createOutput, recordBackward } from '../tensor/tape.js';
import type { Tensor } from '../tensor/tensor.js';
import type { SparseWeight } from './sparseWeight.js';

/**
 * Embedding lookup in a SparseWeight table W [vocab, dim]: y[j, c] = W_A[ids_c, j], the row of token ids_c
 * restricted to the forward set A (entries outside A read as zero). The weight gradient is kept at the
 * backward set B only: dW_B[ids_c, j] += dy[j, c] for (ids_c, j) ∈ B, so entries of B \ A learn although
 * they were zero in the forward pass (Top-KAST §2), as in sparseMatmul. When the weight asks for its dense
 * gradient (weight.denseGradient), every entry's gradient is accumulated there too.
 *
 * Same ids convention and output layout [dim, n] as the dense `embedding`.
 */
export function sparseEmbedding(weight: SparseWeight, ids: Tensor): Tensor {
  const { rows: vocab, cols: dim } = weight;
  checkTokenIds(`sparseEmbedding ${weight.name}`, ids, vocab);
  const n = ids.size;
  const y = createOutput('sparseEmbedding', [dim, n], [], { trainableInput: true });
  const A = weight.forwardSet;
  const values = weight.forwardValues;
  const tokens = ids.data;
  const out = y.data;
  for (let c = 0; c < n; c++) {
    const token = tokens[c];
    for (let p = A.rowOffsets[token]; p < A.rowOffsets[token + 1]; p++)
      out[A.columnIndices[p] * n + c] = values[p];
  }
  recordBackward(y, (dy) => {
    // Entries of A come first in the gradient array, then those of B \ A (SparseWeight's entry order).
    const R = weight.backwardOnlySet;
    const grads = weight.grads;
    const offsetR = weight.forwardCount;
    const dense = weight.denseGradient;
    for (let c = 0; c < n; c++) {
      const token = tokens[c];
      for (let p = A.rowOffsets[token]; p < A.rowOffsets[token + 1]; p++) {
        grads[p] += dy[A.columnIndices[p] * n + c];
      }
      for (let p = R.rowOffsets[token]; p < R.rowOffsets[token + 1]; p++) {
        grads[offsetR + p] += dy[R.columnIndices[p] * n + c];
      }
      if (dense) for (let j = 0; j < dim; j++) dense[token * dim + j] += dy[j * n + c];
    }
  });
  return y;
}

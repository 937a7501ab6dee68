import { engine } from '../../kernels/engine.js';
import { createOutput, recordBackward } from '../tape.js';
import { formatShape, type Tensor } from '../tensor.js';

/**
 * Embedding lookup: y[j, c] = W[ids_c, j] for a table W [vocab, dim] and token ids of any shape, read in
 * row-major order (entry c of ids becomes column c of y). Output feature-major [dim, n], n = ids.size.
 *
 * The table is [vocab, dim], a token's vector one contiguous row: the layout of an output projection
 * logits[vocab, n] = W·x, so input and output embeddings can share one matrix (tied embeddings).
 * Token ids travel as a tensor of exact integer values (float32 holds integers up to 2²⁴ exactly), so a
 * language model is a Module like any other. Gradient: dW[ids_c, j] += dy[j, c] (a scatter-add); ids get none.
 */
export function embedding(table: Tensor, ids: Tensor): Tensor {
  if (table.shape.length !== 2) {
    throw new Error(`embedding: the table must be [vocab, dim], got ${formatShape(table.shape)}`);
  }
  const [vocab, dim] = table.shape;
  checkTokenIds('embedding', ids, vocab);
  const n = ids.size;
  const y = createOutput('embedding', [dim, n], [table], { overwritten: true });
  engine().kernels.embeddingLookup({ table: table.data, ids: ids.data, out: y.data, vocab, dim, n });
  recordBackward(y, (dy) =>
    engine().kernels.embeddingBackward({ ids: ids.data, dy, dtable: table.ensureGrad(), vocab, dim, n }),
  );
  return y;
}

/** Throws unless every entry of ids is an integer token id in 0..vocab−1 (naming the first bad one). */
export function checkTokenIds(op: string, ids: Tensor, vocab: number): void {
  ids.assertAlive(op);
  const tokens = ids.data;
  for (let c = 0; c < tokens.length; c++) {
    const id = tokens[c];
    if (!(Number.isInteger(id) && id >= 0 && id < vocab)) {
      throw new Error(`${op}: token id ${id} at position ${c} is not an integer in 0..${vocab - 1}`);
    }
  }
  if (ids.requiresGrad) {
    throw new Error(
      `${op}: token ids cannot require grad (they are indices); create them without requiresGrad`,
    );
  }
}

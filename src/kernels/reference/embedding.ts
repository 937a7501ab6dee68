/**
 * Embedding lookup and its gradient (see the Kernels contract), row by row of the output. The vocabulary size
 * only bounds the table for the WebAssembly binding's checks.
 */
export function embeddingLookup(
  table: Float32Array,
  ids: Float32Array,
  out: Float32Array,
  _vocab: number,
  dim: number,
  n: number,
): void {
  for (let j = 0; j < dim; j++) {
    for (let c = 0; c < n; c++) out[j * n + c] = table[ids[c] * dim + j];
  }
}

export function embeddingBackward(
  ids: Float32Array,
  dy: Float32Array,
  dtable: Float32Array,
  _vocab: number,
  dim: number,
  n: number,
): void {
  for (let j = 0; j < dim; j++) {
    for (let c = 0; c < n; c++) dtable[ids[c] * dim + j] += dy[j * n + c];
  }
}

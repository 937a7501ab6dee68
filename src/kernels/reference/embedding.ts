import type { KernelArgs } from '../kernels.js';

/**
 * Embedding lookup and its gradient (see the Kernels contract), row by row of the output. The vocabulary size
 * only bounds the table for the WebAssembly binding's checks.
 */
export function embeddingLookup({ table, ids, out, dim, n }: KernelArgs<'embeddingLookup'>): void {
  for (let j = 0; j < dim; j++) {
    for (let c = 0; c < n; c++) out[j * n + c] = table[ids[c] * dim + j];
  }
}

export function embeddingBackward({ ids, dy, dtable, dim, n }: KernelArgs<'embeddingBackward'>): void {
  for (let j = 0; j < dim; j++) {
    for (let c = 0; c < n; c++) dtable[ids[c] * dim + j] += dy[j * n + c];
  }
}

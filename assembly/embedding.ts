// Embedding lookup and its gradient (see the Kernels contract): y[j, c] = W[ids_c, j] for a table W [vocab, dim]
// and token ids held as exact float32 integers (checked by the host), and dW[ids_c, j] += dy[j, c]. Rows of
// y are written in order (each a contiguous run of n), so the only scattered accesses are into the table,
// which is small enough to stay in cache; the gradient adds in the reference's order, so its bits match.

export function embeddingLookup(table: usize, ids: usize, out: usize, dim: i32, n: i32): void {
  for (let j = 0; j < dim; j++) {
    const row = out + ((<usize>j * n) << 2);
    const column = table + ((<usize>j) << 2);
    for (let c = 0; c < n; c++) {
      const id = <usize>(<i32>load<f32>(ids + ((<usize>c) << 2)));
      store<f32>(row + ((<usize>c) << 2), load<f32>(column + ((id * <usize>dim) << 2)));
    }
  }
}

export function embeddingBackward(ids: usize, dy: usize, dtable: usize, dim: i32, n: i32): void {
  for (let j = 0; j < dim; j++) {
    const row = dy + ((<usize>j * n) << 2);
    const column = dtable + ((<usize>j) << 2);
    for (let c = 0; c < n; c++) {
      const at = column + ((<usize>(<i32>load<f32>(ids + ((<usize>c) << 2))) * <usize>dim) << 2);
      store<f32>(at, load<f32>(at) + load<f32>(row + ((<usize>c) << 2)));
    }
  }
}

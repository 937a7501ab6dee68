/**
 * The sparse kernel contract: the three products of an always-sparse linear layer (DESIGN.md, SparseWeight).
 * Every backend (the TypeScript reference, the WebAssembly SIMD builds) implements it and the same tests run
 * against each.
 *
 * W is a CSR matrix [rows × cols] (see src/sparse/csr.ts): row r keeps the columns
 * columnIndices[rowOffsets[r] .. rowOffsets[r+1]), each < cols, and `values` holds its nnz entries in that
 * order. Activations are feature-major, [features × batch] with the batch contiguous, so every kept entry
 * touches whole contiguous batch rows. The kernels trust the pattern (column indices in range, offsets
 * ascending): build patterns with the src/sparse/csr.ts constructors, which check them.
 *
 * Cost: each kernel does 2·nnz·batch floating-point operations, against 2·rows·cols·batch for dense.
 * `accumulate`: when true the kernel adds its result into the output; when false it overwrites it.
 */
export interface SparseKernels {
  /** 'reference', 'wasm-simd' or 'wasm-relaxed-simd'. */
  readonly name: string;

  /**
   * Forward product y = W·x (SpMM): y[r, b] (+)= Σ_{p in row r} values[p] · x[col_p, b],
   * with x [cols × batch] and y [rows × batch].
   */
  spmm(
    rowOffsets: Int32Array,
    columnIndices: Int32Array,
    values: Float32Array,
    x: Float32Array,
    y: Float32Array,
    rows: number,
    batch: number,
    accumulate: boolean,
  ): void;

  /**
   * Input gradient dx = Wᵀ·dy: dx[c, b] (+)= Σ_{p: col_p = c} values[p] · dy[r_p, b],
   * with dy [rows × batch] and dx [cols × batch] (every row of dx is written, kept column or not).
   */
  spmmTransposed(
    rowOffsets: Int32Array,
    columnIndices: Int32Array,
    values: Float32Array,
    dy: Float32Array,
    dx: Float32Array,
    rows: number,
    cols: number,
    batch: number,
    accumulate: boolean,
  ): void;

  /**
   * Weight gradient sampled at the pattern (SDDMM): out[p] (+)= Σ_b dy[r_p, b] · x[col_p, b], i.e. the
   * entries of dy·xᵀ at the kept positions only, with dy [rows × batch] and x [cols × batch].
   */
  sddmm(
    rowOffsets: Int32Array,
    columnIndices: Int32Array,
    dy: Float32Array,
    x: Float32Array,
    out: Float32Array,
    rows: number,
    batch: number,
    accumulate: boolean,
  ): void;
}

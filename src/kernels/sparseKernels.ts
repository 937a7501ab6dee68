/**
 * The sparse kernel contract, declared once (declare.ts): the three products of an always-sparse linear layer
 * (DESIGN.md, SparseWeight). Every backend (the TypeScript reference, the WebAssembly SIMD builds) implements
 * the SparseKernels interface that follows, and the same tests run against each.
 *
 * W is a CSR matrix [rows × cols] (see src/sparse/csr.ts): row r keeps the columns
 * columnIndices[rowOffsets[r] .. rowOffsets[r+1]), each < cols, and `values` holds its nnz entries in that
 * order. Activations are feature-major, [features × batch] with the batch contiguous, so every kept entry
 * touches whole contiguous batch rows. The kernels trust the pattern (column indices in range, offsets
 * ascending): build patterns with the src/sparse/csr.ts constructors, which check them.
 *
 * The exports (assembly/sparse*.ts) take a row range [r0, r1) (spmm, sddmm), a batch column range [b0, b1)
 * and the full batch stride, so that worker threads can split a product (threadsSparse.ts); a call covers the
 * whole product.
 *
 * Cost: each kernel does 2·nnz·batch floating-point operations, against 2·rows·cols·batch for dense.
 * `accumulate`: when true the kernel adds its result into the output; when false it overwrites it.
 */
import {
  type ArgsOf,
  type Call,
  declareKernels,
  f32In,
  f32InOut,
  flag,
  hostSize,
  i32In,
  type KernelsOf,
  size,
  viewsOf,
  wasmOnly,
} from './declare.js';

/**
 * The rows of x [cols × batch] a product with this pattern reads: 1 + its largest column index, the last of
 * some row (columns ascend within a row), found in O(rows). x must hold that many rows of the batch.
 */
export function columnsRead(rowOffsets: Int32Array, columnIndices: Int32Array, rows: number): number {
  let columns = 0;
  for (let r = 0; r < rows; r++) {
    const end = rowOffsets[r + 1];
    if (end > rowOffsets[r]) columns = Math.max(columns, columnIndices[end - 1] + 1);
  }
  return columns;
}

interface Pattern {
  rowOffsets: Int32Array;
  columnIndices: Int32Array;
  rows: number;
  batch: number;
}
/** Kept entries of the pattern (read once rowOffsets is checked to hold rows + 1 entries). */
const nnz = (call: Call) => viewsOf<Pattern>(call).rowOffsets[call.rows];
/** Entries of x [columns read × batch]. */
const xEntries = (call: Call) => {
  const { rowOffsets, columnIndices, rows, batch } = viewsOf<Pattern>(call);
  return columnsRead(rowOffsets, columnIndices, rows) * batch;
};
const pattern = { rowOffsets: i32In((call) => call.rows + 1), columnIndices: i32In(nnz) } as const;
/** The export's row range (every row), batch stride and batch column range (every column). */
const wholeRows = { r0: wasmOnly(() => 0), r1: wasmOnly((call) => call.rows) } as const;
const wholeBatch = {
  stride: wasmOnly((call) => call.batch),
  b0: wasmOnly(() => 0),
  b1: wasmOnly((call) => call.batch),
} as const;

export const sparseKernelDeclarations = declareKernels({
  /**
   * Forward product y = W·x (SpMM): y[r, b] (+)= Σ_{p in row r} values[p] · x[col_p, b],
   * with x [cols × batch] and y [rows × batch].
   */
  spmm: {
    args: {
      ...pattern,
      values: f32In(nnz),
      x: f32In(xEntries),
      y: f32InOut((call) => call.rows * call.batch),
      rows: hostSize,
      batch: hostSize,
      ...wholeRows,
      ...wholeBatch,
      accumulate: flag,
    },
  },
  /**
   * Input gradient dx = Wᵀ·dy: dx[c, b] (+)= Σ_{p: col_p = c} values[p] · dy[r_p, b],
   * with dy [rows × batch] and dx [cols × batch] (every row of dx is written, kept column or not).
   */
  spmmTransposed: {
    args: {
      ...pattern,
      values: f32In(nnz),
      dy: f32In((call) => call.rows * call.batch),
      dx: f32InOut((call) => call.cols * call.batch),
      rows: size,
      cols: size,
      batch: hostSize,
      ...wholeBatch,
      accumulate: flag,
    },
  },
  /**
   * Weight gradient sampled at the pattern (SDDMM): out[p] (+)= Σ_b dy[r_p, b] · x[col_p, b], i.e. the
   * entries of dy·xᵀ at the kept positions only, with dy [rows × batch] and x [cols × batch].
   */
  sddmm: {
    args: {
      ...pattern,
      dy: f32In((call) => call.rows * call.batch),
      x: f32In(xEntries),
      out: f32InOut(nnz),
      rows: hostSize,
      batch: hostSize,
      ...wholeRows,
      ...wholeBatch,
      accumulate: flag,
    },
  },
});

/** The sparse kernels every backend implements. */
export type SparseKernels = KernelsOf<typeof sparseKernelDeclarations>;

/** The named arguments of sparse kernel K (what its reference implementation takes). */
export type SparseKernelArgs<K extends keyof typeof sparseKernelDeclarations> = ArgsOf<
  (typeof sparseKernelDeclarations)[K]
>;

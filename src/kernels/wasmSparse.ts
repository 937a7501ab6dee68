/**
 * The SparseKernels contract on top of the WebAssembly exports (assembly/sparse*.ts). Each call checks that
 * its arrays live in the kernel memory and are long enough for the sizes given (the kernels write by offset,
 * so a short array would silently corrupt its heap neighbours), then passes byte offsets.
 *
 * The exports take a row range [r0, r1) (spmm, sddmm), a batch column range [b0, b1) and the full batch
 * stride, so that worker threads can split a product; this wrapper runs the whole product on one thread.
 */
import type { SparseKernels } from './sparseKernels.js';
import { viewPointer } from './wasmKernels.js';

type Ptr = number;

/** The sparse kernel functions the module exports. */
export interface SparseKernelExports {
  spmm(
    rowOffsets: Ptr,
    columnIndices: Ptr,
    values: Ptr,
    x: Ptr,
    y: Ptr,
    r0: number,
    r1: number,
    stride: number,
    b0: number,
    b1: number,
    accumulate: boolean,
  ): void;
  spmmTransposed(
    rowOffsets: Ptr,
    columnIndices: Ptr,
    values: Ptr,
    dy: Ptr,
    dx: Ptr,
    rows: number,
    cols: number,
    stride: number,
    b0: number,
    b1: number,
    accumulate: boolean,
  ): void;
  sddmm(
    rowOffsets: Ptr,
    columnIndices: Ptr,
    dy: Ptr,
    x: Ptr,
    out: Ptr,
    r0: number,
    r1: number,
    stride: number,
    b0: number,
    b1: number,
    accumulate: boolean,
  ): void;
}

/**
 * The sparse kernels of a module instance (`exports` as returned by instantiateWasmKernels) on the memory it
 * imported; `name` is reported as SparseKernels.name ('wasm-simd' or 'wasm-relaxed-simd').
 */
export function wasmSparseKernels(
  exports: Record<string, unknown>,
  memory: WebAssembly.Memory,
  name = 'wasm-simd',
): SparseKernels {
  const wasm = sparseExports(exports);
  const ptr = viewPointer(memory);
  /** Offsets of a pattern's arrays, after checking them against `rows`; also nnz and the columns read. */
  const pattern = (rowOffsets: Int32Array, columnIndices: Int32Array, rows: number) => {
    const offsetsAt = ptr(rowOffsets, rows + 1, 'rowOffsets');
    const nnz = rowOffsets[rows];
    const indicesAt = ptr(columnIndices, nnz, 'columnIndices');
    return { offsetsAt, indicesAt, nnz, columns: columnsRead(rowOffsets, columnIndices, rows) };
  };
  return {
    name,
    spmm(rowOffsets, columnIndices, values, x, y, rows, batch, accumulate) {
      const { offsetsAt, indicesAt, nnz, columns } = pattern(rowOffsets, columnIndices, rows);
      wasm.spmm(
        offsetsAt,
        indicesAt,
        ptr(values, nnz, 'values'),
        ptr(x, columns * batch, 'x'),
        ptr(y, rows * batch, 'y'),
        0,
        rows,
        batch,
        0,
        batch,
        accumulate,
      );
    },
    spmmTransposed(rowOffsets, columnIndices, values, dy, dx, rows, cols, batch, accumulate) {
      const { offsetsAt, indicesAt, nnz } = pattern(rowOffsets, columnIndices, rows);
      wasm.spmmTransposed(
        offsetsAt,
        indicesAt,
        ptr(values, nnz, 'values'),
        ptr(dy, rows * batch, 'dy'),
        ptr(dx, cols * batch, 'dx'),
        rows,
        cols,
        batch,
        0,
        batch,
        accumulate,
      );
    },
    sddmm(rowOffsets, columnIndices, dy, x, out, rows, batch, accumulate) {
      const { offsetsAt, indicesAt, nnz, columns } = pattern(rowOffsets, columnIndices, rows);
      wasm.sddmm(
        offsetsAt,
        indicesAt,
        ptr(dy, rows * batch, 'dy'),
        ptr(x, columns * batch, 'x'),
        ptr(out, nnz, 'out'),
        0,
        rows,
        batch,
        0,
        batch,
        accumulate,
      );
    },
  };
}

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

function sparseExports(exports: Record<string, unknown>): SparseKernelExports {
  for (const kernel of ['spmm', 'spmmTransposed', 'sddmm']) {
    if (typeof exports[kernel] !== 'function') {
      throw new Error(
        `the WebAssembly module does not export ${kernel}: rebuild it with \`npm run build:wasm\` (assembly/index.ts must re-export assembly/sparse*.ts)`,
      );
    }
  }
  return exports as unknown as SparseKernelExports;
}

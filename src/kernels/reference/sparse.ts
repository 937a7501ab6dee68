/** Reference sparse kernels (see SparseKernels): the executable spec the SIMD kernels are tested against. */
import type { SparseKernels } from '../sparseKernels.js';

export const referenceSparseKernels: SparseKernels = {
  name: 'reference',

  spmm({ rowOffsets, columnIndices, values, x, y, rows, batch, accumulate }) {
    for (let r = 0; r < rows; r++) {
      for (let b = 0; b < batch; b++) {
        let acc = 0;
        for (let p = rowOffsets[r]; p < rowOffsets[r + 1]; p++)
          acc += values[p] * x[columnIndices[p] * batch + b];
        y[r * batch + b] = accumulate ? y[r * batch + b] + acc : acc;
      }
    }
  },

  spmmTransposed({ rowOffsets, columnIndices, values, dy, dx, rows, cols, batch, accumulate }) {
    if (!accumulate) dx.fill(0, 0, cols * batch);
    for (let r = 0; r < rows; r++) {
      for (let p = rowOffsets[r]; p < rowOffsets[r + 1]; p++) {
        const c = columnIndices[p];
        for (let b = 0; b < batch; b++) dx[c * batch + b] += values[p] * dy[r * batch + b];
      }
    }
  },

  sddmm({ rowOffsets, columnIndices, dy, x, out, rows, batch, accumulate }) {
    for (let r = 0; r < rows; r++) {
      for (let p = rowOffsets[r]; p < rowOffsets[r + 1]; p++) {
        const c = columnIndices[p];
        let acc = 0;
        for (let b = 0; b < batch; b++) acc += dy[r * batch + b] * x[c * batch + b];
        out[p] = accumulate ? out[p] + acc : acc;
      }
    }
  },
};

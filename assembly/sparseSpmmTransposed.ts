// Input gradient through a CSR weight (see SparseKernels.spmmTransposed): dx[c, b] (+)= Σ_{p: col_p = c}
// values[p]·dy[r_p, b] for the batch columns b0..b1 (rows of dx and dy are `stride` floats apart). Walks W
// row by row and scatters: 32 batch columns of dy[r] stay in eight registers while every kept entry of the
// row adds values[p] times them into dx[col_p]. The batch is walked in panels of 32 columns outside the rows;
// when W has enough entries per column to pay for it, a panel of dx is accumulated in a contiguous copy in
// the scratch (cols × 128 bytes, in cache, free of the conflict misses of dx's power-of-two row stride) and
// copied back. Each dx entry receives its terms in ascending row order whatever the batch range or panels,
// so threads that split the batch give the same bits as one thread.
//
// What bounds it (1024×1024, density 0.1, batch 128): per kept entry and 32-column panel, 8 loads, 8 FMAs and
// 8 stores of dx: the stores (one per FMA, where SpMM keeps its sums in registers) and the scalar work per
// entry hold it at 19–20 GFLOP/s, 0.44–0.46 of the dense product (target 0.65: missed). A gather form over a
// column-major copy of the pattern would keep the sums in registers as SpMM does, but the pattern changes
// at every refresh and a per-call transpose costs about a tenth of the product, for SpMM's 0.53 at best.
import { PACKED_B_BYTES } from './matmulPack';
import { scratchStart } from './scratch';
import { copyRows, madd } from './simd';

export function spmmTransposed(
  rowOffsets: usize,
  columnIndices: usize,
  values: usize,
  dy: usize,
  dx: usize,
  rows: i32,
  cols: i32,
  stride: i32,
  b0: i32,
  b1: i32,
  accumulate: bool,
): void {
  if (b1 <= b0) return;
  const rowBytes = (<usize>stride) << 2;
  const first = (<usize>b0) << 2;
  if (!accumulate) {
    const bytes = (<usize>(b1 - b0)) << 2;
    for (let c = 0; c < cols; c++) memory.fill(dx + <usize>c * rowBytes + first, 0, bytes);
  }
  // Panels of 32 batch columns outside, rows inside. The panel of dx is accumulated in a contiguous copy
  // (cols × 128 bytes, in cache without the conflicts of dx's power-of-two row stride) and copied back.
  const packed = scratchStart();
  // Only when the panel is reused enough to pay for the two copies (about 8 entries per column of W).
  const usePack =
    <usize>cols * 128 <= PACKED_B_BYTES && load<i32>(rowOffsets + ((<usize>rows) << 2)) >= cols << 3;
  let b = b0;
  for (; b + 32 <= b1; b += 32) {
    const column = (<usize>b) << 2;
    let target = dx + column;
    let targetBytes = rowBytes;
    if (usePack) {
      copyRows(packed, 128, target, rowBytes, cols, 128);
      target = packed;
      targetBytes = 128;
    }
    for (let r = 0; r < rows; r++) {
      const pStart = load<i32>(rowOffsets + ((<usize>r) << 2));
      const pEnd = load<i32>(rowOffsets + ((<usize>r + 1) << 2));
      if (pStart === pEnd) continue;
      scatterRow32(
        columnIndices,
        values,
        pStart,
        pEnd,
        dy + <usize>r * rowBytes + column,
        target,
        targetBytes,
      );
    }
    if (usePack) {
      copyRows(dx + column, rowBytes, packed, 128, cols, 128);
    }
  }
  if (b >= b1) return;
  const tail = b;
  for (let r = 0; r < rows; r++) {
    const pStart = load<i32>(rowOffsets + ((<usize>r) << 2));
    const pEnd = load<i32>(rowOffsets + ((<usize>r + 1) << 2));
    if (pStart === pEnd) continue;
    const dyRow = dy + <usize>r * rowBytes;
    b = tail;
    for (; b + 4 <= b1; b += 4) {
      const column = (<usize>b) << 2;
      const g = v128.load(dyRow + column);
      for (let p = pStart; p < pEnd; p++) {
        const w = f32x4.splat(load<f32>(values + ((<usize>p) << 2)));
        const dst = dx + <usize>load<i32>(columnIndices + ((<usize>p) << 2)) * rowBytes + column;
        v128.store(dst, madd(w, g, v128.load(dst)));
      }
    }
    for (; b < b1; b++) {
      const column = (<usize>b) << 2;
      const g = load<f32>(dyRow + column);
      for (let p = pStart; p < pEnd; p++) {
        const dst = dx + <usize>load<i32>(columnIndices + ((<usize>p) << 2)) * rowBytes + column;
        store<f32>(dst, load<f32>(dst) + load<f32>(values + ((<usize>p) << 2)) * g);
      }
    }
  }
}

/** dx[col_p, 32 columns] += values[p]·g for the entries of one row; g is read once from `source`. */
function scatterRow32(
  columnIndices: usize,
  values: usize,
  pStart: i32,
  pEnd: i32,
  source: usize,
  dx: usize,
  rowBytes: usize,
): void {
  const g0 = v128.load(source, 0);
  const g1 = v128.load(source, 16);
  const g2 = v128.load(source, 32);
  const g3 = v128.load(source, 48);
  const g4 = v128.load(source, 64);
  const g5 = v128.load(source, 80);
  const g6 = v128.load(source, 96);
  const g7 = v128.load(source, 112);
  // The value and index pointers walk the entries: no address arithmetic per entry but dx's row.
  let weight = values + ((<usize>pStart) << 2);
  let index = columnIndices + ((<usize>pStart) << 2);
  const indexEnd = columnIndices + ((<usize>pEnd) << 2);
  for (; index < indexEnd; index += 4) {
    const w = v128.load32_splat(weight);
    const dst = dx + <usize>load<i32>(index) * rowBytes;
    weight += 4;
    v128.store(dst, madd(w, g0, v128.load(dst, 0)), 0);
    v128.store(dst, madd(w, g1, v128.load(dst, 16)), 16);
    v128.store(dst, madd(w, g2, v128.load(dst, 32)), 32);
    v128.store(dst, madd(w, g3, v128.load(dst, 48)), 48);
    v128.store(dst, madd(w, g4, v128.load(dst, 64)), 64);
    v128.store(dst, madd(w, g5, v128.load(dst, 80)), 80);
    v128.store(dst, madd(w, g6, v128.load(dst, 96)), 96);
    v128.store(dst, madd(w, g7, v128.load(dst, 112)), 112);
  }
}

// Forward sparse × dense product (SpMM, see SparseKernels.spmm): y[r, b] (+)= Σ_p values[p]·x[col_p, b] for
// the rows r0..r1 of a CSR weight and the batch columns b0..b1 (x and y rows are `stride` floats apart), so
// worker threads can split either rows or the batch. Each output row is built in registers, 24 batch
// columns (six f32x4) at a time: every kept entry adds its weight times 24 contiguous floats of an x row.
// Six accumulators, not eight: V8 hoists the loads of a step ahead of the multiply-adds and keeps only 15
// vector registers, so eight accumulators (with eight loads in flight) spilled one to the stack, and its
// store-reload sat in the dependency chain of every step. Then 16 columns, one f32x4 and a scalar tail.
//
// The batch is walked in panels of 24 columns outside the rows, and when W has enough entries per column to
// pay for it, each panel of x (every column W reads) is first copied to a contiguous block of the scratch:
// gathered rows of x then come from a few KiB that stay in L1, instead of lines 4 KiB apart that evict each
// other. Every y entry gets the same multiply-adds in the same order (entry order) whatever the panels, so
// the result is that of a plain loop. Pointers are byte offsets into the shared memory.
//
// What bounds it (1024×1024 weight, density 0.1, batch 128, relaxed build; V8's x64 code read with
// --print-wasm-code): per kept entry and 24-column panel, 6 vector loads, 6 FMAs and about 7 scalar
// instructions (the value's splat load, the index load, the multiply by the row stride and its add, two
// pointer steps, the loop compare), i.e. ~3.1 instructions and 1.2 loads per FMA, against ~2.3 and 0.75 in the
// dense 4×8 tile (matmulTile.ts); the gathered rows come from the 96 KiB packed panel in L2. Measured 23–25
// GFLOP/s, 0.50–0.54 of the dense product (issue #12's target 0.65: missed). Walking value and index
// pointers and a two-accumulator kernel for a tail of 8 columns (batch 128 = 5·24 + 8: the tail went through
// the one-f32x4 loop, ~19% of the instructions for 6% of the FLOPs) made it 1.13–1.18× faster. Tried and
// dropped: 28-column tiles with seven accumulators (no gain), and walking the packed panel in column blocks
// that fit L1 (15% slower: each block loads and stores every row's 24 outputs again).
import { PACKED_B_BYTES } from './matmulPack';
import { scratchStart } from './scratch';
import { copyRows, madd } from './simd';

/** Batch columns per register tile and per packed panel of x. */
const TILE: i32 = 24;
const TILE_BYTES: usize = (<usize>TILE) << 2;

export function spmm(
  rowOffsets: usize,
  columnIndices: usize,
  values: usize,
  x: usize,
  y: usize,
  r0: i32,
  r1: i32,
  stride: i32,
  b0: i32,
  b1: i32,
  accumulate: bool,
): void {
  if (r1 <= r0 || b1 <= b0) return;
  const rowBytes = (<usize>stride) << 2;
  const first = load<i32>(rowOffsets + ((<usize>r0) << 2));
  const last = load<i32>(rowOffsets + ((<usize>r1) << 2));
  const cols = maxColumn(columnIndices, first, last) + 1;
  const packed = scratchStart();
  // Only when the panel is reused enough to pay for the copy (about 8 entries per column of W).
  const pack = <usize>cols * TILE_BYTES <= PACKED_B_BYTES && last - first >= cols << 3;
  let b = b0;
  for (; b + TILE <= b1; b += TILE) {
    const column = (<usize>b) << 2;
    let source = x + column;
    let sourceBytes = rowBytes;
    if (pack) {
      copyRows(packed, TILE_BYTES, source, rowBytes, cols, TILE_BYTES);
      source = packed;
      sourceBytes = TILE_BYTES;
    }
    for (let r = r0; r < r1; r++) {
      const pStart = load<i32>(rowOffsets + ((<usize>r) << 2));
      const pEnd = load<i32>(rowOffsets + ((<usize>r + 1) << 2));
      const out = y + <usize>r * rowBytes + column;
      spmmRow24(columnIndices, values, pStart, pEnd, source, sourceBytes, out, accumulate);
    }
  }
  if (b >= b1) return;
  const tail = b;
  for (let r = r0; r < r1; r++) {
    const pStart = load<i32>(rowOffsets + ((<usize>r) << 2));
    const pEnd = load<i32>(rowOffsets + ((<usize>r + 1) << 2));
    const yRow = y + <usize>r * rowBytes;
    b = tail;
    if (b + 16 <= b1) {
      const column = (<usize>b) << 2;
      spmmRow16(columnIndices, values, pStart, pEnd, x + column, rowBytes, yRow + column, accumulate);
      b += 16;
    }
    if (b + 8 <= b1) {
      const column = (<usize>b) << 2;
      spmmRow8(columnIndices, values, pStart, pEnd, x + column, rowBytes, yRow + column, accumulate);
      b += 8;
    }
    for (; b + 4 <= b1; b += 4) {
      const column = (<usize>b) << 2;
      let acc = accumulate ? v128.load(yRow + column) : f32x4.splat(0);
      for (let p = pStart; p < pEnd; p++) {
        const w = f32x4.splat(load<f32>(values + ((<usize>p) << 2)));
        const xRow = x + <usize>load<i32>(columnIndices + ((<usize>p) << 2)) * rowBytes;
        acc = madd(w, v128.load(xRow + column), acc);
      }
      v128.store(yRow + column, acc);
    }
    for (; b < b1; b++) {
      const column = (<usize>b) << 2;
      let acc: f32 = accumulate ? load<f32>(yRow + column) : 0;
      for (let p = pStart; p < pEnd; p++) {
        const xRow = x + <usize>load<i32>(columnIndices + ((<usize>p) << 2)) * rowBytes;
        acc += load<f32>(values + ((<usize>p) << 2)) * load<f32>(xRow + column);
      }
      store<f32>(yRow + column, acc);
    }
  }
}

/** 24 batch columns of one output row: x and out point at the first column; six accumulators. */
function spmmRow24(
  columnIndices: usize,
  values: usize,
  pStart: i32,
  pEnd: i32,
  x: usize,
  rowBytes: usize,
  out: usize,
  accumulate: bool,
): void {
  let a0 = f32x4.splat(0);
  let a1 = a0;
  let a2 = a0;
  let a3 = a0;
  let a4 = a0;
  let a5 = a0;
  if (accumulate) {
    a0 = v128.load(out, 0);
    a1 = v128.load(out, 16);
    a2 = v128.load(out, 32);
    a3 = v128.load(out, 48);
    a4 = v128.load(out, 64);
    a5 = v128.load(out, 80);
  }
  // The value and index pointers walk the entries: no address arithmetic per entry but x's row.
  let weight = values + ((<usize>pStart) << 2);
  let index = columnIndices + ((<usize>pStart) << 2);
  const indexEnd = columnIndices + ((<usize>pEnd) << 2);
  for (; index < indexEnd; index += 4) {
    const w = v128.load32_splat(weight);
    const src = x + <usize>load<i32>(index) * rowBytes;
    a0 = madd(w, v128.load(src, 0), a0);
    a1 = madd(w, v128.load(src, 16), a1);
    a2 = madd(w, v128.load(src, 32), a2);
    a3 = madd(w, v128.load(src, 48), a3);
    a4 = madd(w, v128.load(src, 64), a4);
    a5 = madd(w, v128.load(src, 80), a5);
    weight += 4;
  }
  v128.store(out, a0, 0);
  v128.store(out, a1, 16);
  v128.store(out, a2, 32);
  v128.store(out, a3, 48);
  v128.store(out, a4, 64);
  v128.store(out, a5, 80);
}

/** 16 batch columns of one output row (the tail after the 24-column panels); four accumulators. */
function spmmRow16(
  columnIndices: usize,
  values: usize,
  pStart: i32,
  pEnd: i32,
  x: usize,
  rowBytes: usize,
  out: usize,
  accumulate: bool,
): void {
  let a0 = f32x4.splat(0);
  let a1 = a0;
  let a2 = a0;
  let a3 = a0;
  if (accumulate) {
    a0 = v128.load(out, 0);
    a1 = v128.load(out, 16);
    a2 = v128.load(out, 32);
    a3 = v128.load(out, 48);
  }
  let weight = values + ((<usize>pStart) << 2);
  let index = columnIndices + ((<usize>pStart) << 2);
  const indexEnd = columnIndices + ((<usize>pEnd) << 2);
  for (; index < indexEnd; index += 4) {
    const w = v128.load32_splat(weight);
    const src = x + <usize>load<i32>(index) * rowBytes;
    a0 = madd(w, v128.load(src, 0), a0);
    a1 = madd(w, v128.load(src, 16), a1);
    a2 = madd(w, v128.load(src, 32), a2);
    a3 = madd(w, v128.load(src, 48), a3);
    weight += 4;
  }
  v128.store(out, a0, 0);
  v128.store(out, a1, 16);
  v128.store(out, a2, 32);
  v128.store(out, a3, 48);
}

/** 8 batch columns of one output row (the tail after 16); two accumulators. */
function spmmRow8(
  columnIndices: usize,
  values: usize,
  pStart: i32,
  pEnd: i32,
  x: usize,
  rowBytes: usize,
  out: usize,
  accumulate: bool,
): void {
  let a0 = accumulate ? v128.load(out, 0) : f32x4.splat(0);
  let a1 = accumulate ? v128.load(out, 16) : f32x4.splat(0);
  let weight = values + ((<usize>pStart) << 2);
  let index = columnIndices + ((<usize>pStart) << 2);
  const indexEnd = columnIndices + ((<usize>pEnd) << 2);
  for (; index < indexEnd; index += 4) {
    const w = v128.load32_splat(weight);
    const src = x + <usize>load<i32>(index) * rowBytes;
    a0 = madd(w, v128.load(src, 0), a0);
    a1 = madd(w, v128.load(src, 16), a1);
    weight += 4;
  }
  v128.store(out, a0, 0);
  v128.store(out, a1, 16);
}

/** The largest column index among the entries first..last − 1 (−1 if there are none). */
function maxColumn(columnIndices: usize, first: i32, last: i32): i32 {
  let m: i32 = -1;
  for (let p = first; p < last; p++) m = max(m, load<i32>(columnIndices + ((<usize>p) << 2)));
  return m;
}

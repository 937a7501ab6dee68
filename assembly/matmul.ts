// Dense matmul in the three forms training needs (see Kernels.matmul): C[m×n] (+)= op(A)·op(B), with
// op(A) = A [m×k] or Aᵀ (A stored [k×m]) and op(B) = B [k×n] or Bᵀ (B stored [n×k]).
//
// Blocked as in GotoBLAS/BLIS: for each block of NC columns and KC k-steps, B is packed once into panels of
// NR columns (KC·NC floats, in cache), then each group of MR rows of A is packed (KC·MR floats, in L1) and
// multiplied against every panel by the 4×8 register tile. Packing also does the transposes, so all three
// forms run the same tile; edges are zero-padded in the packs and cut at the store.
import {
  KC,
  MR,
  NC,
  NR,
  PACKED_A_BYTES,
  PACKED_B_BYTES,
  packAColumns,
  packARows,
  packBColumns,
  packBRows,
} from './matmulPack';
import { multiplyTile } from './matmulTile';
import { scratchStart } from './scratch';

export function matmul(
  a: usize,
  b: usize,
  c: usize,
  m: i32,
  k: i32,
  n: i32,
  transA: bool,
  transB: bool,
  accumulate: bool,
): void {
  matmulRows(a, b, c, m, k, n, transA, transB, accumulate, 0, m);
}

/**
 * Rows r0..r1 of the same product (a multiple of MR for r0, so the tiles are those of the whole product):
 * each entry of C gets the same instruction sequence as in `matmul`, so threads that split the rows of C
 * produce the bits of one thread. Each caller packs B itself, into its own scratch region.
 */
export function matmulRows(
  a: usize,
  b: usize,
  c: usize,
  m: i32,
  k: i32,
  n: i32,
  transA: bool,
  transB: bool,
  accumulate: bool,
  r0: i32,
  r1: i32,
): void {
  if (r1 <= r0 || n <= 0) return;
  if (k <= 0) {
    if (!accumulate) memory.fill(c + ((<usize>r0 * n) << 2), 0, (<usize>(r1 - r0) * n) << 2);
    return;
  }
  const packedB = scratchStart();
  const packedA = packedB + PACKED_B_BYTES;
  const tail = packedA + PACKED_A_BYTES;
  const ldc = (<usize>n) << 2;
  for (let j0 = 0; j0 < n; j0 += NC) {
    const nc = min(NC, n - j0);
    for (let p0 = 0; p0 < k; p0 += KC) {
      const kc = min(KC, k - p0);
      const add = accumulate || p0 > 0;
      if (transB) packBColumns(b, k, j0, nc, p0, kc, packedB);
      else packBRows(b, n, j0, nc, p0, kc, packedB);
      for (let i = r0; i < r1; i += MR) {
        const rows = min(MR, r1 - i);
        if (transA) packAColumns(a, m, i, rows, p0, kc, packedA);
        else packARows(a, k, i, rows, p0, kc, packedA);
        const cRow = c + <usize>i * ldc + ((<usize>j0) << 2);
        for (let j = 0; j < nc; j += NR) {
          const panel = packedB + ((<usize>j * kc) << 2);
          multiplyTile(packedA, panel, kc, cRow + ((<usize>j) << 2), ldc, rows, min(NR, nc - j), add, tail);
        }
      }
    }
  }
}

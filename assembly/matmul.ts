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
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    if (!accumulate) memory.fill(c, 0, (<usize>m * n) << 2);
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
      for (let i = 0; i < m; i += MR) {
        const rows = min(MR, m - i);
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

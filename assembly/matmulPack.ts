// Packing for the matmul register tile (see matmulTile.ts). Each routine copies one block of an operand,
// in whichever storage order it comes, into the order the tile reads: consecutive, zero-padded to full tiles.
//
// - A block (MR rows of the product × kc steps):  packed[p·MR + r] = op(A)[i + r, p0 + p]
// - B panel (kc steps × NR columns):              packed[p·NR + c] = op(B)[p0 + p, j + c]
import { storeTransposed4x4 } from './simd';

/** Rows of the product per register tile. */
export const MR: i32 = 4;
/** Columns of the product per register tile (two f32x4 vectors). */
export const NR: i32 = 8;
/** k-steps per block: a packed A block (KC·MR floats) stays in L1 next to one B panel (KC·NR floats). */
export const KC: i32 = 256;
/** Columns per block: the packed B block (KC·NC floats = 512 KiB) stays in L2. */
export const NC: i32 = 512;

export const PACKED_B_BYTES: usize = (<usize>(KC * NC)) << 2;
export const PACKED_A_BYTES: usize = (<usize>(KC * MR)) << 2;
export const TAIL_BYTES: usize = (<usize>(MR * NR)) << 2;
/** Scratch bytes matmul needs: a packed B block, a packed A block and one edge tile. */
export const MATMUL_SCRATCH_BYTES: usize = PACKED_B_BYTES + PACKED_A_BYTES + TAIL_BYTES;

/** A stored row-major [m×k] (NN, NT): rows i.. of A, four k-steps at a time through a 4×4 transpose. */
export function packARows(a: usize, k: i32, i: i32, rows: i32, p0: i32, kc: i32, packed: usize): void {
  const rowBytes = (<usize>k) << 2;
  const src = a + ((<usize>i * k + p0) << 2);
  let p = 0;
  if (rows === MR) {
    for (; p + 4 <= kc; p += 4) {
      const at = src + ((<usize>p) << 2);
      storeTransposed4x4(
        v128.load(at),
        v128.load(at + rowBytes),
        v128.load(at + 2 * rowBytes),
        v128.load(at + 3 * rowBytes),
        packed + ((<usize>p) << 4),
        16,
      );
    }
  }
  for (; p < kc; p++) {
    const out = packed + ((<usize>p) << 4);
    for (let r = 0; r < MR; r++) {
      store<f32>(
        out + ((<usize>r) << 2),
        r < rows ? load<f32>(src + <usize>r * rowBytes + ((<usize>p) << 2)) : 0,
      );
    }
  }
}

/** A stored [k×m] and used transposed (TN): the MR entries of one k-step are already contiguous. */
export function packAColumns(a: usize, m: i32, i: i32, rows: i32, p0: i32, kc: i32, packed: usize): void {
  const rowBytes = (<usize>m) << 2;
  let src = a + ((<usize>p0 * m + i) << 2);
  for (let p = 0; p < kc; p++) {
    const out = packed + ((<usize>p) << 4);
    if (rows === MR) {
      v128.store(out, v128.load(src));
    } else {
      for (let r = 0; r < MR; r++)
        store<f32>(out + ((<usize>r) << 2), r < rows ? load<f32>(src + ((<usize>r) << 2)) : 0);
    }
    src += rowBytes;
  }
}

/** B stored row-major [k×n] (NN, TN): panels of NR columns, each kc·NR floats, for columns j0..j0+nc. */
export function packBRows(b: usize, n: i32, j0: i32, nc: i32, p0: i32, kc: i32, packed: usize): void {
  const rowBytes = (<usize>n) << 2;
  for (let j = 0; j < nc; j += NR) {
    const cols = min(NR, nc - j);
    let src = b + ((<usize>p0 * n + j0 + j) << 2);
    let out = packed + ((<usize>j * kc) << 2);
    for (let p = 0; p < kc; p++) {
      if (cols === NR) {
        v128.store(out, v128.load(src));
        v128.store(out, v128.load(src, 16), 16);
      } else {
        for (let c = 0; c < NR; c++)
          store<f32>(out + ((<usize>c) << 2), c < cols ? load<f32>(src + ((<usize>c) << 2)) : 0);
      }
      src += rowBytes;
      out += NR << 2;
    }
  }
}

/** B stored [n×k] and used transposed (NT): each panel is a transpose of NR rows of B, 4×4 blocks at a time. */
export function packBColumns(b: usize, k: i32, j0: i32, nc: i32, p0: i32, kc: i32, packed: usize): void {
  const rowBytes = (<usize>k) << 2;
  for (let j = 0; j < nc; j += NR) {
    const cols = min(NR, nc - j);
    const src = b + ((<usize>(j0 + j) * k + p0) << 2);
    const out = packed + ((<usize>j * kc) << 2);
    let p = 0;
    if (cols === NR) {
      for (; p + 4 <= kc; p += 4) {
        const at = src + ((<usize>p) << 2);
        const to = out + ((<usize>p) << 5);
        storeTransposed4x4(
          v128.load(at),
          v128.load(at + rowBytes),
          v128.load(at + 2 * rowBytes),
          v128.load(at + 3 * rowBytes),
          to,
          32,
        );
        const at4 = at + 4 * rowBytes;
        storeTransposed4x4(
          v128.load(at4),
          v128.load(at4 + rowBytes),
          v128.load(at4 + 2 * rowBytes),
          v128.load(at4 + 3 * rowBytes),
          to + 16,
          32,
        );
      }
    }
    for (; p < kc; p++) {
      const to = out + ((<usize>p) << 5);
      for (let c = 0; c < NR; c++) {
        store<f32>(
          to + ((<usize>c) << 2),
          c < cols ? load<f32>(src + <usize>c * rowBytes + ((<usize>p) << 2)) : 0,
        );
      }
    }
  }
}

/**
 * How Spartan groups one weight matrix into entries (spec/spartan.md, "Units: entries and blocks"): blocks of
 * b_out × b_in weights, each entry j with value v_j = Σ|w| over its block.
 *
 * A matrix is seen as [rows, channels·positions]: a linear weight [out, in] has one position per column; a
 * convolution's [out, C·kh·kw] matrix has kh·kw positions per input channel, and its blocks are
 * (b_out, b_in, 1, 1): b_out filters × b_in input channels at one kernel position. Entries are numbered
 * row-block-major, then channel block, then position, so for 1×1 blocks entry j is weight j.
 *
 * A shape whose rows or channels the block dims do not divide falls back to 1×1 blocks (the caller warns).
 */
export interface BlockDims {
  readonly rows: number;
  readonly cols: number;
}

export class BlockLayout {
  readonly rows: number;
  readonly cols: number;
  /** The block dims in use: the requested ones, or 1×1 after a fall-back. */
  readonly block: BlockDims;
  /** Weights per block, b_out·b_in. */
  readonly blockSize: number;
  /** Entries (blocks) of the matrix. */
  readonly entries: number;
  /** Whether the requested dims did not divide the shape, so 1×1 blocks are used. */
  readonly fellBack: boolean;
  /** entryOf[i]: the entry of weight i (row-major); null for 1×1 blocks, where it is i. */
  private readonly entryOf: Int32Array | null;

  /** `positions`: kernel positions per input channel (kh·kw for a convolution, 1 for a linear map). */
  constructor(rows: number, cols: number, requested: BlockDims, positions = 1) {
    const channels = cols / positions;
    if (!Number.isInteger(channels)) {
      throw new Error(`BlockLayout: ${cols} columns are not whole channels of ${positions} positions`);
    }
    const divides = rows % requested.rows === 0 && channels % requested.cols === 0;
    this.rows = rows;
    this.cols = cols;
    this.fellBack = !divides && (requested.rows > 1 || requested.cols > 1);
    this.block = divides ? requested : { rows: 1, cols: 1 };
    this.blockSize = this.block.rows * this.block.cols;
    this.entries = (rows * cols) / this.blockSize;
    this.entryOf = this.blockSize === 1 ? null : entryIndex(rows, channels, positions, this.block);
  }

  /** v_j = Σ|w_i| over each block, written to out[offset + j]. */
  blockValues(weights: Float32Array, out: Float32Array | Float64Array, offset: number): void {
    const { entryOf } = this;
    if (entryOf === null) {
      for (let i = 0; i < weights.length; i++) out[offset + i] = Math.abs(weights[i]);
      return;
    }
    out.fill(0, offset, offset + this.entries);
    for (let i = 0; i < weights.length; i++) out[offset + entryOf[i]] += Math.abs(weights[i]);
  }

  /** Broadcasts per-entry values (from `offset`) to every weight of each block: out[i] = perEntry[entry(i)]. */
  broadcast(perEntry: ArrayLike<number>, offset: number, out: Float32Array): void {
    const { entryOf } = this;
    if (entryOf === null) for (let i = 0; i < out.length; i++) out[i] = perEntry[offset + i];
    else for (let i = 0; i < out.length; i++) out[i] = perEntry[offset + entryOf[i]];
  }

  /**
   * ∂L/∂w_i += sign(w_i)·scale·∂L/∂v_{entry(i)}: the soft top-k gradient of the block values reaches each weight
   * through v_j = Σ|w| (perEntry from `offset`).
   */
  addSignedBroadcast(
    perEntry: Float64Array,
    offset: number,
    scale: number,
    weights: Float32Array,
    grads: Float32Array,
  ): void {
    const { entryOf } = this;
    for (let i = 0; i < weights.length; i++) {
      const g = perEntry[offset + (entryOf === null ? i : entryOf[i])];
      grads[i] += Math.sign(weights[i]) * scale * g;
    }
  }

  /** Sums per-weight values over each block into out[offset + j]. */
  sumBlocks(perWeight: Float32Array, out: Float32Array | Float64Array, offset: number): void {
    const { entryOf } = this;
    if (entryOf === null) {
      for (let i = 0; i < perWeight.length; i++) out[offset + i] = perWeight[i];
      return;
    }
    out.fill(0, offset, offset + this.entries);
    for (let i = 0; i < perWeight.length; i++) out[offset + entryOf[i]] += perWeight[i];
  }
}

/** The entry of each weight of a [rows, channels·positions] matrix in blocks of `block`. */
function entryIndex(rows: number, channels: number, positions: number, block: BlockDims): Int32Array {
  const cols = channels * positions;
  const channelBlocks = channels / block.cols;
  const entryOf = new Int32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const rowBlock = Math.floor(r / block.rows);
    for (let col = 0; col < cols; col++) {
      const channel = Math.floor(col / positions);
      const position = col % positions;
      const channelBlock = Math.floor(channel / block.cols);
      entryOf[r * cols + col] = (rowBlock * channelBlocks + channelBlock) * positions + position;
    }
  }
  return entryOf;
}

/** Parses "4x4" (b_out × b_in) into block dims; anything else is an error naming the form. */
export function parseBlockDims(text: string): BlockDims {
  const match = /^(\d+)x(\d+)$/.exec(text.trim());
  const rows = match ? Number(match[1]) : Number.NaN;
  const cols = match ? Number(match[2]) : Number.NaN;
  if (!(rows >= 1 && cols >= 1)) {
    throw new Error(`block '${text}' is not b_out×b_in: write it like 1x1, 4x4 or 16x16 (positive integers)`);
  }
  return { rows, cols };
}

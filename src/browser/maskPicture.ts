/**
 * A down-sampled picture of a sparse layer's forward set A (the mask the forward pass uses), for a page to
 * draw as a heat map. The [rows × cols] matrix is cut into a grid of cells of cellRows × cellCols entries
 * (the last row and column of cells may be smaller); each cell reports the fraction of its entries in A and
 * the fraction that entered A since the previous picture, so a refresh that moves the mask shows up as
 * changed cells even where the density stays the same.
 */

/** One picture: `height × width` cells, row-major, each value a fraction in [0, 1] scaled to 0–255. */
export interface MaskPicture {
  /** The layer's name and the shape of its weight matrix. */
  readonly layer: string;
  readonly rows: number;
  readonly cols: number;
  /** Cells down and across; each cell covers cellRows × cellCols entries. */
  readonly height: number;
  readonly width: number;
  readonly cellRows: number;
  readonly cellCols: number;
  /** Per cell: round(255 · kept / entries in the cell). */
  readonly kept: Uint8Array;
  /** Per cell: round(255 · entered / entries in the cell), entered = in A now and not in the previous picture. */
  readonly entered: Uint8Array;
}

/** How large a picture may be, in cells. */
export interface PictureSize {
  readonly maxHeight: number;
  readonly maxWidth: number;
}

/**
 * Pictures the forward set `forward` (flat indices row·cols + col, ascending) of a [rows × cols] matrix;
 * `previous` is the forward set at the last picture (none: nothing counts as entered).
 */
export function maskPicture(
  layer: string,
  shape: { rows: number; cols: number },
  forward: Int32Array,
  previous: Int32Array | null,
  size: PictureSize,
): MaskPicture {
  const { rows, cols } = shape;
  if (!(size.maxHeight >= 1 && size.maxWidth >= 1)) {
    throw new Error(
      `maskPicture: the picture needs at least 1×1 cells, got ${size.maxHeight}×${size.maxWidth}`,
    );
  }
  const cellRows = Math.max(1, Math.ceil(rows / size.maxHeight));
  const cellCols = Math.max(1, Math.ceil(cols / size.maxWidth));
  const height = Math.ceil(rows / cellRows);
  const width = Math.ceil(cols / cellCols);
  const keptCounts = new Int32Array(height * width);
  const enteredCounts = new Int32Array(height * width);
  let p = 0;
  for (const flat of forward) {
    const cell =
      Math.floor(Math.floor(flat / cols) / cellRows) * width + Math.floor((flat % cols) / cellCols);
    keptCounts[cell]!++;
    if (previous) {
      // Both sets ascend: walk `previous` alongside.
      while (p < previous.length && previous[p]! < flat) p++;
      if (p >= previous.length || previous[p] !== flat) enteredCounts[cell]!++;
    }
  }
  const kept = new Uint8Array(height * width);
  const entered = new Uint8Array(height * width);
  for (let i = 0; i < height; i++) {
    const cellHeight = Math.min(cellRows, rows - i * cellRows);
    for (let j = 0; j < width; j++) {
      const entries = cellHeight * Math.min(cellCols, cols - j * cellCols);
      const cell = i * width + j;
      kept[cell] = Math.round((255 * keptCounts[cell]!) / entries);
      entered[cell] = Math.round((255 * enteredCounts[cell]!) / entries);
    }
  }
  return { layer, rows, cols, height, width, cellRows, cellCols, kept, entered };
}

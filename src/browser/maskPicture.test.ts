import { describe, expect, it } from 'vitest';
import { maskPicture } from './maskPicture.js';

describe('maskPicture', () => {
  // a 5×7 matrix in cells of 3×3 entries: rows 0–2 and 3–4, columns 0–2, 3–5 and 6 (cells of 9, 9, 3, 6, 6, 2)
  const shape = { rows: 5, cols: 7 };
  const size = { maxHeight: 2, maxWidth: 3 };
  const forward = Int32Array.from([0, 1, 2, 3, 4, 5, 6, 4 * 7 + 6]); // row 0, and entry (4, 6)

  it('gives each cell the fraction of its entries kept, the smaller edge cells counted by their own size', () => {
    const picture = maskPicture('fc1.weight', shape, forward, null, size);
    expect(picture).toMatchObject({ layer: 'fc1.weight', rows: 5, cols: 7, height: 2, width: 3 });
    expect(picture).toMatchObject({ cellRows: 3, cellCols: 3 });
    expect([...picture.kept]).toEqual([85, 85, 85, 0, 0, 128]);
    expect([...picture.entered]).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('marks the entries that entered since the previous picture', () => {
    const picture = maskPicture('fc1.weight', shape, forward, Int32Array.from([0, 1, 2, 20]), size);
    expect([...picture.entered]).toEqual([0, 85, 85, 0, 0, 128]);
  });

  it('keeps one entry per cell when the matrix is smaller than the picture, and refuses an empty picture', () => {
    const picture = maskPicture('w', { rows: 2, cols: 3 }, Int32Array.from([1, 5]), null, {
      maxHeight: 8,
      maxWidth: 8,
    });
    expect(picture).toMatchObject({ height: 2, width: 3, cellRows: 1, cellCols: 1 });
    expect([...picture.kept]).toEqual([0, 255, 0, 0, 0, 255]);
    expect(() => maskPicture('w', shape, forward, null, { maxHeight: 0, maxWidth: 4 })).toThrow(
      /at least 1×1/,
    );
  });
});

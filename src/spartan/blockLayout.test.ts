import { describe, expect, test } from 'vitest';
import { BlockLayout, parseBlockDims } from './blockLayout.js';

describe('BlockLayout', () => {
  test('2×2 blocks of a 4×6 linear weight: entries row-block-major, values Σ|w|', () => {
    const layout = new BlockLayout(4, 6, { rows: 2, cols: 2 });
    expect([layout.entries, layout.blockSize, layout.fellBack]).toEqual([6, 4, false]);
    const weights = Float32Array.from({ length: 24 }, (_, i) => (i % 2 === 0 ? i : -i));
    const values = new Float64Array(8);
    layout.blockValues(weights, values, 1);
    // Block (0, 0) holds weights 0, 1, 6, 7; block (1, 2) holds 16, 17, 22, 23.
    expect(values[1]).toBe(0 + 1 + 6 + 7);
    expect(values[1 + 5]).toBe(16 + 17 + 22 + 23);
    expect(values[0]).toBe(0);
  });

  test('broadcast gives every weight of a block its entry value; sumBlocks is its adjoint', () => {
    const layout = new BlockLayout(4, 6, { rows: 2, cols: 3 });
    const perEntry = [10, 20, 30, 40];
    const out = new Float32Array(24);
    layout.broadcast(perEntry, 0, out);
    expect(Array.from(out.subarray(0, 6))).toEqual([10, 10, 10, 20, 20, 20]);
    expect(Array.from(out.subarray(18, 24))).toEqual([30, 30, 30, 40, 40, 40]);
    const sums = new Float64Array(4);
    layout.sumBlocks(new Float32Array(24).fill(1), sums, 0);
    expect(Array.from(sums)).toEqual([6, 6, 6, 6]);
  });

  test('a convolution matrix [out, C·kh·kw]: blocks span filters × channels at one kernel position', () => {
    // 2 filters, 4 channels, 3×3 kernel → [2, 36]; 2×2 blocks: 1 filter block × 2 channel blocks × 9 positions.
    const layout = new BlockLayout(2, 36, { rows: 2, cols: 2 }, 9);
    expect(layout.entries).toBe(18);
    const weights = new Float32Array(72);
    // Filter 0 and 1, channels 0 and 1, kernel position 4 (centre): all in one entry, number 4.
    for (const [o, c] of [
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ])
      weights[o * 36 + c * 9 + 4] = 1;
    const values = new Float64Array(18);
    layout.blockValues(weights, values, 0);
    expect(values[4]).toBe(4);
    expect(values.reduce((a, b) => a + b, 0)).toBe(4);
  });

  test('a shape the block dims do not divide falls back to 1×1 blocks and says so', () => {
    const layout = new BlockLayout(10, 7, { rows: 4, cols: 4 });
    expect([layout.fellBack, layout.blockSize, layout.entries]).toEqual([true, 1, 70]);
    expect(new BlockLayout(10, 7, { rows: 1, cols: 1 }).fellBack).toBe(false);
  });

  test('parses b_out×b_in and refuses anything else', () => {
    expect(parseBlockDims('16x16')).toEqual({ rows: 16, cols: 16 });
    expect(parseBlockDims('4x1')).toEqual({ rows: 4, cols: 1 });
    for (const bad of ['4', '0x4', '4x', 'ax4', '-1x2']) {
      expect(() => parseBlockDims(bad)).toThrow(/like 1x1, 4x4/);
    }
  });
});

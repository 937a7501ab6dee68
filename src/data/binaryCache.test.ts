import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readSplitsCache, writeSplitsCache } from './binaryCache.js';

const shape = { inputSize: 4, classes: 3 };
const splits = {
  train: { images: Uint8Array.from([0, 1, 2, 3, 250, 251, 252, 255]), labels: Uint8Array.from([2, 0]) },
  test: { images: Uint8Array.from([9, 8, 7, 6]), labels: Uint8Array.from([1]) },
};

describe('binary dataset cache', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'topkast-cache-'));
    file = join(dir, 'nested', 'toy.bin');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips the splits through a 64-byte header and leaves no temporary file', () => {
    writeSplitsCache(file, shape, splits);
    expect(readFileSync(file).length).toBe(64 + 3 * (4 + 1));
    expect(readdirSync(join(dir, 'nested'))).toEqual(['toy.bin']);
    const read = readSplitsCache(file, shape);
    expect(Array.from(read!.train.images)).toEqual([0, 1, 2, 3, 250, 251, 252, 255]);
    expect(Array.from(read!.train.labels)).toEqual([2, 0]);
    expect(Array.from(read!.test.images)).toEqual([9, 8, 7, 6]);
    expect(Array.from(read!.test.labels)).toEqual([1]);
  });

  it('rejects a missing file, a flipped payload byte, a truncated file and another shape', () => {
    expect(readSplitsCache(file, shape)).toBeNull();
    writeSplitsCache(file, shape, splits);
    const good = readFileSync(file);

    const flipped = Buffer.from(good);
    flipped[64 + 5] ^= 0x10;
    writeFileSync(file, flipped);
    expect(readSplitsCache(file, shape)).toBeNull();

    writeFileSync(file, good.subarray(0, good.length - 1));
    expect(readSplitsCache(file, shape)).toBeNull();

    writeFileSync(file, good);
    expect(readSplitsCache(file, { inputSize: 4, classes: 10 })).toBeNull();
    expect(readSplitsCache(file, { inputSize: 2, classes: 3 })).toBeNull();
    expect(readSplitsCache(file, shape)).not.toBeNull();
  });
});

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { datasetCacheFile } from './cachedDataset.js';
import { type Dataset, type Split, splitSize } from './dataset.js';
import { fashionMnistSource, loadFashionMnist } from './fashionMnist.js';

function classCounts(split: Split): number[] {
  const counts = new Array<number>(10).fill(0);
  for (const label of split.labels) counts[label]!++;
  return counts;
}

function meanPixel(split: Split): number {
  let total = 0;
  for (const pixel of split.images) total += pixel;
  return total / split.images.length / 255;
}

describe('Fashion-MNIST', () => {
  const cacheDir = mkdtempSync(join(tmpdir(), 'topkast-fashion-'));
  afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));
  let built: Dataset;

  it('builds 60,000 train and 10,000 test images, the last 1,000 of each class as test', () => {
    built = loadFashionMnist({ cacheDir });
    expect(built.inputShape).toEqual([784]);
    expect(built.classes).toBe(10);
    expect(splitSize(built.train)).toBe(60_000);
    expect(splitSize(built.test)).toBe(10_000);
    expect(built.train.images.length).toBe(60_000 * 784);
    expect(classCounts(built.train)).toEqual(new Array(10).fill(6000));
    expect(classCounts(built.test)).toEqual(new Array(10).fill(1000));
    expect(meanPixel(built.train)).toBeCloseTo(0.286, 3);
  });

  it('loads the same bytes from its cache, and rebuilds a corrupted cache', () => {
    const file = datasetCacheFile(fashionMnistSource, { cacheDir });
    const cached = loadFashionMnist({ cacheDir });
    expect(Buffer.compare(cached.train.images, built.train.images)).toBe(0);
    expect(Buffer.compare(cached.test.labels, built.test.labels)).toBe(0);

    const bytes = readFileSync(file);
    bytes[bytes.length - 20_000] ^= 0xff;
    writeFileSync(file, bytes);
    const rebuilt = loadFashionMnist({ cacheDir });
    expect(Buffer.compare(rebuilt.test.images, built.test.images)).toBe(0);
    expect(Buffer.compare(readFileSync(file), bytes)).not.toBe(0);
    expect(loadFashionMnist({ cacheDir }).test.labels).toEqual(built.test.labels);
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Split } from './dataset.js';
import { loadFashionMnist } from './fashionMnist.js';
import { FASHION_MNIST_SUBSET_FILE, fashionMnistSubset, fashionMnistSubsetOf } from './fashionMnistSubset.js';
import { loadDataset, loadFashionMnistSubset } from './registry.js';

const shipped = join(import.meta.dirname, '..', '..', FASHION_MNIST_SUBSET_FILE);

function classCounts(split: Split): number[] {
  const counts = new Array<number>(10).fill(0);
  for (const label of split.labels) counts[label]!++;
  return counts;
}

describe('the Fashion-MNIST subset', () => {
  it('ships 400 training and 100 test images per class, the first of each class of the full split', () => {
    const subset = loadFashionMnistSubset();
    expect(subset.name).toBe('fashion-mnist-subset');
    expect(classCounts(subset.train)).toEqual(new Array(10).fill(400));
    expect(classCounts(subset.test)).toEqual(new Array(10).fill(100));
    const full = loadFashionMnist();
    expect(subset.normalization).toEqual(full.normalization);
    // The first training image of class 3 and the last test image of class 9, compared with the full split.
    const nth = (split: Split, label: number, n: number) => {
      const at = [...split.labels.keys()].filter((i) => split.labels[i] === label)[n]!;
      return split.images.subarray(at * 784, (at + 1) * 784);
    };
    expect(nth(subset.train, 3, 0)).toEqual(nth(full.train, 3, 0));
    expect(nth(subset.test, 9, 99)).toEqual(nth(full.test, 9, 99));
    expect(loadDataset('fashion-mnist-subset').test.labels).toEqual(subset.test.labels);
  });

  it('loads from bytes as a page gets them, gzip-compressed or already decompressed, to the same dataset', async () => {
    const gzipped = new Uint8Array(readFileSync(shipped));
    const fromGzip = await fashionMnistSubset(gzipped);
    const fromPlain = await fashionMnistSubset(gunzipSync(gzipped));
    const fromFile = loadFashionMnistSubset();
    for (const dataset of [fromGzip, fromPlain]) {
      expect(Buffer.compare(dataset.train.images, fromFile.train.images)).toBe(0);
      expect(Buffer.compare(dataset.test.labels, fromFile.test.labels)).toBe(0);
    }
  });

  it('refuses damaged bytes with one line that names them', async () => {
    const gzipped = new Uint8Array(readFileSync(shipped));
    const plain = gunzipSync(gzipped);
    const flipped = Uint8Array.from(plain);
    flipped[plain.length - 5000]! ^= 1;
    expect(() => fashionMnistSubsetOf(flipped, 'subset.bin')).toThrow(
      'subset.bin is not a valid dataset file: its checksum does not match (damaged)',
    );
    expect(() => fashionMnistSubsetOf(plain.subarray(0, plain.length - 1), 'subset.bin')).toThrow(
      /subset.bin is not a valid dataset file: it has \d+ bytes; its header promises \d+/,
    );
    const badLabel = Uint8Array.from(plain);
    badLabel[plain.length - 1] = 10;
    expect(() => fashionMnistSubsetOf(badLabel, 'x')).toThrow(/checksum does not match/);
    const truncatedGzip = gzipped.subarray(0, gzipped.length - 100);
    await expect(fashionMnistSubset(truncatedGzip, 'page.bin.gz')).rejects.toThrow(
      /^page\.bin\.gz is not a valid gzip file \(.*\): fetch it again$/,
    );
    await expect(fashionMnistSubset(new TextEncoder().encode('<html>'))).rejects.toThrow(
      'the Fashion-MNIST subset is not a valid dataset file: 6 bytes is shorter than its header',
    );
  });
});

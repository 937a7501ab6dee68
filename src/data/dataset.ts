import type { Random } from '../util/random.js';

/**
 * A labelled image classification dataset held compactly in memory: pixels as bytes (0–255), one image after
 * another, and one byte per label. Batching (batches.ts) turns them into feature-major float batches.
 */
export interface Split {
  /** count × inputSize pixels, 0–255, image i at [i·inputSize, (i+1)·inputSize). */
  readonly images: Uint8Array;
  /** count labels in [0, classes). */
  readonly labels: Uint8Array;
}

/** Per-pixel normalisation applied when batching: x = (pixel/255 − mean) / std. */
export interface Normalization {
  readonly mean: number;
  readonly std: number;
}

export interface Dataset {
  /** The name the CLI and registry use, e.g. 'fashion-mnist'. */
  readonly name: string;
  /** The shape of one example, e.g. [784] for a flattened 28×28 image. */
  readonly inputShape: readonly number[];
  readonly classes: number;
  readonly normalization: Normalization;
  readonly train: Split;
  readonly test: Split;
}

/** Number of input features of one example (the product of inputShape). */
export function inputSize(dataset: Pick<Dataset, 'inputShape'>): number {
  return dataset.inputShape.reduce((a, b) => a * b, 1);
}

/** Number of examples in a split. */
export function splitSize(split: Split): number {
  return split.labels.length;
}

/**
 * Splits per-class image blocks into train and test deterministically: the last `testCount(n)` images of each
 * class go to test, the rest to train, classes in order 0, 1, … in both.
 */
export function splitByClass(
  classImages: readonly Uint8Array[],
  imageSize: number,
  testCount: (classCount: number) => number,
): { train: Split; test: Split } {
  const counts = classImages.map((block) => block.length / imageSize);
  const tests = counts.map(testCount);
  const testTotal = tests.reduce((a, b) => a + b, 0);
  const trainTotal = counts.reduce((a, b) => a + b, 0) - testTotal;
  const train = { images: new Uint8Array(trainTotal * imageSize), labels: new Uint8Array(trainTotal) };
  const test = { images: new Uint8Array(testTotal * imageSize), labels: new Uint8Array(testTotal) };
  let trainAt = 0;
  let testAt = 0;
  classImages.forEach((block, label) => {
    const trainCount = counts[label]! - tests[label]!;
    train.images.set(block.subarray(0, trainCount * imageSize), trainAt * imageSize);
    train.labels.fill(label, trainAt, trainAt + trainCount);
    trainAt += trainCount;
    test.images.set(block.subarray(trainCount * imageSize), testAt * imageSize);
    test.labels.fill(label, testAt, testAt + tests[label]!);
    testAt += tests[label]!;
  });
  return { train, test };
}

/** A random subset of `count` examples of a split (for quick runs and tests), drawn without replacement. */
export function sampleSplit(split: Split, count: number, imageSize: number, random: Random): Split {
  const available = splitSize(split);
  if (!Number.isInteger(count) || count < 1 || count > available) {
    throw new Error(`sampleSplit: count must be an integer in 1..${available}, got ${count}`);
  }
  const order = random.shuffle(Int32Array.from({ length: available }, (_, i) => i)).subarray(0, count);
  const images = new Uint8Array(count * imageSize);
  const labels = new Uint8Array(count);
  order.forEach((example, i) => {
    images.set(split.images.subarray(example * imageSize, (example + 1) * imageSize), i * imageSize);
    labels[i] = split.labels[example]!;
  });
  return { images, labels };
}

/** Shared by the tests of exports run in other runtimes: real MNIST test images and topkast's logits on them. */
import { loadDataset } from '../../data/registry.js';
import { recordTape } from '../../tensor/tape.js';
import { Tensor } from '../../tensor/tensor.js';
import { inferenceModel } from '../inferenceModel.js';
import { readModelFile } from '../modelFile.js';

export const EXAMPLES = 200;
const mnist = loadDataset('mnist');
const { mean, std } = mnist.normalization;

/** The first MNIST test images as the exports take them: [EXAMPLES, 784] of pixels/255. */
export const pixels = Float32Array.from(mnist.test.images.subarray(0, EXAMPLES * 784), (p) => p / 255);

/** topkast's own logits for `pixels` from the model at `path`, [EXAMPLES, classes] (it runs feature-major). */
export function topkastLogits(path: string): Float32Array {
  const { file, source } = readModelFile(path);
  const { model } = inferenceModel(file, source, 784);
  const x = new Float32Array(784 * EXAMPLES);
  for (let b = 0; b < EXAMPLES; b++)
    for (let f = 0; f < 784; f++) x[f * EXAMPLES + b] = (pixels[b * 784 + f]! - mean) / std;
  const { tape, result } = recordTape(() => model.forward(Tensor.fromArray(x, [784, EXAMPLES])));
  const classes = result.shape[0]!;
  const logits = new Float32Array(EXAMPLES * classes);
  for (let c = 0; c < classes; c++)
    for (let b = 0; b < EXAMPLES; b++) logits[b * classes + c] = result.data[c * EXAMPLES + b]!;
  tape.dispose();
  model.dispose?.();
  return logits;
}

/** The class each row of [rows, classes] logits picks. */
export function argmaxes(logits: Float32Array, classes: number): number[] {
  return Array.from({ length: logits.length / classes }, (_, b) => {
    const row = logits.subarray(b * classes, (b + 1) * classes);
    return row.indexOf(Math.max(...row));
  });
}

/** The largest absolute difference of two arrays of the same length. */
export function maxDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`maxDifference: ${a.length} and ${b.length} entries`);
  return a.reduce((worst, value, i) => Math.max(worst, Math.abs(value - b[i]!)), 0);
}

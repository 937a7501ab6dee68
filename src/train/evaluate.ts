import { BatchIterator } from '../data/batches.js';
import type { Normalization, Split } from '../data/dataset.js';
import type { Module } from '../nn/module.js';
import { softmaxCrossEntropy } from '../tensor/ops/softmaxCrossEntropy.js';
import { recordTape } from '../tensor/tape.js';

export interface EvaluateOptions {
  readonly inputSize: number;
  readonly normalization?: Normalization;
  /** Examples per forward pass (default 1000); the last batch may be smaller, every example counts once. */
  readonly batchSize?: number;
}

export interface Evaluation {
  /** Fraction of examples whose largest logit is at the true class (ties go to the lower class). */
  readonly accuracy: number;
  /** Mean softmax cross-entropy over all examples. */
  readonly loss: number;
}

/**
 * Accuracy and mean loss of a classifier over a whole split, in order, without training. Each batch runs
 * inside a tape only so that its activations are freed together afterwards; backward never runs.
 */
export function evaluate(model: Module, split: Split, options: EvaluateOptions): Evaluation {
  const batches = new BatchIterator(split, {
    batchSize: Math.min(options.batchSize ?? 1000, split.labels.length),
    inputSize: options.inputSize,
    normalization: options.normalization,
    dropLast: false,
  });
  let correct = 0;
  let lossSum = 0;
  try {
    while (batches.hasNext()) {
      const { x, labels, size } = batches.next();
      const { tape, result } = recordTape(() => {
        const logits = model.forward(x);
        return { logits, loss: softmaxCrossEntropy(logits, labels) };
      });
      lossSum += result.loss.item() * size;
      correct += countCorrect(result.logits.data, labels, result.logits.shape[0]!, size);
      tape.dispose();
    }
  } finally {
    batches.dispose();
  }
  const count = split.labels.length;
  return { accuracy: correct / count, loss: lossSum / count };
}

/** How many columns of feature-major logits [classes, batch] have their maximum at the label's row. */
export function countCorrect(
  logits: Float32Array,
  labels: Int32Array,
  classes: number,
  batch: number,
): number {
  let correct = 0;
  for (let b = 0; b < batch; b++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (logits[c * batch + b]! > logits[best * batch + b]!) best = c;
    if (best === labels[b]) correct++;
  }
  return correct;
}

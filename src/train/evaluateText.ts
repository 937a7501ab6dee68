import { TextBatcher } from '../data/textBatches.js';
import { bitsPerCharacter } from '../data/textDataset.js';
import { setTraining } from '../nn/dropout.js';
import type { Module } from '../nn/module.js';
import { softmaxCrossEntropy } from '../tensor/ops/softmaxCrossEntropy.js';
import { recordTape } from '../tensor/tape.js';

/** Windows per forward pass where a run evaluates a language model (training's evaluations, eval). */
export const TEXT_EVAL_WINDOWS = 32;

export interface TextEvaluation {
  /** Mean next-character cross-entropy in nats over every evaluated position. */
  readonly loss: number;
  /** The same in bits: loss / ln 2. */
  readonly bitsPerCharacter: number;
  /** Positions evaluated: every position of the split's consecutive windows. */
  readonly characters: number;
}

/**
 * Next-character loss and bits per character of a language model over a split of token ids: the consecutive
 * non-overlapping windows of `context` ids (each position predicts the next id; a position sees only its own
 * window's earlier ones), `batchSize` windows per forward pass, with Dropout off (switched back on after).
 */
export function evaluateText(
  model: Module,
  ids: Uint8Array,
  options: { context: number; batchSize: number },
): TextEvaluation {
  const batches = new TextBatcher(ids, options);
  let lossSum = 0;
  let characters = 0;
  setTraining(model, false);
  try {
    while (batches.hasNext()) {
      const { tokens, targets } = batches.next();
      const { tape, result } = recordTape(() => softmaxCrossEntropy(model.forward(tokens), targets));
      lossSum += result.item() * targets.length;
      characters += targets.length;
      tape.dispose();
    }
  } finally {
    setTraining(model, true);
    batches.dispose();
  }
  const loss = lossSum / characters;
  return { loss, bitsPerCharacter: bitsPerCharacter(loss), characters };
}

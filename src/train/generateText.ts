import { setTraining } from '../nn/dropout.js';
import type { Module } from '../nn/module.js';
import { recordTape } from '../tensor/tape.js';
import { Tensor } from '../tensor/tensor.js';
import type { Random } from '../util/random.js';

export interface GenerateOptions {
  /** Ids to generate after the prompt. */
  readonly length: number;
  /** The model's sequence length T: it sees at most the last T ids. */
  readonly context: number;
  /**
   * Softmax temperature τ: the next id is drawn with p_i ∝ exp(logit_i / τ); 0 takes the most likely id
   * (greedy decoding; ties go to the lower id).
   */
  readonly temperature: number;
  /** Draws the ids when τ > 0 (one number per id), so a seed fixes the text. */
  readonly random: Random;
}

/**
 * Continues `prompt` (token ids, at least one) by `length` ids with a language model (token ids [T, 1] in,
 * logits [vocab, T] out, causal): each new id comes from the logits at the last position of the window of the
 * last T ids. A window shorter than T is padded at its end; causal attention and position-wise layers keep
 * later positions out of earlier ones, so the padding changes nothing. Dropout is off while generating.
 * Returns the generated ids only.
 */
export function generateText(model: Module, prompt: Uint8Array, options: GenerateOptions): Uint8Array {
  const { length, context, temperature, random } = options;
  if (prompt.length === 0) throw new Error('generateText: the prompt needs at least one id');
  if (!(temperature >= 0)) throw new Error(`generateText: the temperature must be ≥ 0, got ${temperature}`);
  const ids = new Uint8Array(prompt.length + length);
  ids.set(prompt);
  const tokens = Tensor.zeros([context, 1]);
  setTraining(model, false);
  try {
    for (let n = prompt.length; n < ids.length; n++) {
      const start = Math.max(0, n - context);
      tokens.data.fill(0);
      for (let t = start; t < n; t++) tokens.data[t - start] = ids[t]!;
      const { tape, result: logits } = recordTape(() => model.forward(tokens));
      try {
        const vocab = logits.shape[0]!;
        const last = n - start - 1;
        const column = Float64Array.from({ length: vocab }, (_, v) => logits.data[v * context + last]!);
        ids[n] = temperature === 0 ? argmax(column) : draw(column, temperature, random);
      } finally {
        tape.dispose();
      }
    }
  } finally {
    setTraining(model, true);
    tokens.dispose();
  }
  return ids.subarray(prompt.length);
}

function argmax(values: Float64Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

/** An index drawn with probability softmax(logits / τ), by inverting the cumulative sum at one uniform draw. */
function draw(logits: Float64Array, temperature: number, random: Random): number {
  const top = logits[argmax(logits)]!;
  const weights = logits.map((logit) => Math.exp((logit - top) / temperature));
  let u = random.next() * weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < weights.length; i++) {
    u -= weights[i]!;
    if (u < 0) return i;
  }
  return argmax(logits);
}

/**
 * A whole training step of the character-level Transformer (forward, next-character cross-entropy over every
 * position, backward, AdamW, the sparsity method's hooks), dense and with Top-KAST, in our engine.
 *
 * Model: 4 layers, d_model 256, 4 heads, context 128, the Austen vocabulary (81 characters), untied output,
 * batch 8 sequences (1,024 positions per step). Sparse: every projection in the blocks (attention query, key,
 * value, output; feed-forward fc1, fc2) under Top-KAST; the embeddings (dense by default, they are lookups)
 * and the output head ([81, 256], 1% of the weights) stay dense (denseLayers: ['head']). A product whose set
 * is denser than 50% runs on the dense kernels (masked weights), about where CSR at half the dense rate stops
 * paying: so 80%/0% runs its weight gradients densely.
 */
import { engine } from '../src/kernels/engine.js';
import { sparsify } from '../src/methods/controller.js';
import { createMethod } from '../src/methods/registry.js';
import { transformer } from '../src/nn/transformer.js';
import { AdamW } from '../src/optim/adamw.js';
import { Tensor } from '../src/tensor/tensor.js';
import { trainStep } from '../src/train/trainStep.js';
import { Random } from '../src/util/random.js';
import { medianMs } from './timing.js';

export const TRANSFORMER_BENCH = { vocab: 81, layers: 4, dModel: 256, heads: 4, context: 128, batch: 8 };

export interface TransformerStepResult {
  stepMsMedian: number;
  /** Training FLOPs of the weight products relative to dense (the attention core is not counted). */
  relativeFlops: number;
}

/** Median step time at the given forward/backward sparsity of the block projections (null: dense). */
export function benchTransformerStep(
  sparsity: { forward: number; backward: number } | null,
): TransformerStepResult {
  const { vocab, layers, dModel, heads, context, batch } = TRANSFORMER_BENCH;
  const { heap } = engine();
  const model = transformer({ vocab, layers, dModel, heads, context, seed: 1 });
  const method = sparsity
    ? createMethod('topkast', { sparsity: sparsity.forward, backwardSparsity: sparsity.backward })
    : createMethod('dense', { sparsity: 0 });
  const controller = sparsify(model, {
    method,
    denseLayers: ['head'],
    totalSteps: 1000,
    seed: 1,
  });
  const optimizer = new AdamW(model.trainables(), { lr: 1e-3 });
  const random = new Random(1);
  const tokens = Tensor.zeros([context, batch]);
  const targets = heap.allocI32(context * batch);
  for (let i = 0; i < tokens.size; i++) {
    tokens.data[i] = random.nextInt(vocab);
    targets[i] = random.nextInt(vocab);
  }
  let step = 0;
  const stepMsMedian = medianMs(
    () => {
      trainStep({ model, optimizer, x: tokens, labels: targets, step, lr: 1e-3, hooks: controller });
      step++;
    },
    { minReps: 5, minMs: 2000, maxReps: 20 },
  );
  const relativeFlops = controller.relativeTrainingFlops();
  model.dispose();
  tokens.dispose();
  heap.free(targets);
  return { stepMsMedian, relativeFlops };
}

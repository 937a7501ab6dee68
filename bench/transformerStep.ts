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
import { type Engine, engine } from '../src/kernels/engine.js';
import { sparsify } from '../src/methods/sparsify.js';
import { transformer } from '../src/nn/transformer.js';
import { AdamW } from '../src/optim/adamw.js';
import { Tensor } from '../src/tensor/tensor.js';
import { Random } from '../src/util/random.js';
import { type ModelStepCase, modelStepCase, TOTAL_STEPS, topkastOrDense } from './modelStep.js';

export const TRANSFORMER_BENCH = { vocab: 81, layers: 4, dModel: 256, heads: 4, context: 128, batch: 8 };

/** The transformer step on random tokens at the given sparsity of the block projections (null: dense). */
export function transformerStepCase(
  label: string,
  sparsity: { forward: number; backward: number } | null,
  on: Engine,
): ModelStepCase {
  return modelStepCase(label, on, sparsity !== null, () => {
    const { vocab, layers, dModel, heads, context, batch } = TRANSFORMER_BENCH;
    const model = transformer({ vocab, layers, dModel, heads, context, seed: 1 });
    const method = topkastOrDense(sparsity);
    const controller = sparsify(model, { method, denseLayers: ['head'], totalSteps: TOTAL_STEPS, seed: 1 });
    const optimizer = new AdamW(model.trainables(), { lr: 1e-3 });
    const random = new Random(1);
    const x = Tensor.zeros([context, batch]);
    const labels = engine().heap.allocI32(context * batch);
    for (let i = 0; i < x.size; i++) {
      x.data[i] = random.nextInt(vocab);
      labels[i] = random.nextInt(vocab);
    }
    return { model, controller, optimizer, x, labels, lr: 1e-3 };
  });
}

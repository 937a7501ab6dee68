/**
 * A whole training step of the convnet (cnn(): conv3×3(32)-pool-conv3×3(64)-pool-fc128-out on 28×28 images,
 * forward, softmax cross-entropy, backward, SGD with momentum, the method's hooks) at batch 128, dense or with
 * Top-KAST on conv2 and fc1 (conv1 and out stay dense, as in the paper), refresh interval 100.
 */
import { type Engine, engine } from '../src/kernels/engine.js';
import { sparsify } from '../src/methods/sparsify.js';
import { cnn } from '../src/nn/cnn.js';
import { SGD } from '../src/optim/sgd.js';
import { Tensor } from '../src/tensor/tensor.js';
import { Random } from '../src/util/random.js';
import { type ModelStepCase, modelStepCase, TOTAL_STEPS, topkastOrDense } from './modelStep.js';

export const CNN_BATCH = 128;

/** The convnet step on random images; `sparsity`: Top-KAST's forward and backward sparsity (null: dense). */
export function cnnStepCase(
  label: string,
  sparsity: { forward: number; backward: number } | null,
  on: Engine,
): ModelStepCase {
  return modelStepCase(label, on, sparsity !== null, () => {
    const random = new Random(1);
    const model = cnn({ inputShape: [1, 28, 28], classes: 10, seed: 1 });
    const method = topkastOrDense(sparsity);
    const controller = sparsify(model, {
      method,
      denseLayers: ['first', 'last'],
      totalSteps: TOTAL_STEPS,
      seed: 1,
    });
    const optimizer = new SGD(model.trainables(), { lr: 0.01, momentum: 0.9 });
    const x = Tensor.zeros([784, CNN_BATCH]);
    for (let i = 0; i < x.size; i++) x.data[i] = random.next();
    const labels = engine().heap.allocI32(CNN_BATCH);
    for (let b = 0; b < CNN_BATCH; b++) labels[b] = random.nextInt(10);
    return { model, controller, optimizer, x, labels, lr: 0.01 };
  });
}

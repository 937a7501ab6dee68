/**
 * A whole training step of the convnet (cnn(): conv3×3(32)-pool-conv3×3(64)-pool-fc128-out on 28×28 images,
 * forward, softmax cross-entropy, backward, SGD with momentum, the method's hooks) at batch 128, dense or with
 * Top-KAST on conv2 and fc1 (conv1 and out stay dense, as in the paper).
 */
import { engine } from '../src/kernels/engine.js';
import { sparsify } from '../src/methods/controller.js';
import { createMethod } from '../src/methods/registry.js';
import { cnn } from '../src/nn/cnn.js';
import { SGD } from '../src/optim/sgd.js';
import { Tensor } from '../src/tensor/tensor.js';
import { trainStep } from '../src/train/trainStep.js';
import { Random } from '../src/util/random.js';
import { medianMs } from './timing.js';

const BATCH = 128;

/**
 * Median step time in ms on random images; `sparsity` gives Top-KAST's forward and backward sparsity of the
 * sparse layers (null: dense). The refresh interval is the method's default, and timed steps include
 * refreshes in that proportion.
 */
export function benchCnnStep(sparsity: { forward: number; backward: number } | null): {
  stepMsMedian: number;
} {
  const { heap } = engine();
  const random = new Random(1);
  const model = cnn({ inputShape: [1, 28, 28], classes: 10, seed: 1 });
  const method = sparsity
    ? createMethod('topkast', { sparsity: sparsity.forward, backwardSparsity: sparsity.backward })
    : createMethod('dense', { sparsity: 0 });
  const controller = sparsify(model, { method, denseLayers: ['first', 'last'], totalSteps: 1000, seed: 1 });
  const optimizer = new SGD(model.trainables(), { lr: 0.01, momentum: 0.9 });
  const x = Tensor.zeros([784, BATCH]);
  for (let i = 0; i < x.size; i++) x.data[i] = random.next();
  const labels = heap.allocI32(BATCH);
  for (let b = 0; b < BATCH; b++) labels[b] = random.nextInt(10);
  let step = 0;
  const stepMsMedian = medianMs(
    () => {
      trainStep({ model, optimizer, x, labels, step, lr: 0.01, hooks: controller });
      step++;
    },
    { minReps: 10, minMs: 1000 },
  );
  model.dispose();
  x.dispose();
  heap.free(labels);
  return { stepMsMedian };
}

/**
 * A whole training step of an MLP (forward, softmax cross-entropy, backward, SGD with momentum, and the
 * sparsity method's hooks), dense and with Top-KAST on the hidden-layer weights, in our engine.
 */
import { engine } from '../src/kernels/engine.js';
import { sparsify } from '../src/methods/controller.js';
import { createMethod } from '../src/methods/registry.js';
import { Spartan } from '../src/methods/spartan.js';
import { mlp } from '../src/nn/mlp.js';
import { AdamW } from '../src/optim/adamw.js';
import { SGD } from '../src/optim/sgd.js';
import { Tensor } from '../src/tensor/tensor.js';
import { trainStep } from '../src/train/trainStep.js';
import { Random } from '../src/util/random.js';
import { medianMs } from './timing.js';

export interface TrainingStepResult {
  /** 'dense' or 'topkast 90%/80%' (forward / backward sparsity). */
  label: string;
  stepMsMedian: number;
  /** Training FLOPs of a step relative to dense (linear layers). */
  relativeFlops: number;
  /** Hot training-state bytes with AdamW (values, gradients, both moments, indices) over dense. */
  hotMemoryRatio: number;
}

export interface TrainingStepCase {
  label: string;
  /** Forward and backward sparsity of the hidden layers; null for dense. */
  sparsity: { forward: number; backward: number } | null;
  /**
   * Spartan at the forward sparsity instead of Top-KAST (budget over the hidden layers, β_target 100): the
   * timed steps are before its freeze, where every step solves the soft top-k and trains dense weights.
   */
  spartan?: boolean;
}

function methodOf({ sparsity, spartan }: TrainingStepCase) {
  if (!sparsity) return createMethod('dense', { sparsity: 0 });
  if (spartan) return new Spartan({ sparsity: sparsity.forward, betaTarget: 100, budgetScope: 'masked' });
  return createMethod('topkast', { sparsity: sparsity.forward, backwardSparsity: sparsity.backward });
}

/**
 * Median step time of MLP `sizes` at `batch`, on random inputs, with the hidden-layer weights (all but the last
 * layer) sparse under Top-KAST when the case says so. The refresh interval is 100, as in the paper's default,
 * and the timed steps include refreshes in that proportion.
 */
export function benchTrainingStep(
  sizes: number[],
  batch: number,
  testCase: TrainingStepCase,
): TrainingStepResult {
  const { heap } = engine();
  const random = new Random(1);
  const build = (optimizer: 'sgd' | 'adamw') => {
    const dense = mlp({
      inputs: sizes[0],
      hidden: sizes.slice(1, -1),
      outputs: sizes[sizes.length - 1],
      activation: 'relu',
      seed: 1,
    });
    const method = methodOf(testCase);
    const controller = sparsify(dense, { method, denseLayers: ['last'], totalSteps: 1000, seed: 1 });
    const trainables = dense.trainables();
    const opt =
      optimizer === 'sgd'
        ? new SGD(trainables, { lr: 0.01, momentum: 0.9 })
        : new AdamW(trainables, { lr: 1e-3 });
    return { model: dense, controller, optimizer: opt };
  };
  const x = Tensor.zeros([sizes[0], batch]);
  for (let i = 0; i < x.size; i++) x.data[i] = random.next();
  const labels = heap.allocI32(batch);
  for (let b = 0; b < batch; b++) labels[b] = random.nextInt(sizes[sizes.length - 1]);

  const timed = build('sgd');
  let step = 0;
  const stepMsMedian = medianMs(
    () => {
      trainStep({
        model: timed.model,
        optimizer: timed.optimizer,
        x,
        labels,
        step,
        lr: 0.01,
        hooks: timed.controller,
      });
      step++;
    },
    { minReps: 10, minMs: 1000 },
  );
  const relativeFlops = timed.controller.relativeTrainingFlops();
  timed.model.dispose();

  const withAdam = build('adamw');
  trainStep({
    model: withAdam.model,
    optimizer: withAdam.optimizer,
    x,
    labels,
    step: 0,
    lr: 1e-3,
    hooks: withAdam.controller,
  });
  const memory = withAdam.controller.memory();
  withAdam.model.dispose();
  x.dispose();
  heap.free(labels);
  return {
    label: testCase.label,
    stepMsMedian,
    relativeFlops,
    hotMemoryRatio: memory.hotBytes / memory.denseEquivalentBytes,
  };
}

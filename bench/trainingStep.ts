/**
 * A whole training step of an MLP (forward, softmax cross-entropy, backward, SGD with momentum, and the
 * sparsity method's hooks), dense, with Top-KAST on the hidden-layer weights (refresh interval 100, a sample is
 * one period), or with Spartan before its freeze, in our engine (modelStep.ts).
 */
import { type Engine, engine, useEngine } from '../src/kernels/engine.js';
import type { TrainingMethod } from '../src/methods/controller.js';
import type { MemoryReport } from '../src/methods/memoryReport.js';
import { sparsify } from '../src/methods/sparsify.js';
import { Spartan } from '../src/methods/spartan.js';
import { mlp } from '../src/nn/mlp.js';
import { AdamW } from '../src/optim/adamw.js';
import { SGD } from '../src/optim/sgd.js';
import { Tensor } from '../src/tensor/tensor.js';
import { trainStep } from '../src/train/trainStep.js';
import { Random } from '../src/util/random.js';
import {
  type BuiltStep,
  type ModelStepCase,
  modelStepCase,
  TOTAL_STEPS,
  topkastOrDense,
} from './modelStep.js';

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

function methodOf({ sparsity, spartan }: TrainingStepCase): TrainingMethod {
  if (sparsity && spartan) {
    return new Spartan({ sparsity: sparsity.forward, betaTarget: 100, budgetScope: 'masked' });
  }
  return topkastOrDense(sparsity);
}

/** The MLP under the case's method, its optimizer and a random batch, on the current engine's heap. */
function build(
  sizes: number[],
  batch: number,
  testCase: TrainingStepCase,
  optimizer: 'sgd' | 'adamw',
): BuiltStep {
  const model = mlp({
    inputs: sizes[0],
    hidden: sizes.slice(1, -1),
    outputs: sizes[sizes.length - 1],
    activation: 'relu',
    seed: 1,
  });
  const controller = sparsify(model, {
    method: methodOf(testCase),
    denseLayers: ['last'],
    totalSteps: TOTAL_STEPS,
    seed: 1,
  });
  const trainables = model.trainables();
  const random = new Random(1);
  const x = Tensor.zeros([sizes[0], batch]);
  for (let i = 0; i < x.size; i++) x.data[i] = random.next();
  const labels = engine().heap.allocI32(batch);
  for (let b = 0; b < batch; b++) labels[b] = random.nextInt(sizes[sizes.length - 1]);
  return optimizer === 'sgd'
    ? { model, controller, x, labels, lr: 0.01, optimizer: new SGD(trainables, { lr: 0.01, momentum: 0.9 }) }
    : { model, controller, x, labels, lr: 1e-3, optimizer: new AdamW(trainables, { lr: 1e-3 }) };
}

/** MLP `sizes` at `batch` on random inputs under `testCase`, with SGD momentum, built and run on `on`. */
export function trainingStepCase(
  sizes: number[],
  batch: number,
  testCase: TrainingStepCase,
  on: Engine,
  label = testCase.label,
): ModelStepCase {
  const refreshes = testCase.sparsity !== null && !testCase.spartan;
  return modelStepCase(label, on, refreshes, () => build(sizes, batch, testCase, 'sgd'));
}

/** The memory the case's run holds with AdamW after one step (MemoryReport), on `on`. */
export function trainingStepMemory(
  sizes: number[],
  batch: number,
  testCase: TrainingStepCase,
  on: Engine,
): MemoryReport {
  useEngine(on);
  const { model, controller, optimizer, x, labels, lr } = build(sizes, batch, testCase, 'adamw');
  trainStep({ model, optimizer, x, labels, step: 0, lr, hooks: controller });
  const memory = controller.memory();
  model.dispose?.();
  x.dispose();
  on.heap.free(labels);
  return memory;
}

/**
 * One training step, the same everywhere (the fit loop, the benchmarks, the method tests):
 *
 *   hooks.beforeStep(t)                       arm what the step must record (RigL's dense gradient)
 *   loss = L(model(x), labels)                recorded on a tape
 *   tape.backward(loss)                       gradients: dense on dense parameters, on B for sparse weights
 *   hooks.afterBackward(t)                    extra gradient terms (Top-KAST's exploration penalty)
 *   optimizer.step(lr); optimizer.zeroGrad()
 *   hooks.afterUpdate(t, optimizer)           refresh the sparse sets when due; a weight object the method
 *                                             replaces (Spartan's finalize) is replaced in the optimizer too
 *   tape.dispose()                            every temporary back to the heap
 *
 * A non-finite loss stops before the update, so the weights stay as they were after the last good step.
 */
import type { Module } from '../nn/module.js';
import type { Optimizer } from '../optim/optimizer.js';
import { softmaxCrossEntropy } from '../tensor/ops/softmaxCrossEntropy.js';
import { recordTape } from '../tensor/tape.js';
import type { Tensor } from '../tensor/tensor.js';

/** What a training method hooks into a step (every method controller implements it). */
export interface StepHooks {
  beforeStep(step: number): void;
  afterBackward(step: number): void;
  afterUpdate(step: number, optimizer: Optimizer): void;
}

export interface TrainStepInput {
  model: Module;
  optimizer: Optimizer;
  /** Feature-major inputs [features, batch]. */
  x: Tensor;
  /** Labels, a heap Int32Array of length batch. */
  labels: Int32Array;
  /** 0-based index of this step. */
  step: number;
  /** The learning rate of this step. */
  lr: number;
  hooks?: StepHooks;
}

/**
 * Runs one step and returns its loss. A NaN or infinite loss throws, naming the step (1-based, as the progress
 * shows it), before any update: the weights stay those of the last good step.
 */
export function trainStep({ model, optimizer, x, labels, step, lr, hooks }: TrainStepInput): number {
  hooks?.beforeStep(step);
  const { tape, result: loss } = recordTape(() => softmaxCrossEntropy(model.forward(x), labels));
  try {
    const value = loss.item();
    if (!Number.isFinite(value)) {
      optimizer.zeroGrad();
      throw new Error(`training diverged at step ${step + 1}: the loss is ${value}; lower the learning rate`);
    }
    tape.backward(loss);
    hooks?.afterBackward(step);
    optimizer.step(lr);
    optimizer.zeroGrad();
    hooks?.afterUpdate(step, optimizer);
    return value;
  } finally {
    tape.dispose();
  }
}

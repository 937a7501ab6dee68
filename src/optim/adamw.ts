import { engine } from '../kernels/engine.js';
import type { Trainable } from '../nn/trainable.js';
import {
  checkSizes,
  checkState,
  checkTrainables,
  type Optimizer,
  type OptimizerState,
  requirePositive,
  requireUnitInterval,
  stateArray,
  updateSegments,
  withReplaced,
  zeroGrads,
} from './optimizer.js';

export interface AdamWOptions {
  lr: number;
  /** [β1, β2], each in [0, 1); default [0.9, 0.999]. */
  betas?: readonly [number, number];
  /** Default 1e-8. */
  eps?: number;
  /** Decoupled decay, applied to trainables with decay = true. Default 0.01. */
  weightDecay?: number;
}

/**
 * AdamW (Loshchilov and Hutter 2019): θ −= lr·wd·θ; m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g²;
 * θ −= lr · (m / (1 − β1ᵗ)) / (√(v / (1 − β2ᵗ)) + ε), where t counts this optimizer's steps (part of its
 * state). The moments live in each trainable's state under 'firstMoment' and 'secondMoment'.
 */
export class AdamW implements Optimizer {
  trainables: readonly Trainable[];
  readonly lr: number;
  readonly betas: readonly [number, number];
  readonly eps: number;
  readonly weightDecay: number;
  private stepCount = 0;

  constructor(trainables: readonly Trainable[], options: AdamWOptions) {
    this.lr = options.lr;
    this.betas = options.betas ?? [0.9, 0.999];
    this.eps = options.eps ?? 1e-8;
    this.weightDecay = options.weightDecay ?? 0.01;
    requirePositive('AdamW: lr', this.lr);
    requireUnitInterval('AdamW: betas[0]', this.betas[0]);
    requireUnitInterval('AdamW: betas[1]', this.betas[1]);
    requirePositive('AdamW: eps', this.eps);
    requirePositive('AdamW: weightDecay', this.weightDecay, true);
    checkTrainables('AdamW', trainables);
    this.trainables = [...trainables];
  }

  step(lr = this.lr): void {
    requirePositive('AdamW.step: lr', lr, true);
    const { kernels } = engine();
    // The kernels run in float32: round β once so the bias corrections use the very β the moments decay by.
    const beta1 = Math.fround(this.betas[0]);
    const beta2 = Math.fround(this.betas[1]);
    const t = this.stepCount + 1;
    const bc1 = 1 - beta1 ** t;
    const bc2 = 1 - beta2 ** t;
    for (const trainable of this.trainables) {
      checkSizes('AdamW', trainable);
      const m = stateArray('AdamW', trainable, 'firstMoment');
      const v = stateArray('AdamW', trainable, 'secondMoment');
      const decay = trainable.decay ? this.weightDecay : 0;
      const n = trainable.values.length;
      const { split, scale } = updateSegments(trainable);
      const { values, grads } = trainable;
      kernels.adamwUpdate(values, grads, m, v, split, lr, beta1, beta2, this.eps, decay, bc1, bc2);
      if (split < n) {
        const [vs, gs, ms, ss] = [values, grads, m, v].map((array) => array.subarray(split));
        kernels.adamwUpdate(vs, gs, ms, ss, n - split, lr * scale, beta1, beta2, this.eps, decay, bc1, bc2);
      }
    }
    this.stepCount = t;
  }

  replaceTrainable(previous: Trainable, next: Trainable): void {
    this.trainables = withReplaced('AdamW', this.trainables, previous, next);
  }

  zeroGrad(): void {
    zeroGrads(this.trainables);
  }

  getState(): OptimizerState {
    return { stepCount: this.stepCount };
  }

  setState(state: OptimizerState): void {
    checkState('AdamW', state);
    this.stepCount = state.stepCount;
  }
}

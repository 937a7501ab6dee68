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

export interface SgdOptions {
  lr: number;
  /** μ in [0, 1); 0 (the default) keeps no velocity. */
  momentum?: number;
  /** Nesterov momentum (needs momentum > 0). */
  nesterov?: boolean;
  /** Coupled L2 decay added to the gradient, applied to trainables with decay = true. Default 0. */
  weightDecay?: number;
}

/**
 * Stochastic gradient descent with momentum, PyTorch semantics: g = ∇ + wd·θ; v = μ·v + g;
 * θ −= lr · (nesterov ? g + μ·v : v). The velocity lives in each trainable's state under 'velocity'.
 */
export class SGD implements Optimizer {
  trainables: readonly Trainable[];
  readonly lr: number;
  readonly momentum: number;
  readonly nesterov: boolean;
  readonly weightDecay: number;
  private stepCount = 0;

  constructor(trainables: readonly Trainable[], options: SgdOptions) {
    this.lr = options.lr;
    this.momentum = options.momentum ?? 0;
    this.nesterov = options.nesterov ?? false;
    this.weightDecay = options.weightDecay ?? 0;
    requirePositive('SGD: lr', this.lr);
    requireUnitInterval('SGD: momentum', this.momentum);
    requirePositive('SGD: weightDecay', this.weightDecay, true);
    if (this.nesterov && this.momentum === 0)
      throw new Error('SGD: nesterov needs momentum > 0; set momentum (e.g. 0.9)');
    checkTrainables('SGD', trainables);
    this.trainables = [...trainables];
  }

  step(lr = this.lr): void {
    requirePositive('SGD.step: lr', lr, true);
    const { kernels } = engine();
    for (const t of this.trainables) {
      checkSizes('SGD', t);
      // With μ = 0 the kernel never reads the velocity, so no state is created for it.
      const velocity = this.momentum > 0 ? stateArray('SGD', t, 'velocity') : t.grads;
      const decay = t.decay ? this.weightDecay : 0;
      const n = t.values.length;
      const { split, scale } = updateSegments(t);
      kernels.sgdUpdate(t.values, t.grads, velocity, split, lr, this.momentum, this.nesterov, decay);
      if (split < n) {
        const [vs, gs, ws] = [t.values, t.grads, velocity].map((array) => array.subarray(split));
        kernels.sgdUpdate(vs, gs, ws, n - split, lr * scale, this.momentum, this.nesterov, decay);
      }
    }
    this.stepCount++;
  }

  replaceTrainable(previous: Trainable, next: Trainable): void {
    this.trainables = withReplaced('SGD', this.trainables, previous, next);
  }

  zeroGrad(): void {
    zeroGrads(this.trainables);
  }

  getState(): OptimizerState {
    return { stepCount: this.stepCount };
  }

  setState(state: OptimizerState): void {
    checkState('SGD', state);
    this.stepCount = state.stepCount;
  }
}

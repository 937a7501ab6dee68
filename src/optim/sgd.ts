import { engine } from '../kernels/engine.js';
import type { Trainable } from '../tensor/trainable.js';
import { checkPositive, checkUnitInterval } from '../util/checks.js';
import { FusedOptimizer, updateSegments } from './optimizer.js';

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
export class SGD extends FusedOptimizer {
  readonly momentum: number;
  readonly nesterov: boolean;
  readonly weightDecay: number;

  constructor(trainables: readonly Trainable[], options: SgdOptions) {
    super('SGD', trainables, options.lr);
    this.momentum = options.momentum ?? 0;
    this.nesterov = options.nesterov ?? false;
    this.weightDecay = options.weightDecay ?? 0;
    checkUnitInterval(this.momentum, 'SGD: momentum');
    checkPositive(this.weightDecay, 'SGD: weightDecay', true);
    if (this.nesterov && this.momentum === 0)
      throw new Error('SGD: nesterov needs momentum > 0; set momentum (e.g. 0.9)');
  }

  protected update(t: Trainable, lr: number): void {
    const { kernels } = engine();
    // With μ = 0 the kernel never reads the velocity, so no state is created for it.
    const velocity = this.momentum > 0 ? this.state(t, 'velocity') : t.grads;
    const decay = t.decay ? this.weightDecay : 0;
    const n = t.values.length;
    const { split, scale } = updateSegments(t);
    const settings = { momentum: this.momentum, nesterov: this.nesterov, weightDecay: decay };
    kernels.sgdUpdate({ params: t.values, grads: t.grads, velocity, n: split, lr, ...settings });
    if (split < n) {
      const [vs, gs, ws] = [t.values, t.grads, velocity].map((array) => array.subarray(split));
      kernels.sgdUpdate({ params: vs, grads: gs, velocity: ws, n: n - split, lr: lr * scale, ...settings });
    }
  }
}

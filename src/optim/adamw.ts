import { engine } from '../kernels/engine.js';
import type { Trainable } from '../tensor/trainable.js';
import { checkPositive, checkUnitInterval } from '../util/checks.js';
import { FusedOptimizer, updateSegments } from './optimizer.js';

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
export class AdamW extends FusedOptimizer {
  readonly betas: readonly [number, number];
  readonly eps: number;
  readonly weightDecay: number;
  // The kernels run in float32: β rounded once, so the bias corrections use the very β the moments decay by.
  private readonly beta1: number;
  private readonly beta2: number;
  /** This step's bias corrections 1 − β1ᵗ and 1 − β2ᵗ. */
  private bc1 = 1;
  private bc2 = 1;

  constructor(trainables: readonly Trainable[], options: AdamWOptions) {
    super('AdamW', trainables, options.lr);
    this.betas = options.betas ?? [0.9, 0.999];
    this.eps = options.eps ?? 1e-8;
    this.weightDecay = options.weightDecay ?? 0.01;
    checkUnitInterval(this.betas[0], 'AdamW: betas[0]');
    checkUnitInterval(this.betas[1], 'AdamW: betas[1]');
    checkPositive(this.eps, 'AdamW: eps');
    checkPositive(this.weightDecay, 'AdamW: weightDecay', true);
    this.beta1 = Math.fround(this.betas[0]);
    this.beta2 = Math.fround(this.betas[1]);
  }

  protected override startStep(t: number): void {
    this.bc1 = 1 - this.beta1 ** t;
    this.bc2 = 1 - this.beta2 ** t;
  }

  protected update(trainable: Trainable, lr: number): void {
    const { kernels } = engine();
    const { beta1, beta2, bc1, bc2 } = this;
    const m = this.state(trainable, 'firstMoment');
    const v = this.state(trainable, 'secondMoment');
    const decay = trainable.decay ? this.weightDecay : 0;
    const n = trainable.values.length;
    const { split, scale } = updateSegments(trainable);
    const { values, grads } = trainable;
    const settings = { beta1, beta2, eps: this.eps, weightDecay: decay, bc1, bc2 };
    kernels.adamwUpdate({ params: values, grads, m, v, n: split, lr, ...settings });
    if (split < n) {
      const [vs, gs, ms, ss] = [values, grads, m, v].map((array) => array.subarray(split));
      kernels.adamwUpdate({ params: vs, grads: gs, m: ms, v: ss, n: n - split, lr: lr * scale, ...settings });
    }
  }
}

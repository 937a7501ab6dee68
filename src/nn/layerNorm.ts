import { layerNorm } from '../tensor/ops/layerNorm.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Trainable } from '../tensor/trainable.js';
import type { Module } from './module.js';
import { Parameter } from './parameter.js';

/**
 * Layer normalisation over the features of each column of x [features, batch] (see the layerNorm op), with a
 * per-feature gain (starts at 1) and bias (starts at 0), `${name}.gain` and `${name}.bias`, neither decayed.
 */
export class LayerNorm implements Module {
  readonly name: string;
  readonly gain: Parameter;
  readonly bias: Parameter;
  readonly eps: number;

  constructor(options: { name: string; features: number; eps?: number }) {
    const { name, features } = options;
    this.name = name;
    this.gain = Parameter.zeros(`${name}.gain`, [features], { decay: false });
    this.gain.values.fill(1);
    this.bias = Parameter.zeros(`${name}.bias`, [features], { decay: false });
    this.eps = options.eps ?? 1e-5;
  }

  forward(x: Tensor): Tensor {
    return layerNorm(x, this.gain.tensor, this.bias.tensor, this.eps);
  }

  trainables(): Trainable[] {
    return [this.gain, this.bias];
  }

  parameterCount(): number {
    return 2 * this.gain.values.length;
  }

  dispose(): void {
    this.gain.dispose();
    this.bias.dispose();
  }
}

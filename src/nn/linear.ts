import { addRowBias } from '../tensor/ops/addRowBias.js';
import { matmul } from '../tensor/ops/matmul.js';
import { formatShape, Tensor } from '../tensor/tensor.js';
import type { Random } from '../util/random.js';
import { initWeights, type WeightInit } from './init.js';
import type { Module } from './module.js';
import { Parameter } from './parameter.js';
import type { Trainable } from './trainable.js';

export interface LinearOptions {
  inputs: number;
  outputs: number;
  /** Add a bias (default true); biases start at zero and are not weight-decayed. */
  bias?: boolean;
  init: WeightInit;
  random: Random;
  /** Prefix of the trainables' names: `${name}.weight`, `${name}.bias`. */
  name: string;
}

/**
 * A dense layer on feature-major activations: Y[out, B] = W[out, in] · X[in, B] + b, one NN matmul and a
 * row bias; the backward runs the TN form for dX = Wᵀ·dY and the NT form for dW = dY·Xᵀ.
 */
export class Linear implements Module {
  readonly name: string;
  readonly inputs: number;
  readonly outputs: number;
  readonly weight: Parameter;
  readonly bias: Parameter | null;

  constructor(options: LinearOptions) {
    const { inputs, outputs, name } = options;
    if (!Number.isInteger(inputs) || inputs < 1 || !Number.isInteger(outputs) || outputs < 1) {
      throw new Error(
        `Linear ${name}: inputs and outputs must be positive integers, got ${inputs} and ${outputs}`,
      );
    }
    this.name = name;
    this.inputs = inputs;
    this.outputs = outputs;
    this.weight = new Parameter(`${name}.weight`, Tensor.zeros([outputs, inputs], { requiresGrad: true }));
    initWeights(this.weight.values, inputs, outputs, options.init, options.random);
    this.bias = (options.bias ?? true) ? Parameter.zeros(`${name}.bias`, [outputs], { decay: false }) : null;
  }

  forward(x: Tensor): Tensor {
    if (x.shape.length !== 2 || x.shape[0] !== this.inputs) {
      throw new Error(
        `Linear ${this.name}: expects input [${this.inputs}, batch] (feature-major), got ${formatShape(x.shape)}`,
      );
    }
    const y = matmul(this.weight.tensor, x);
    return this.bias ? addRowBias(y, this.bias.tensor) : y;
  }

  trainables(): Trainable[] {
    return this.bias ? [this.weight, this.bias] : [this.weight];
  }

  parameterCount(): number {
    return this.weight.values.length + (this.bias?.values.length ?? 0);
  }

  dispose(): void {
    this.weight.dispose();
    this.bias?.dispose();
  }
}

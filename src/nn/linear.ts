import type { SparseWeight, SparseWeightSettings } from '../sparse/sparseWeight.js';
import { addRowBiasInPlace } from '../tensor/ops/addRowBias.js';
import { type Activation, biasActivation } from '../tensor/ops/biasActivation.js';
import { gelu } from '../tensor/ops/gelu.js';
import { relu } from '../tensor/ops/relu.js';
import { formatShape, Tensor } from '../tensor/tensor.js';
import type { Trainable } from '../tensor/trainable.js';
import { checkPositiveIntegers } from '../util/checks.js';
import type { Random } from '../util/random.js';
import type { FusesActivation } from './activations.js';
import { initWeights, type WeightInit } from './init.js';
import { LayerWeight } from './layerWeight.js';
import type { Module } from './module.js';
import { Parameter } from './parameter.js';
import type { Sparsifiable, WeightTransform } from './sparsifiable.js';

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
 * A linear layer on feature-major activations: Y[out, B] = W[out, in] · X[in, B] + b.
 *
 * Dense, it is one NN matmul and a row bias (the backward runs the TN form for dX = Wᵀ·dY and the NT form for
 * dW = dY·Xᵀ). After makeSparse its weight is a SparseWeight and it runs sparseMatmul: the forward set A for
 * the forward pass and the input gradient, the backward set B for the weight gradient. The bias stays dense.
 */
export class Linear implements Module, Sparsifiable, FusesActivation {
  readonly name: string;
  readonly inputs: number;
  readonly outputs: number;
  readonly bias: Parameter | null;
  private readonly layerWeight: LayerWeight;

  constructor(options: LinearOptions) {
    const { inputs, outputs, name } = options;
    checkPositiveIntegers([inputs, outputs], `Linear ${name}: inputs and outputs`);
    this.name = name;
    this.inputs = inputs;
    this.outputs = outputs;
    const weight = new Parameter(`${name}.weight`, Tensor.zeros([outputs, inputs], { requiresGrad: true }));
    initWeights(weight.values, inputs, outputs, options.init, options.random);
    this.layerWeight = new LayerWeight({
      parameter: weight,
      rows: outputs,
      cols: inputs,
      owner: `Linear ${name}`,
    });
    this.bias = (options.bias ?? true) ? Parameter.zeros(`${name}.bias`, [outputs], { decay: false }) : null;
  }

  get weight(): Parameter | SparseWeight {
    return this.layerWeight.value;
  }

  get weightDims(): readonly number[] {
    return [this.outputs, this.inputs];
  }

  /** Each weight is used once per example (per column of the input). */
  get weightUses(): number {
    return 1;
  }

  makeSparse(forward: Int32Array, backward: Int32Array, settings?: SparseWeightSettings): SparseWeight {
    return this.layerWeight.makeSparse(forward, backward, settings);
  }

  setWeightTransform(transform: WeightTransform | null): void {
    this.layerWeight.setTransform(transform);
  }

  forward(x: Tensor): Tensor {
    const y = this.product(x);
    return this.bias ? addRowBiasInPlace(y, this.bias.tensor) : y;
  }

  /** activation(W·x + b), the bias and the activation in one op (see Sequential). */
  forwardActivated(x: Tensor, activation: Activation): Tensor {
    const y = this.product(x);
    if (this.bias) return biasActivation(y, this.bias.tensor, activation);
    return activation === 'gelu' ? gelu(y) : relu(y);
  }

  /** W·x, dense or sparse. */
  private product(x: Tensor): Tensor {
    if (x.shape.length !== 2 || x.shape[0] !== this.inputs) {
      throw new Error(
        `Linear ${this.name}: expects input [${this.inputs}, batch] (feature-major), got ${formatShape(x.shape)}`,
      );
    }
    return this.layerWeight.times(x);
  }

  trainables(): Trainable[] {
    return this.bias ? [this.weight, this.bias] : [this.weight];
  }

  /** The dense count (a sparse layer's kept counts are its weight's forwardCount and backwardCount). */
  parameterCount(): number {
    return this.inputs * this.outputs + (this.bias?.values.length ?? 0);
  }

  dispose(): void {
    this.layerWeight.dispose();
    this.bias?.dispose();
  }
}

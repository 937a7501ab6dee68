import { sparseMatmul } from '../sparse/sparseMatmul.js';
import { SparseWeight, type SparseWeightSettings } from '../sparse/sparseWeight.js';
import { addRowBiasInPlace } from '../tensor/ops/addRowBias.js';
import { type Activation, biasActivation } from '../tensor/ops/biasActivation.js';
import { gelu } from '../tensor/ops/gelu.js';
import { matmul } from '../tensor/ops/matmul.js';
import { relu } from '../tensor/ops/relu.js';
import { formatShape, Tensor } from '../tensor/tensor.js';
import type { Random } from '../util/random.js';
import type { FusesActivation } from './activations.js';
import { initWeights, type WeightInit } from './init.js';
import type { Module } from './module.js';
import { Parameter } from './parameter.js';
import { moveToSparseWeight, type Sparsifiable, type WeightTransform } from './sparsifiable.js';
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
  private current: Parameter | SparseWeight;
  private transform: WeightTransform | null = null;

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
    const weight = new Parameter(`${name}.weight`, Tensor.zeros([outputs, inputs], { requiresGrad: true }));
    initWeights(weight.values, inputs, outputs, options.init, options.random);
    this.current = weight;
    this.bias = (options.bias ?? true) ? Parameter.zeros(`${name}.bias`, [outputs], { decay: false }) : null;
  }

  get weight(): Parameter | SparseWeight {
    return this.current;
  }

  get weightDims(): readonly number[] {
    return [this.outputs, this.inputs];
  }

  /** Each weight is used once per example (per column of the input). */
  get weightUses(): number {
    return 1;
  }

  makeSparse(forward: Int32Array, backward: Int32Array, settings?: SparseWeightSettings): SparseWeight {
    if (this.current instanceof SparseWeight) throw new Error(`Linear ${this.name} is already sparse`);
    const sparse = moveToSparseWeight(this.current, this.outputs, this.inputs, forward, backward, settings);
    this.current = sparse;
    this.transform = null;
    return sparse;
  }

  setWeightTransform(transform: WeightTransform | null): void {
    if (transform && this.current instanceof SparseWeight) {
      throw new Error(`Linear ${this.name}: a sparse weight cannot be transformed; transform it while dense`);
    }
    this.transform = transform;
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
    const weight = this.current;
    return weight instanceof SparseWeight ? sparseMatmul(weight, x) : matmul(this.denseWeight(weight), x);
  }

  private denseWeight(weight: Parameter): Tensor {
    return this.transform ? this.transform(weight.tensor) : weight.tensor;
  }

  trainables(): Trainable[] {
    return this.bias ? [this.current, this.bias] : [this.current];
  }

  /** The dense count (a sparse layer's kept counts are its weight's forwardCount and backwardCount). */
  parameterCount(): number {
    return this.inputs * this.outputs + (this.bias?.values.length ?? 0);
  }

  dispose(): void {
    this.current.dispose();
    this.bias?.dispose();
  }
}

import { type SparseMatmulOptions, sparseMatmul } from '../sparse/sparseMatmul.js';
import { SparseWeight } from '../sparse/sparseWeight.js';
import { addRowBias } from '../tensor/ops/addRowBias.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Linear } from './linear.js';
import type { Module } from './module.js';
import type { Parameter } from './parameter.js';
import type { Trainable } from './trainable.js';

/**
 * A linear layer whose weight is a SparseWeight: Y[out, B] = W_A · X[in, B] + b, with the weight gradient
 * only at the backward set B (see sparseMatmul). The bias stays dense.
 */
export class SparseLinear implements Module {
  readonly name: string;
  readonly weight: SparseWeight;
  readonly bias: Parameter | null;
  /** When to fall back to the dense kernels on masked weights (see SparseMatmulOptions). */
  readonly kernelChoice: SparseMatmulOptions;

  constructor(
    name: string,
    weight: SparseWeight,
    bias: Parameter | null,
    kernelChoice: SparseMatmulOptions = {},
  ) {
    this.name = name;
    this.weight = weight;
    this.bias = bias;
    this.kernelChoice = kernelChoice;
  }

  /**
   * Takes over a dense Linear: its weights become θ, the given sets become A and B, and its bias parameter
   * moves over as it is (the Linear's own weight parameter is disposed).
   */
  static fromLinear(
    linear: Linear,
    forward: Int32Array,
    backward: Int32Array,
    kernelChoice: SparseMatmulOptions = {},
  ): SparseLinear {
    const weight = new SparseWeight({
      name: linear.weight.name,
      rows: linear.outputs,
      cols: linear.inputs,
      theta: linear.weight.values,
      forward,
      backward,
    });
    linear.weight.dispose();
    return new SparseLinear(linear.name, weight, linear.bias, kernelChoice);
  }

  get inputs(): number {
    return this.weight.cols;
  }

  get outputs(): number {
    return this.weight.rows;
  }

  forward(x: Tensor): Tensor {
    const y = sparseMatmul(this.weight, x, this.kernelChoice);
    return this.bias ? addRowBias(y, this.bias.tensor) : y;
  }

  trainables(): Trainable[] {
    return this.bias ? [this.weight, this.bias] : [this.weight];
  }

  /** Dense count, as for the Linear it replaces (the kept counts are the weight's forward/backwardCount). */
  parameterCount(): number {
    return this.weight.size + (this.bias?.values.length ?? 0);
  }

  dispose(): void {
    this.weight.dispose();
    this.bias?.dispose();
  }
}

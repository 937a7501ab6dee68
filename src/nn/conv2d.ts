import type { SparseWeight, SparseWeightSettings } from '../sparse/sparseWeight.js';
import { addChannelBias } from '../tensor/ops/addChannelBias.js';
import { im2col } from '../tensor/ops/im2col.js';
import { reshape } from '../tensor/ops/reshape.js';
import {
  checkWindow,
  makeWindow,
  type Window,
  windowGeometry,
  windowOutputSize,
} from '../tensor/ops/window.js';
import { formatShape, Tensor } from '../tensor/tensor.js';
import type { Trainable } from '../tensor/trainable.js';
import { checkPositiveIntegers } from '../util/checks.js';
import type { Random } from '../util/random.js';
import { initWeights, type WeightInit } from './init.js';
import { LayerWeight } from './layerWeight.js';
import type { Module } from './module.js';
import { Parameter } from './parameter.js';
import type { Sparsifiable, WeightTransform } from './sparsifiable.js';

export interface Conv2dOptions {
  /** Input channels C. */
  inputs: number;
  /** Output channels (filters). */
  outputs: number;
  /** [kh, kw], or one number for a square kernel. */
  kernel: number | readonly [number, number];
  /** Default 1. */
  stride?: number | readonly [number, number];
  /** Zero padding on each side; default 0 (use (k − 1) / 2 with stride 1 to keep the size). */
  padding?: number | readonly [number, number];
  /**
   * The input's [height, width], when known at construction: it gives `weightUses` (Hout·Wout, the FLOPs per
   * weight that Spartan's "flops" cost model charges). Inputs of other sizes still work.
   */
  inputSize?: readonly [number, number];
  /** Add a bias per output channel (default true); biases start at zero and are not weight-decayed. */
  bias?: boolean;
  /** Weight init with fan-in C·kh·kw (see init.ts). */
  init: WeightInit;
  random: Random;
  /** Prefix of the trainables' names: `${name}.weight`, `${name}.bias`. */
  name: string;
}

/**
 * A 2-D convolution (cross-correlation, as in every deep-learning library) on image batches [C, H, W, B]:
 *
 *     Y[o, oy, ox, b] = bias[o] + Σ_{c, i, j} W[o, c, i, j] · x[c, oy·sh + i − ph, ox·sw + j − pw, b]
 *
 * computed as one matrix product on the im2col matrix: Y[out, Hout·Wout·B] = W[out, C·kh·kw] ·
 * cols[C·kh·kw, Hout·Wout·B], i.e. the linear layer's product with "batch" Hout·Wout·B, whose result is
 * [out, Hout, Wout, B] in memory order. Backward: dW = dY·colsᵀ, dcols = Wᵀ·dY, then col2im into dx.
 *
 * Sparse (Sparsifiable): the weight matrix [out, C·kh·kw] becomes a SparseWeight and the product runs
 * sparseMatmul, exactly as in Linear (forward set A for Y and dcols, backward set B for dW). Layer
 * distributions see its dims as [out, C, kh, kw], so ERK counts the kernel size.
 */
export class Conv2d implements Module, Sparsifiable {
  readonly name: string;
  readonly inputs: number;
  readonly outputs: number;
  readonly window: Window;
  readonly bias: Parameter | null;
  /** Hout·Wout for the constructor's inputSize; undefined without one. */
  readonly weightUses: number | undefined;
  private readonly layerWeight: LayerWeight;

  constructor(options: Conv2dOptions) {
    const { inputs, outputs, name } = options;
    checkPositiveIntegers([inputs, outputs], `Conv2d ${name}: inputs and outputs (channels)`);
    this.name = name;
    this.inputs = inputs;
    this.outputs = outputs;
    this.window = makeWindow(options.kernel, options.stride ?? 1, options.padding ?? 0);
    checkWindow(`Conv2d ${name}`, this.window);
    const [kh, kw] = this.window.kernel;
    const fanIn = inputs * kh * kw;
    const weight = new Parameter(`${name}.weight`, Tensor.zeros([outputs, fanIn], { requiresGrad: true }));
    initWeights(weight.values, fanIn, outputs * kh * kw, options.init, options.random);
    this.layerWeight = new LayerWeight({
      parameter: weight,
      rows: outputs,
      cols: fanIn,
      owner: `Conv2d ${name}`,
    });
    this.bias = (options.bias ?? true) ? Parameter.zeros(`${name}.bias`, [outputs], { decay: false }) : null;
    this.weightUses =
      options.inputSize && windowOutputSize(options.inputSize, this.window).reduce((a, b) => a * b);
  }

  /** The weight matrix [out, C·kh·kw] (row o holds filter o in (c, i, j) order): dense until makeSparse. */
  get weight(): Parameter | SparseWeight {
    return this.layerWeight.value;
  }

  get weightDims(): readonly number[] {
    return [this.outputs, this.inputs, ...this.window.kernel];
  }

  makeSparse(forward: Int32Array, backward: Int32Array, settings?: SparseWeightSettings): SparseWeight {
    return this.layerWeight.makeSparse(forward, backward, settings);
  }

  setWeightTransform(transform: WeightTransform | null): void {
    this.layerWeight.setTransform(transform);
  }

  /** x [C, H, W, B] → [out, Hout, Wout, B]. */
  forward(x: Tensor): Tensor {
    if (x.shape.length !== 4 || x.shape[0] !== this.inputs) {
      throw new Error(
        `Conv2d ${this.name}: expects input [${this.inputs}, height, width, batch], got ${formatShape(x.shape)}; reshape a [C·H·W, batch] matrix with Unflatten first`,
      );
    }
    const { batch, outHeight, outWidth } = windowGeometry(`Conv2d ${this.name}`, x, this.window);
    const cols = im2col(x, this.window);
    const product = this.layerWeight.times(cols);
    const shape = [this.outputs, outHeight, outWidth, batch];
    return this.bias ? addChannelBias(product, this.bias.tensor, shape) : reshape(product, shape);
  }

  trainables(): Trainable[] {
    return this.bias ? [this.weight, this.bias] : [this.weight];
  }

  /** The dense count (a sparse layer's kept counts are its weight's forwardCount and backwardCount). */
  parameterCount(): number {
    const [kh, kw] = this.window.kernel;
    return this.outputs * this.inputs * kh * kw + (this.bias?.values.length ?? 0);
  }

  dispose(): void {
    this.layerWeight.dispose();
    this.bias?.dispose();
  }
}

/**
 * An image model (mlp or cnn) as a plain list of standard layers with their forward weights: what the ONNX
 * and TensorFlow.js exports translate, and what the `architecture` metadata of a safetensors export records
 * (without the weights), so any framework can rebuild the model layer by layer.
 *
 * Layouts are PyTorch's: a linear weight is [out, in] (y = W·x + b), a convolution weight [out, C, kh, kw]
 * (cross-correlation, zero padding), images are [C, H, W] and flattening keeps (c, h, w) order. The input is
 * one row per example, pixels/255 in [0, 1], flattened [C·H·W]; the first layer normalises it,
 * x ← (x − mean) / std, as training did. A weight that was sparse holds its forward set's values and zeros
 * elsewhere.
 */
import { GELU, ReLU } from '../../nn/activations.js';
import { Conv2d } from '../../nn/conv2d.js';
import { Flatten, Unflatten } from '../../nn/flatten.js';
import { Linear } from '../../nn/linear.js';
import type { Module } from '../../nn/module.js';
import { MaxPool2d } from '../../nn/pooling.js';
import { Sequential } from '../../nn/sequential.js';
import { SparseWeight } from '../../sparse/sparseWeight.js';

export interface Weight {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

export type GraphLayer =
  | { readonly kind: 'normalize'; readonly mean: number; readonly std: number }
  | { readonly kind: 'unflatten'; readonly shape: readonly [number, number, number] }
  | { readonly kind: 'flatten' }
  | { readonly kind: 'relu' }
  /** GELU, tanh approximation: x/2 · (1 + tanh(√(2/π) · (x + 0.044715 x³))). */
  | { readonly kind: 'gelu' }
  | { readonly kind: 'maxpool2d'; readonly kernel: readonly number[]; readonly stride: readonly number[] }
  | { readonly kind: 'linear'; readonly weight: Weight; readonly bias: Weight | null }
  | {
      readonly kind: 'conv2d';
      readonly weight: Weight;
      readonly bias: Weight | null;
      readonly stride: readonly number[];
      readonly padding: readonly number[];
    };

/** The input contract of an exported image model. */
export interface ImageInput {
  /** Features per example (C·H·W). */
  readonly features: number;
  readonly mean: number;
  readonly std: number;
}

/**
 * The layers of an image model, after the normalisation; throws for a model that is not a Sequential of
 * linear, convolution, pooling, reshaping and activation layers (the transformer).
 */
export function layerGraph(model: Module, input: ImageInput): GraphLayer[] {
  if (!(model instanceof Sequential)) {
    throw new Error(
      'only image models (mlp, cnn) can be exported to ONNX or TensorFlow.js, not a transformer',
    );
  }
  return [{ kind: 'normalize', mean: input.mean, std: input.std }, ...model.modules.map(graphLayer)];
}

function graphLayer(module: Module): GraphLayer {
  if (module instanceof Linear) return { kind: 'linear', ...weights(module) };
  if (module instanceof Conv2d) {
    const { stride, padding } = module.window;
    return { kind: 'conv2d', ...weights(module), stride: [...stride], padding: [...padding] };
  }
  if (module instanceof MaxPool2d) {
    const pair = (size: number | readonly number[]) => (typeof size === 'number' ? [size, size] : [...size]);
    return { kind: 'maxpool2d', kernel: pair(module.kernel), stride: pair(module.stride) };
  }
  if (module instanceof Unflatten) return { kind: 'unflatten', shape: module.imageShape };
  if (module instanceof Flatten) return { kind: 'flatten' };
  if (module instanceof ReLU) return { kind: 'relu' };
  if (module instanceof GELU) return { kind: 'gelu' };
  throw new Error(`cannot export a ${module.constructor.name} layer to ONNX or TensorFlow.js`);
}

/** The layer's weight in its natural shape (forward values only) and its bias. */
function weights(layer: Linear | Conv2d): { weight: Weight; bias: Weight | null } {
  const { weight, bias } = layer;
  const data = weight instanceof SparseWeight ? weight.forwardDense() : Float32Array.from(weight.values);
  return {
    weight: { name: weight.name, shape: layer.weightDims, data },
    bias: bias && { name: bias.name, shape: [bias.values.length], data: Float32Array.from(bias.values) },
  };
}

/** The layers without their weights' values (names and shapes only): the `architecture` metadata entry. */
export function describeLayers(layers: readonly GraphLayer[]): unknown[] {
  return layers.map((layer) => {
    if (layer.kind !== 'linear' && layer.kind !== 'conv2d') return layer;
    const { weight, bias, ...rest } = layer;
    return {
      ...rest,
      weight: { name: weight.name, shape: weight.shape },
      bias: bias && { name: bias.name, shape: bias.shape },
    };
  });
}

/**
 * Layers whose weight a sparsity method may make sparse (Linear, Conv2d, SparsifiableEmbedding). A layer
 * switches its own weight from a dense Parameter to a SparseWeight in place (through its LayerWeight), so
 * nested models (attention blocks, residual blocks) need no surgery: the controller walks the module tree,
 * finds these layers, and calls makeSparse.
 */
import type { SparseWeight, SparseWeightSettings } from '../sparse/sparseWeight.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Module } from './module.js';
import type { Parameter } from './parameter.js';

/**
 * A function the layer applies to its dense weight tensor before using it, recorded on the tape like any op
 * (Spartan's W ⊙ m ⊙ h, see src/spartan/softMaskedWeight.ts). It returns a tensor of the weight's shape.
 */
export type WeightTransform = (weight: Tensor) => Tensor;

export interface Sparsifiable {
  readonly name: string;
  /** The weight's dims as layer distributions see them: [out, in] for a linear map, [out, in, kh, kw] for a
   * convolution kernel. */
  readonly weightDims: readonly number[];
  /** The weight: dense until makeSparse, then the SparseWeight. */
  readonly weight: Parameter | SparseWeight;
  /**
   * Moves the dense weight into a SparseWeight (θ = the current dense values) with the given sets (flat
   * indices of the [rows × cols] weight matrix) and optimizer settings; the dense Parameter is disposed.
   */
  makeSparse(forward: Int32Array, backward: Int32Array, settings?: SparseWeightSettings): SparseWeight;
  /**
   * Routes the dense weight through `transform` in every forward pass from now on (null: use it as it is).
   * Only a dense weight can be transformed: a sparse layer refuses.
   */
  setWeightTransform(transform: WeightTransform | null): void;
  /**
   * How many times one example uses each weight in the forward pass: 1 for a linear map, Hout·Wout for a
   * convolution (its FLOPs per weight, Spartan's "flops" cost model); undefined when the layer cannot know
   * (a convolution built without its input size).
   */
  readonly weightUses: number | undefined;
}

export function isSparsifiable(module: Module): module is Module & Sparsifiable {
  return typeof (module as Partial<Sparsifiable>).makeSparse === 'function';
}

/** The module and all its descendants, depth-first in forward order. */
export function allModules(root: Module): Module[] {
  return [root, ...(root.children?.() ?? []).flatMap(allModules)];
}

import type { Tensor } from '../tensor/tensor.js';
import type { Trainable } from '../tensor/trainable.js';

/**
 * A layer or a model: a function of feature-major activations [features, batch] with trainable arrays.
 * Run forward inside recordTape to train (the tape owns every activation it makes).
 */
export interface Module {
  forward(x: Tensor): Tensor;
  /** Every trainable array, in a fixed order, with names unique within the model. */
  trainables(): Trainable[];
  /** The number of trainable scalars (dense count). */
  parameterCount(): number;
  /** The modules this one is made of, in forward order (containers and blocks); leaves have none. */
  children?(): readonly Module[];
  /** Returns the module's parameters and optimizer state to the heap. */
  dispose?(): void;
}

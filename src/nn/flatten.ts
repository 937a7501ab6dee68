import { reshape } from '../tensor/ops/reshape.js';
import { formatShape, type Tensor } from '../tensor/tensor.js';
import type { Trainable } from '../tensor/trainable.js';
import type { Module } from './module.js';

/**
 * The two views of an image batch: [C, H, W, B] for the spatial layers (Conv2d, pooling) and the
 * feature-major matrix [C·H·W, B] for Linear and the data loader. Both hold the same entries in the same
 * order (batch innermost), so switching is a reshape (see ops/reshape.ts).
 */

/** [C, H, W, B] → [C·H·W, B]: from convolutional features to a Linear layer. Gradient passes through. */
export class Flatten implements Module {
  forward(x: Tensor): Tensor {
    if (x.shape.length < 2) {
      throw new Error(`Flatten: expects [..., batch] with at least 2 dims, got ${formatShape(x.shape)}`);
    }
    const features = x.shape.slice(0, -1).reduce((a, b) => a * b, 1);
    return reshape(x, [features, x.shape[x.shape.length - 1]]);
  }
  trainables(): Trainable[] {
    return [];
  }
  parameterCount(): number {
    return 0;
  }
}

/** [C·H·W, B] → [C, H, W, B] for a given image shape [C, H, W]: from the data loader's matrix to Conv2d. */
export class Unflatten implements Module {
  readonly imageShape: readonly [number, number, number];

  constructor(imageShape: readonly [number, number, number]) {
    this.imageShape = [...imageShape];
  }

  forward(x: Tensor): Tensor {
    const [c, h, w] = this.imageShape;
    if (x.shape.length !== 2 || x.shape[0] !== c * h * w) {
      throw new Error(
        `Unflatten: expects images as [${c * h * w}, batch] (${c}·${h}·${w} features, feature-major), got ${formatShape(x.shape)}`,
      );
    }
    return reshape(x, [c, h, w, x.shape[1]]);
  }
  trainables(): Trainable[] {
    return [];
  }
  parameterCount(): number {
    return 0;
  }
}

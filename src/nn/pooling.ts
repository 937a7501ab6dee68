import { avgPool2d } from '../tensor/ops/avgPool2d.js';
import { maxPool2d } from '../tensor/ops/maxPool2d.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Trainable } from '../tensor/trainable.js';
import type { Module } from './module.js';

type Size = number | readonly [number, number];

/** Max pooling of [C, H, W, B] over kernel windows (stride defaults to the kernel), as a module. */
export class MaxPool2d implements Module {
  constructor(
    readonly kernel: Size,
    readonly stride: Size = kernel,
  ) {}
  forward(x: Tensor): Tensor {
    return maxPool2d(x, this.kernel, this.stride);
  }
  trainables(): Trainable[] {
    return [];
  }
  parameterCount(): number {
    return 0;
  }
}

/** Average pooling of [C, H, W, B] over kernel windows (stride defaults to the kernel), as a module. */
export class AvgPool2d implements Module {
  constructor(
    readonly kernel: Size,
    readonly stride: Size = kernel,
  ) {}
  forward(x: Tensor): Tensor {
    return avgPool2d(x, this.kernel, this.stride);
  }
  trainables(): Trainable[] {
    return [];
  }
  parameterCount(): number {
    return 0;
  }
}

import { Random } from '../util/random.js';
import { ReLU } from './activations.js';
import { Conv2d } from './conv2d.js';
import { Flatten, Unflatten } from './flatten.js';
import { Linear } from './linear.js';
import type { Module } from './module.js';
import { MaxPool2d } from './pooling.js';
import { Sequential } from './sequential.js';

export interface CnnOptions {
  /** The image shape [C, H, W]; the model takes its input as the matrix [C·H·W, batch]. */
  inputShape: readonly [number, number, number];
  classes: number;
  seed: number;
  /** Filters of each conv block (default [32, 64]). */
  channels?: readonly number[];
  /** Width of the hidden fully connected layer (default 128). */
  hidden?: number;
}

/**
 * A small convnet for small images (LeNet/VGG style): per entry of `channels`, a block
 * conv 3×3 (padding 1) → ReLU → max-pool 2×2, then flatten → linear(hidden) → ReLU → linear(classes).
 * With the defaults on 28×28: [1,28,28] → conv1 [32,28,28] → [32,14,14] → conv2 [64,14,14] → [64,7,7]
 * → 3136 → fc1 128 → out 10 (421,642 parameters, 95% of them in fc1).
 *
 * Input and output are feature-major matrices ([C·H·W, batch] in, [classes, batch] logits out), like mlp,
 * so the data loaders, fit loop and checkpoints work unchanged. Naming: conv1, conv2, ..., fc1, out.
 * Convolutions and fc1 are Kaiming-normal (fan-in), out is Glorot-uniform, biases zero; each layer draws from
 * Random(seed).fork(layerName).
 */
export function cnn(options: CnnOptions): Sequential {
  const { inputShape, classes, seed } = options;
  const channels = options.channels ?? [32, 64];
  const hidden = options.hidden ?? 128;
  let [c, h, w] = inputShape;
  const random = new Random(seed);
  const modules: Module[] = [new Unflatten(inputShape)];
  channels.forEach((filters, i) => {
    if (h < 2 || w < 2) {
      throw new Error(
        `cnn: ${channels.length} conv blocks pool ${inputShape[1]}×${inputShape[2]} images below 1×1 at block ${i + 1}; use fewer channels entries`,
      );
    }
    const name = `conv${i + 1}`;
    modules.push(
      new Conv2d({
        inputs: c,
        outputs: filters,
        kernel: 3,
        padding: 1,
        inputSize: [h, w],
        init: 'kaiming',
        random: random.fork(name),
        name,
      }),
      new ReLU(),
      new MaxPool2d(2),
    );
    [c, h, w] = [filters, Math.floor(h / 2), Math.floor(w / 2)];
  });
  modules.push(
    new Flatten(),
    new Linear({
      inputs: c * h * w,
      outputs: hidden,
      init: 'kaiming',
      random: random.fork('fc1'),
      name: 'fc1',
    }),
    new ReLU(),
    new Linear({ inputs: hidden, outputs: classes, init: 'glorot', random: random.fork('out'), name: 'out' }),
  );
  return new Sequential(modules);
}

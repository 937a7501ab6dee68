/**
 * The peer we measure against in the same process: the same MLP training step in TensorFlow.js on its
 * WebAssembly backend (XNNPACK, SIMD), dense.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as TfCore from '@tensorflow/tfjs';
import type { SteppedCase } from './timing.js';

const require = createRequire(import.meta.url);

/** Loads TensorFlow.js with the wasm backend (files read from the installed package, no network). */
async function loadTfjsWasm(): Promise<typeof TfCore> {
  // The union package: tfjs-core's own Node bundle registers no gradients.
  const tf = require('@tensorflow/tfjs') as typeof TfCore;
  const wasm = require('@tensorflow/tfjs-backend-wasm') as { setWasmPaths(path: string): void };
  const packageDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  wasm.setWasmPaths(`${join(packageDir, 'dist')}/`);
  await tf.setBackend('wasm');
  await tf.ready();
  return tf;
}

/** How the backward's products are formed. */
export type TfjsBackward = 'autodiff' | 'explicit transposes';

/** A TensorFlow.js MLP step as a SteppedCase, with the backend it ran on; dispose() frees its tensors. */
export interface TfjsStepCase extends SteppedCase {
  readonly backend: string;
  readonly simd: boolean;
  dispose(): void;
}

/**
 * One SGD training step (forward, softmax cross-entropy, backward, update) of a dense MLP with the given layer
 * sizes at the given batch size, as a case for the interleaved timing.
 *
 * 'autodiff': TensorFlow.js's own gradients, whose products dW = xᵀ·dy and dx = dy·Wᵀ are transposed
 * matMuls, which its wasm backend runs outside XNNPACK (slowly). 'explicit transposes': the same maths with a
 * custom gradient that transposes first and multiplies untransposed, so every product runs on XNNPACK: the
 * fair peer for the product speed.
 */
export async function tfjsStepCase(
  sizes: number[],
  batch: number,
  backward: TfjsBackward,
  label: string,
): Promise<TfjsStepCase> {
  const tf = await loadTfjsWasm();
  const weights = sizes.slice(1).map((out, i) => ({
    w: tf.variable(tf.randomNormal([sizes[i], out], 0, Math.sqrt(2 / sizes[i]), 'float32', 1 + i)),
    b: tf.variable(tf.zeros([out])),
  }));
  const x = tf.randomUniform([batch, sizes[0]], 0, 1, 'float32', 7);
  const labels = tf.oneHot(
    tf.randomUniform([batch], 0, sizes[sizes.length - 1], 'int32', 8),
    sizes[sizes.length - 1],
  );
  const optimizer = tf.train.sgd(0.01);
  const untransposedGradients = tf.customGrad((input, weight, save) => {
    (save as (tensors: TfCore.Tensor[]) => void)([input as TfCore.Tensor, weight as TfCore.Tensor]);
    return {
      value: tf.matMul(input as TfCore.Tensor2D, weight as TfCore.Tensor2D),
      gradFunc: (dy, saved) => {
        const [xs, ws] = saved as TfCore.Tensor2D[];
        const upstream = dy as TfCore.Tensor2D;
        return [tf.matMul(upstream, tf.transpose(ws)), tf.matMul(tf.transpose(xs), upstream)];
      },
    };
  });
  const product = (h: TfCore.Tensor2D, w: TfCore.Variable) =>
    (backward === 'autodiff' ? tf.matMul(h, w) : untransposedGradients(h, w)) as TfCore.Tensor2D;
  return {
    label,
    stepsPerSample: 5,
    backend: tf.getBackend(),
    simd: tf.env().getBool('WASM_HAS_SIMD_SUPPORT'),
    step() {
      const loss = optimizer.minimize(() => {
        let h: TfCore.Tensor2D = x as TfCore.Tensor2D;
        weights.forEach(({ w, b }, i) => {
          h = tf.add(product(h, w), b) as TfCore.Tensor2D;
          if (i < weights.length - 1) h = tf.relu(h);
        });
        return tf.losses.softmaxCrossEntropy(labels, h) as TfCore.Scalar;
      }, true);
      loss?.dataSync();
      loss?.dispose();
    },
    dispose() {
      optimizer.dispose();
      for (const { w, b } of weights) {
        w.dispose();
        b.dispose();
      }
      x.dispose();
      labels.dispose();
    },
  };
}

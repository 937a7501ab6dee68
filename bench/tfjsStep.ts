/**
 * The peer we measure against: the same MLP training step in TensorFlow.js on its WebAssembly backend
 * (XNNPACK, SIMD), dense, in the same process as our own benchmarks.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as TfCore from '@tensorflow/tfjs';
import { medianMs } from './timing.js';

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

export interface TfjsStepResult {
  backend: string;
  simd: boolean;
  stepMsMedian: number;
}

/**
 * Median time of one SGD training step (forward, softmax cross-entropy, backward, update) of a dense MLP with
 * the given layer sizes at the given batch size.
 */
export async function benchTfjsStep(sizes: number[], batch: number): Promise<TfjsStepResult> {
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
  const step = () => {
    const loss = optimizer.minimize(() => {
      let h: TfCore.Tensor2D = x as TfCore.Tensor2D;
      weights.forEach(({ w, b }, i) => {
        h = tf.add(tf.matMul(h, w), b) as TfCore.Tensor2D;
        if (i < weights.length - 1) h = tf.relu(h);
      });
      return tf.losses.softmaxCrossEntropy(labels, h) as TfCore.Scalar;
    }, true);
    loss?.dataSync();
    loss?.dispose();
  };
  const result = {
    backend: tf.getBackend(),
    simd: tf.env().getBool('WASM_HAS_SIMD_SUPPORT'),
    stepMsMedian: medianMs(step, { minReps: 10, minMs: 1000 }),
  };
  optimizer.dispose();
  for (const { w, b } of weights) {
    w.dispose();
    b.dispose();
  }
  x.dispose();
  labels.dispose();
  return result;
}

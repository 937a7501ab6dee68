import { Random } from '../util/random.js';
import { GELU, ReLU } from './activations.js';
import { Linear } from './linear.js';
import type { Module } from './module.js';
import { Sequential } from './sequential.js';

export interface MlpOptions {
  inputs: number;
  hidden: readonly number[];
  outputs: number;
  activation: 'relu' | 'gelu';
  seed: number;
}

/**
 * A multilayer perceptron: Linear, activation, ..., Linear. Naming (checkpoints rely on it): hidden layers
 * are fc1, fc2, ... and the last layer is out, so trainables are fc1.weight, fc1.bias, ..., out.weight,
 * out.bias. Hidden weights are Kaiming-normal for ReLU and Glorot-uniform for GELU; the output layer is
 * Glorot-uniform; biases are zero. Each layer draws from Random(seed).fork(layerName), so the same seed
 * gives bit-identical weights, and a layer's weights do not depend on the layers before it.
 */
export function mlp(options: MlpOptions): Sequential {
  const { inputs, hidden, outputs, activation, seed } = options;
  if (activation !== 'relu' && activation !== 'gelu') {
    throw new Error(`mlp: activation must be 'relu' or 'gelu', got ${String(activation)}`);
  }
  const random = new Random(seed);
  const modules: Module[] = [];
  let fanIn = inputs;
  hidden.forEach((width, i) => {
    const name = `fc${i + 1}`;
    const init = activation === 'relu' ? 'kaiming' : 'glorot';
    modules.push(new Linear({ inputs: fanIn, outputs: width, init, random: random.fork(name), name }));
    modules.push(activation === 'relu' ? new ReLU() : new GELU());
    fanIn = width;
  });
  modules.push(
    new Linear({ inputs: fanIn, outputs, init: 'glorot', random: random.fork('out'), name: 'out' }),
  );
  return new Sequential(modules);
}

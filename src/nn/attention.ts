import { causalSelfAttention } from '../tensor/ops/attention.js';
import { formatShape, type Tensor } from '../tensor/tensor.js';
import type { Trainable } from '../tensor/trainable.js';
import type { Random } from '../util/random.js';
import { Linear } from './linear.js';
import type { Module } from './module.js';

export interface AttentionOptions {
  name: string;
  dModel: number;
  heads: number;
  /** The sequence length T: inputs are [dModel, T·B], column t·B + b (see the attention op). */
  context: number;
  random: Random;
}

/**
 * Causal multi-head self-attention: y = W_o · attention(W_q x, W_k x, W_v x) (+ biases), with the four
 * projections `${name}.query`, `.key`, `.value`, `.output` ordinary Linear layers [dModel, dModel], so every
 * sparsity method reaches them through children() (Top-KAST keeps forward and backward sets per projection).
 */
export class CausalSelfAttention implements Module {
  readonly name: string;
  readonly heads: number;
  readonly context: number;
  readonly query: Linear;
  readonly key: Linear;
  readonly value: Linear;
  readonly output: Linear;

  constructor(options: AttentionOptions) {
    const { name, dModel, heads, context, random } = options;
    if (!Number.isInteger(heads) || heads < 1 || dModel % heads !== 0) {
      throw new Error(`attention ${name}: ${heads} heads do not divide d_model ${dModel}; pick a divisor`);
    }
    this.name = name;
    this.heads = heads;
    this.context = context;
    const projection = (part: string) =>
      new Linear({
        inputs: dModel,
        outputs: dModel,
        init: 'glorot',
        random: random.fork(part),
        name: `${name}.${part}`,
      });
    this.query = projection('query');
    this.key = projection('key');
    this.value = projection('value');
    this.output = projection('output');
  }

  forward(x: Tensor): Tensor {
    if (x.shape.length !== 2 || x.shape[1] % this.context !== 0) {
      throw new Error(
        `attention ${this.name}: expects [d_model, T·B] with T = ${this.context}, got ${formatShape(x.shape)}`,
      );
    }
    const mixed = causalSelfAttention(
      this.query.forward(x),
      this.key.forward(x),
      this.value.forward(x),
      this.heads,
      this.context,
    );
    return this.output.forward(mixed);
  }

  children(): readonly Module[] {
    return [this.query, this.key, this.value, this.output];
  }

  trainables(): Trainable[] {
    return this.children().flatMap((layer) => layer.trainables());
  }

  parameterCount(): number {
    return this.children().reduce((count, layer) => count + layer.parameterCount(), 0);
  }

  dispose(): void {
    for (const layer of this.children()) layer.dispose?.();
  }
}

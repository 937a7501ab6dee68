import { sparseMatmul } from '../sparse/sparseMatmul.js';
import { SparseWeight } from '../sparse/sparseWeight.js';
import { addRowBiasInPlace } from '../tensor/ops/addRowBias.js';
import { matmul } from '../tensor/ops/matmul.js';
import { formatShape, type Tensor } from '../tensor/tensor.js';
import type { Embedding } from './embedding.js';
import type { Module } from './module.js';
import { Parameter } from './parameter.js';
import type { Trainable } from './trainable.js';

/**
 * The output projection tied to an input embedding (Press and Wolf 2017): logits[vocab, n] = E·x + b, with E the
 * embedding's table [vocab, dim] itself (dense or sparse), so both uses add their gradients into one weight.
 * Only the bias `${name}.bias` is this module's own trainable; E is listed by the embedding.
 */
export class TiedOutput implements Module {
  readonly name: string;
  readonly embedding: Embedding;
  readonly bias: Parameter;

  constructor(embedding: Embedding, name: string) {
    this.name = name;
    this.embedding = embedding;
    this.bias = Parameter.zeros(`${name}.bias`, [embedding.vocab], { decay: false });
  }

  forward(x: Tensor): Tensor {
    const { weight, dim } = this.embedding;
    if (x.shape.length !== 2 || x.shape[0] !== dim) {
      throw new Error(`TiedOutput ${this.name}: expects input [${dim}, batch], got ${formatShape(x.shape)}`);
    }
    const logits =
      weight instanceof SparseWeight ? sparseMatmul(weight, x) : matmul(this.embedding.denseTable(weight), x);
    return addRowBiasInPlace(logits, this.bias.tensor);
  }

  trainables(): Trainable[] {
    return [this.bias];
  }

  parameterCount(): number {
    return this.bias.values.length;
  }

  dispose(): void {
    this.bias.dispose();
  }
}

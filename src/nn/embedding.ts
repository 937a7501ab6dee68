import { sparseEmbedding } from '../sparse/sparseEmbedding.js';
import { SparseWeight, type SparseWeightSettings } from '../sparse/sparseWeight.js';
import { embedding } from '../tensor/ops/embedding.js';
import { Tensor } from '../tensor/tensor.js';
import type { Trainable } from '../tensor/trainable.js';
import { checkPositiveIntegers } from '../util/checks.js';
import type { Random } from '../util/random.js';
import { LayerWeight } from './layerWeight.js';
import type { Module } from './module.js';
import { Parameter } from './parameter.js';
import type { Sparsifiable, WeightTransform } from './sparsifiable.js';

export interface EmbeddingOptions {
  /** Rows of the table: the number of distinct ids (characters, positions). */
  vocab: number;
  /** Features per id. */
  dim: number;
  /** The trainable is `${name}.weight`. */
  name: string;
  random: Random;
  /** Standard deviation of the normal initialisation (default 0.02, as GPT-2). */
  std?: number;
}

/**
 * A lookup table W [vocab, dim]: forward(ids) = W[ids_c, :] as column c, output [dim, ids.size] (see the
 * embedding op for the id convention). Dense: sparsity methods pass it by. SparsifiableEmbedding is the
 * variant whose table a method may make sparse.
 */
export class Embedding implements Module {
  readonly name: string;
  readonly vocab: number;
  readonly dim: number;
  /** The table, switched to sparse and transformed (before every use: lookup and tied output) by a method. */
  protected readonly table: LayerWeight;

  constructor(options: EmbeddingOptions) {
    const { vocab, dim, name, random, std = 0.02 } = options;
    checkPositiveIntegers([vocab, dim], `Embedding ${name}: vocab and dim`);
    this.name = name;
    this.vocab = vocab;
    this.dim = dim;
    const parameter = new Parameter(`${name}.weight`, Tensor.zeros([vocab, dim], { requiresGrad: true }));
    this.table = new LayerWeight({
      parameter,
      rows: vocab,
      cols: dim,
      owner: `Embedding ${name}`,
      noun: 'table',
    });
    const values = parameter.values;
    for (let i = 0; i < values.length; i++) values[i] = std * random.normal();
  }

  /** The table [vocab, dim]: a Parameter, or a SparseWeight once made sparse. */
  get weight(): Parameter | SparseWeight {
    return this.table.value;
  }

  forward(ids: Tensor): Tensor {
    const table = this.table.value;
    return table instanceof SparseWeight
      ? sparseEmbedding(table, ids)
      : embedding(this.table.dense(table), ids);
  }

  /** E·x [vocab, n] for x [dim, n]: the tied output projection's product (see TiedOutput). */
  project(x: Tensor): Tensor {
    return this.table.times(x);
  }

  trainables(): Trainable[] {
    return [this.weight];
  }

  parameterCount(): number {
    return this.vocab * this.dim;
  }

  dispose(): void {
    this.table.dispose();
  }
}

/**
 * An Embedding whose table a sparsity method may make sparse (the weight [vocab, dim] as a SparseWeight with
 * rows = ids): the forward pass reads A, the gradient lands on B (see sparseEmbedding).
 */
export class SparsifiableEmbedding extends Embedding implements Sparsifiable {
  get weightDims(): readonly number[] {
    return [this.vocab, this.dim];
  }

  /** The kernel choice applies to a tied output projection's sparseMatmul (the lookup itself is a gather). */
  makeSparse(forward: Int32Array, backward: Int32Array, settings?: SparseWeightSettings): SparseWeight {
    return this.table.makeSparse(forward, backward, settings);
  }

  setWeightTransform(transform: WeightTransform | null): void {
    this.table.setTransform(transform);
  }

  /** A lookup reads one row per id: each weight is used at most once per example position. */
  get weightUses(): number {
    return 1;
  }
}

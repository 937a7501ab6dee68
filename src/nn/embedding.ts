import { SparseWeight, type SparseWeightSettings } from '../sparse/sparseWeight.js';
import { embedding } from '../tensor/ops/embedding.js';
import { sparseEmbedding } from '../tensor/ops/sparseEmbedding.js';
import { Tensor } from '../tensor/tensor.js';
import type { Random } from '../util/random.js';
import type { Module } from './module.js';
import { Parameter } from './parameter.js';
import { moveToSparseWeight, type Sparsifiable, type WeightTransform } from './sparsifiable.js';
import type { Trainable } from './trainable.js';

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
  protected current: Parameter | SparseWeight;
  /** Applied to the dense table before every use (lookup and tied output); see Sparsifiable. */
  protected transform: WeightTransform | null = null;

  constructor(options: EmbeddingOptions) {
    const { vocab, dim, name, random, std = 0.02 } = options;
    if (!Number.isInteger(vocab) || vocab < 1 || !Number.isInteger(dim) || dim < 1) {
      throw new Error(`Embedding ${name}: vocab and dim must be positive integers, got ${vocab} and ${dim}`);
    }
    this.name = name;
    this.vocab = vocab;
    this.dim = dim;
    this.current = new Parameter(`${name}.weight`, Tensor.zeros([vocab, dim], { requiresGrad: true }));
    const values = this.current.values;
    for (let i = 0; i < values.length; i++) values[i] = std * random.normal();
  }

  /** The table [vocab, dim]: a Parameter, or a SparseWeight once made sparse. */
  get weight(): Parameter | SparseWeight {
    return this.current;
  }

  forward(ids: Tensor): Tensor {
    const table = this.current;
    return table instanceof SparseWeight
      ? sparseEmbedding(table, ids)
      : embedding(this.denseTable(table), ids);
  }

  /** The dense table as this step uses it: through the weight transform, if one is set. */
  denseTable(table: Parameter): Tensor {
    return this.transform ? this.transform(table.tensor) : table.tensor;
  }

  trainables(): Trainable[] {
    return [this.current];
  }

  parameterCount(): number {
    return this.vocab * this.dim;
  }

  dispose(): void {
    this.current.dispose();
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

  makeSparse(forward: Int32Array, backward: Int32Array, settings?: SparseWeightSettings): SparseWeight {
    const dense = this.current;
    if (dense instanceof SparseWeight) throw new Error(`Embedding ${this.name} is already sparse`);
    const sparse = moveToSparseWeight(dense, this.vocab, this.dim, forward, backward, settings);
    this.current = sparse;
    this.transform = null;
    return sparse;
  }

  setWeightTransform(transform: WeightTransform | null): void {
    if (transform && this.current instanceof SparseWeight) {
      throw new Error(
        `Embedding ${this.name}: a sparse table cannot be transformed; transform it while dense`,
      );
    }
    this.transform = transform;
  }

  /** A lookup reads one row per id: each weight is used at most once per example position. */
  get weightUses(): number {
    return 1;
  }
}

import { sparseMatmul } from '../sparse/sparseMatmul.js';
import { SparseWeight, type SparseWeightSettings } from '../sparse/sparseWeight.js';
import { matmul } from '../tensor/ops/matmul.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Parameter } from './parameter.js';
import type { WeightTransform } from './sparsifiable.js';

/**
 * The weight of a Sparsifiable layer (Linear, Conv2d, SparsifiableEmbedding), seen as a [rows × cols] matrix:
 * a dense Parameter, optionally routed through a weight transform (Spartan's soft mask), until makeSparse
 * moves it into a SparseWeight (θ = the dense values, the Parameter disposed). The layer delegates its
 * Sparsifiable contract here, so switching, refusing and the W·x product are written once.
 */
export class LayerWeight {
  /** How errors name the layer ('Linear fc1'). */
  private readonly owner: string;
  /** What errors call the weight ('weight', 'table'). */
  private readonly noun: string;
  private readonly rows: number;
  private readonly cols: number;
  private current: Parameter | SparseWeight;
  private transform: WeightTransform | null = null;

  constructor(options: { parameter: Parameter; rows: number; cols: number; owner: string; noun?: string }) {
    this.current = options.parameter;
    this.rows = options.rows;
    this.cols = options.cols;
    this.owner = options.owner;
    this.noun = options.noun ?? 'weight';
  }

  /** The dense Parameter, or the SparseWeight once made sparse. */
  get value(): Parameter | SparseWeight {
    return this.current;
  }

  /**
   * Moves the dense weight into a SparseWeight with the given sets (flat indices of the matrix) and optimizer
   * settings.
   */
  makeSparse(forward: Int32Array, backward: Int32Array, settings?: SparseWeightSettings): SparseWeight {
    const parameter = this.current;
    if (parameter instanceof SparseWeight) throw new Error(`${this.owner} is already sparse`);
    const { rows, cols } = this;
    const sparse = new SparseWeight({
      name: parameter.name,
      rows,
      cols,
      theta: parameter.values,
      forward,
      backward,
      settings,
    });
    parameter.dispose();
    this.current = sparse;
    this.transform = null;
    return sparse;
  }

  /** Routes the dense weight through `transform` from now on (null: as it is); a sparse weight refuses. */
  setTransform(transform: WeightTransform | null): void {
    if (transform && this.current instanceof SparseWeight) {
      throw new Error(`${this.owner}: a sparse ${this.noun} cannot be transformed; transform it while dense`);
    }
    this.transform = transform;
  }

  /** The dense weight as this step uses it: through the transform, if one is set. */
  dense(parameter: Parameter): Tensor {
    return this.transform ? this.transform(parameter.tensor) : parameter.tensor;
  }

  /** W·x [rows, n] for x [cols, n]: sparseMatmul on a sparse weight, matmul on the (transformed) dense one. */
  times(x: Tensor): Tensor {
    const weight = this.current;
    return weight instanceof SparseWeight ? sparseMatmul(weight, x) : matmul(this.dense(weight), x);
  }

  dispose(): void {
    this.current.dispose();
  }
}

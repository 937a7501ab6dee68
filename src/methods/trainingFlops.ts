/**
 * Training FLOPs of one step, per example column, counted per use of every weight (Top-KAST §3 compares
 * methods by these; ../../shared/DESIGN.md, "Every figure means what it says").
 *
 * A weight product of a [rows × cols] weight used u times per column (u = 1 for a linear map, Hout·Wout for a
 * convolution, 1 per token for a tied output projection) costs, per column:
 *   dense:               6·n·u (forward 2·n·u, input gradient 2·n·u, weight gradient 2·n·u), n = rows·cols;
 *   sparse, theoretical: 2·u·(2·|A| + |B|), plus 2·n·u when the step also forms the dense gradient (RigL);
 *   sparse, executed:    what the kernels that ran cost: a product whose density is above the dense-kernel
 *                        crossover runs the dense kernel on the masked weights and counts 2·n·u.
 * An embedding lookup is a gather: no multiply; its backward adds one row into the table, n/rows additions
 * per token (|B|/rows for a sparse table). Causal self-attention's score and mixing products are dense in
 * every run: 12·T·d per token (forward QᵀK and V·Pᵀ, backward two products each for dP, dV, dQ, dK, all
 * computed on the full T×T blocks as the kernels do). Biases, activations, normalisation and the loss are
 * not counted (they are the same in every run and small next to the products).
 */
import { CausalSelfAttention } from '../nn/attention.js';
import { Embedding } from '../nn/embedding.js';
import type { Module } from '../nn/module.js';
import type { Parameter } from '../nn/parameter.js';
import { allModules, isSparsifiable } from '../nn/sparsifiable.js';
import { TiedOutput } from '../nn/tiedOutput.js';
import { denseKernelChoice } from '../sparse/sparseMatmul.js';
import { SparseWeight } from '../sparse/sparseWeight.js';

/** FLOPs of one training step per example column. */
export interface StepFlops {
  /** What the sparse sets require (the theoretical figure). */
  theoretical: number;
  /** What the kernels that ran cost (dense fallbacks counted dense). */
  executed: number;
  /** The same model trained dense. */
  dense: number;
}

/** A weight that a product uses, and how many times per example column. */
export interface WeightProduct {
  weight: Parameter | SparseWeight;
  uses: number;
}

/**
 * Every weight product of the model (sparseMatmul or the dense product): sparsifiable layers other than
 * embeddings (a convolution without a known input size counts one use), and tied output projections.
 */
export function weightProducts(model: Module): WeightProduct[] {
  const products: WeightProduct[] = [];
  for (const module of allModules(model)) {
    if (module instanceof TiedOutput) products.push({ weight: module.embedding.weight, uses: 1 });
    else if (isSparsifiable(module) && !(module instanceof Embedding))
      products.push({ weight: module.weight, uses: module.weightUses ?? 1 });
  }
  return products;
}

/** One step's FLOPs of the model's weight and attention products, per example column (see the file comment). */
export function stepFlops(model: Module): StepFlops {
  const parts: StepFlops[] = weightProducts(model).map(({ weight, uses }) => productFlops(weight, uses));
  for (const module of allModules(model)) {
    if (module instanceof Embedding) parts.push(gatherFlops(module.weight));
    else if (module instanceof CausalSelfAttention) {
      const attention = 12 * module.context * module.query.outputs;
      parts.push({ theoretical: attention, executed: attention, dense: attention });
    }
  }
  return {
    theoretical: parts.reduce((sum, part) => sum + part.theoretical, 0),
    executed: parts.reduce((sum, part) => sum + part.executed, 0),
    dense: parts.reduce((sum, part) => sum + part.dense, 0),
  };
}

/** A weight product used `uses` times per column: forward, input gradient and weight gradient. */
function productFlops(weight: Parameter | SparseWeight, uses: number): StepFlops {
  const n = weight instanceof SparseWeight ? weight.size : weight.values.length;
  const dense = 6 * n * uses;
  if (!(weight instanceof SparseWeight)) return { theoretical: dense, executed: dense, dense };
  const denseGradient = weight.denseGradient ? 2 * n * uses : 0;
  const kernels = denseKernelChoice(weight);
  const forwardAndInput = 4 * uses * (kernels.forward ? n : weight.forwardCount);
  const weightGradient = 2 * uses * (kernels.backward ? n : weight.backwardCount);
  return {
    theoretical: 2 * uses * (2 * weight.forwardCount + weight.backwardCount) + denseGradient,
    executed: forwardAndInput + weightGradient + denseGradient,
    dense,
  };
}

/** An embedding lookup: a gather forward, one row added into the table per token backward. */
function gatherFlops(weight: Parameter | SparseWeight): StepFlops {
  if (!(weight instanceof SparseWeight)) {
    const [, dim] = weight.tensor.shape;
    return { theoretical: dim, executed: dim, dense: dim };
  }
  const added = weight.backwardCount / weight.rows + (weight.denseGradient ? weight.cols : 0);
  return { theoretical: added, executed: added, dense: weight.cols };
}

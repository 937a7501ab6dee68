/**
 * Applies a sparsity method to a model and runs it through training: the one place where methods, layer
 * distributions and sparse weights meet.
 *
 * `sparsify` replaces the chosen Linear layers by SparseLinear layers whose sets the method chose from the
 * initial weights. During training the loop calls, for each step t (0-based):
 *   beforeStep(t)       — arm dense-gradient capture if the method wants it this step (RigL);
 *   afterBackward(t)    — add the method's gradient term (Top-KAST's exploration penalty) to B's gradients;
 *   afterUpdate(t)      — refresh the sets when the method's schedule says so, and count the step's FLOPs.
 */

import { engine } from '../kernels/engine.js';
import { Linear } from '../nn/linear.js';
import type { Module } from '../nn/module.js';
import { Sequential } from '../nn/sequential.js';
import { SparseLinear } from '../nn/sparseLinear.js';
import type { SparseMatmulOptions } from '../sparse/sparseMatmul.js';
import { SparseWeight, type SparseWeightMemory } from '../sparse/sparseWeight.js';
import { Random } from '../util/random.js';
import { type DistributionName, distributeCounts } from './distribution.js';
import type { LayerBudget, SelectionContext, SparsityMethod } from './method.js';

export interface SparsifyOptions {
  method: SparsityMethod;
  /** How the overall density is split across the sparse layers (default 'uniform'). */
  distribution?: DistributionName;
  /**
   * Linear layers kept dense: names ('fc1'), 'first', 'last', or nothing. Default ['first', 'last'], as in the
   * paper's ImageNet runs (biases are always dense).
   */
  denseLayers?: readonly string[];
  /** Total training steps (the schedules of GMP, SET and RigL depend on it). */
  totalSteps: number;
  /** Seed of the method's own random draws (static masks, SET's regrowth). */
  seed: number;
  /** When sparse layers fall back to dense kernels (see SparseMatmulOptions). */
  kernelChoice?: SparseMatmulOptions;
}

/** One sparse layer's state as the run summary reports it. */
export interface LayerReport {
  name: string;
  shape: [number, number];
  forwardCount: number;
  backwardCount: number;
  forwardDensity: number;
  backwardDensity: number;
}

/** One refresh: the step and, per layer, the fraction of A that changed. */
export interface ChurnRecord {
  step: number;
  forwardChurn: number[];
}

export class SparsityController {
  readonly method: SparsityMethod;
  readonly model: Sequential;
  readonly layers: readonly SparseLinear[];
  readonly distribution: DistributionName;
  readonly totalSteps: number;
  readonly churn: ChurnRecord[] = [];
  private readonly random: Random;
  private trainingFlops = 0;
  private denseFlops = 0;

  constructor(method: SparsityMethod, model: Sequential, layers: SparseLinear[], options: SparsifyOptions) {
    this.method = method;
    this.model = model;
    this.layers = layers;
    this.distribution = options.distribution ?? 'uniform';
    this.totalSteps = options.totalSteps;
    this.random = new Random(options.seed).fork('sparsity');
  }

  /** Arms dense-gradient capture on every sparse weight when the method needs it at this step. */
  beforeStep(step: number): void {
    if (!this.method.needsDenseGradient?.(step, this.totalSteps)) return;
    for (const { weight } of this.layers) weight.denseGradient ??= engine().heap.allocF32(weight.size);
  }

  /** Adds the method's gradient term to each sparse weight's gradients. */
  afterBackward(_step: number): void {
    const { method } = this;
    if (!method.addGradientTerm) return;
    for (const { weight } of this.layers) method.addGradientTerm(weight, weight.forwardCount / weight.size);
  }

  /** Counts the step's FLOPs, then refreshes the sets if the method's schedule says so. */
  afterUpdate(step: number): void {
    this.countStepFlops();
    if (this.method.isRefreshStep(step, this.totalSteps)) this.refresh(step);
    for (const { weight } of this.layers) {
      if (weight.denseGradient) engine().heap.free(weight.denseGradient);
      weight.denseGradient = null;
    }
  }

  /** Recomputes every sparse layer's sets with the budgets of the method's densities after `step`. */
  refresh(step: number): void {
    const weights = this.layers.map((layer) => layer.weight);
    const budgets = layerBudgets(this.method, this.distribution, weights, step, this.totalSteps);
    const forwardChurn: number[] = [];
    weights.forEach((weight, l) => {
      const context = this.context(weight, budgets[l], step);
      const before = Int32Array.from(forwardFlat(weight));
      const sets = this.method.selectSets(weight, context);
      weight.setSets(sets.forward, sets.backward, this.method.enteringValue);
      forwardChurn.push(1 - overlap(before, forwardFlat(weight)) / Math.max(1, before.length));
    });
    this.churn.push({ step, forwardChurn });
  }

  /** Per-layer shapes, kept counts and densities. */
  layerReports(): LayerReport[] {
    return this.layers.map(({ weight }) => ({
      name: weight.name,
      shape: [weight.rows, weight.cols],
      forwardCount: weight.forwardCount,
      backwardCount: weight.backwardCount,
      forwardDensity: weight.forwardCount / weight.size,
      backwardDensity: weight.backwardCount / weight.size,
    }));
  }

  /**
   * Bytes of the whole model's training state: hot (what every step touches: sparse weights' B values,
   * gradients, optimizer state, A's values and the patterns; dense parameters' values, gradients and state),
   * master (θ of the sparse weights), and the dense equivalent (every parameter dense, same optimizer state).
   */
  memory(): SparseWeightMemory {
    const total = { hotBytes: 0, masterBytes: 0, denseEquivalentBytes: 0 };
    for (const trainable of this.model.trainables()) {
      if (trainable instanceof SparseWeight) {
        const m = trainable.memory();
        total.hotBytes += m.hotBytes;
        total.masterBytes += m.masterBytes;
        total.denseEquivalentBytes += m.denseEquivalentBytes;
      } else {
        const bytes = 4 * trainable.values.length * (2 + trainable.state.size);
        total.hotBytes += bytes;
        total.denseEquivalentBytes += bytes;
      }
    }
    return total;
  }

  /**
   * Training FLOPs so far relative to dense training of the same model (linear layers only; per layer and
   * step: forward 2·|A|·B, input gradient 2·|A|·B, weight gradient 2·|B|·B, plus a dense weight gradient on
   * the steps where the method asked for one). 1 before any step.
   */
  relativeTrainingFlops(): number {
    return this.denseFlops === 0 ? this.currentRelativeFlops() : this.trainingFlops / this.denseFlops;
  }

  private currentRelativeFlops(): number {
    const { sparse, dense } = this.stepFlops();
    return sparse / dense;
  }

  private countStepFlops(): void {
    const { sparse, dense } = this.stepFlops();
    this.trainingFlops += sparse;
    this.denseFlops += dense;
  }

  /** Per-example FLOPs of one step of the model's linear layers, sparse and dense. */
  private stepFlops(): { sparse: number; dense: number } {
    let sparse = 0;
    let dense = 0;
    for (const module of this.model.modules) {
      if (module instanceof SparseLinear) {
        const { weight } = module;
        const denseGradient = weight.denseGradient ? weight.size : 0;
        sparse += 2 * (2 * weight.forwardCount + weight.backwardCount + denseGradient);
        dense += 6 * weight.size;
      } else if (module instanceof Linear) {
        sparse += 6 * module.inputs * module.outputs;
        dense += 6 * module.inputs * module.outputs;
      }
    }
    return { sparse, dense };
  }

  private context(weight: SparseWeight, budget: LayerBudget, step: number): SelectionContext {
    return {
      step,
      totalSteps: this.totalSteps,
      budget,
      random: this.random.fork(`${weight.name}@${step}`),
      denseGradient: weight.denseGradient,
    };
  }
}

/**
 * Replaces the model's sparse-eligible Linear layers by SparseLinear layers with the method's initial sets,
 * and returns the new model with its controller. A method that is not sparse ('dense') returns the model as
 * it is, with no sparse layers.
 */
export function sparsify(model: Sequential, options: SparsifyOptions): SparsityController {
  const { method } = options;
  const linears = model.modules.filter((m): m is Linear => m instanceof Linear);
  const keepDense = denseLayerNames(linears, options.denseLayers ?? ['first', 'last']);
  if (!method.sparse) return new SparsityController(method, model, [], options);
  const chosen = linears.filter((l) => !keepDense.has(l.name));
  if (chosen.length === 0) {
    throw new Error(
      `method ${method.name} has no layer to make sparse: every linear layer is listed in --dense-layers; keep at least one sparse (e.g. --dense-layers none)`,
    );
  }
  const distribution = options.distribution ?? 'uniform';
  const shapes = chosen.map((l) => ({ dims: [l.outputs, l.inputs] }));
  const magnitudes = chosen.map((l) => l.weight.values);
  const forwardCounts = distributeCounts(
    distribution,
    shapes,
    method.forwardDensity(-1, options.totalSteps),
    magnitudes,
  );
  const backwardCounts = distributeCounts(
    distribution,
    shapes,
    method.backwardDensity(-1, options.totalSteps),
    magnitudes,
  );
  const random = new Random(options.seed).fork('sparsity');
  const replaced = new Map<Module, SparseLinear>();
  chosen.forEach((linear, l) => {
    const budget = {
      forwardCount: forwardCounts[l],
      backwardCount: Math.max(forwardCounts[l], backwardCounts[l]),
    };
    const sets = method.initialSets(linear.weight.values, {
      step: -1,
      totalSteps: options.totalSteps,
      budget,
      random: random.fork(`${linear.weight.name}@init`),
      denseGradient: null,
    });
    replaced.set(linear, SparseLinear.fromLinear(linear, sets.forward, sets.backward, options.kernelChoice));
  });
  const sparseModel = new Sequential(model.modules.map((m) => replaced.get(m) ?? m));
  return new SparsityController(method, sparseModel, [...replaced.values()], options);
}

/** The layer budgets of the method's densities after `step`, through the distribution. */
function layerBudgets(
  method: SparsityMethod,
  distribution: DistributionName,
  weights: readonly SparseWeight[],
  step: number,
  totalSteps: number,
): LayerBudget[] {
  const shapes = weights.map((w) => ({ dims: [w.rows, w.cols] }));
  const magnitudes = distribution === 'global' ? weights.map((w) => w.syncTheta()) : undefined;
  const forward = distributeCounts(distribution, shapes, method.forwardDensity(step, totalSteps), magnitudes);
  const backward = distributeCounts(
    distribution,
    shapes,
    method.backwardDensity(step, totalSteps),
    magnitudes,
  );
  return forward.map((f, l) => ({ forwardCount: f, backwardCount: Math.max(f, backward[l]) }));
}

/** Resolves 'first', 'last' and names against the model's linear layers; unknown names are an error. */
function denseLayerNames(linears: readonly Linear[], requested: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (const entry of requested) {
    if (entry === 'none') continue;
    if (entry === 'first' && linears.length > 0) names.add(linears[0].name);
    else if (entry === 'last' && linears.length > 0) names.add(linears[linears.length - 1].name);
    else if (linears.some((l) => l.name === entry)) names.add(entry);
    else {
      throw new Error(
        `--dense-layers: no linear layer is named '${entry}': use first, last, none, or one of ${linears.map((l) => l.name).join(', ')}`,
      );
    }
  }
  return names;
}

/** Flat indices of a weight's forward set. */
function forwardFlat(weight: SparseWeight): Int32Array {
  const { backwardIndices, forwardPositions } = weight;
  return Int32Array.from(forwardPositions, (p) => backwardIndices[p]);
}

/** |a ∩ b| of two ascending index lists. */
function overlap(a: Int32Array, b: Int32Array): number {
  let i = 0;
  let j = 0;
  let common = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      common++;
      i++;
      j++;
    } else if (a[i] < b[j]) i++;
    else j++;
  }
  return common;
}

/**
 * Applies a sparsity method to a model and runs it through training: the one place where methods, layer
 * distributions and sparse weights meet.
 *
 * `sparsify` walks the model, finds the layers whose weight may be sparse (Linear, and any Sparsifiable
 * layer), and switches the chosen ones to SparseWeights whose sets the method chose from the initial
 * weights, in place. During training the loop calls, for each step t (0-based):
 *   beforeStep(t)       — arm dense-gradient capture if the method wants it this step (RigL);
 *   afterBackward(t)    — add the method's gradient term (Top-KAST's exploration penalty) to B's gradients;
 *   afterUpdate(t)      — refresh the sets when the method's schedule says so, and count the step's FLOPs.
 */

import { engine } from '../kernels/engine.js';
import type { Module } from '../nn/module.js';
import { allModules, isSparsifiable, type Sparsifiable } from '../nn/sparsifiable.js';
import { overlap } from '../sparse/sortedIndices.js';
import type { SparseMatmulOptions } from '../sparse/sparseMatmul.js';
import { SparseWeight } from '../sparse/sparseWeight.js';
import { Random } from '../util/random.js';
import { type DistributionName, distributeCounts } from './distribution.js';
import { type EnteringState, setEnteringState } from './enteringState.js';
import { type MemoryReport, setBasedMemory } from './memoryReport.js';
import type { LayerBudget, SelectionContext, SparsityMethod } from './method.js';
import { Spartan } from './spartan.js';
import { SpartanController } from './spartanController.js';
import { stepFlops } from './trainingFlops.js';

export interface SparsifyOptions {
  method: SparsityMethod | Spartan;
  /** How the overall density is split across the sparse layers (default 'uniform'; Spartan: 'global'). */
  distribution?: DistributionName;
  /**
   * Layers kept dense: names ('fc1'), 'first', 'last', or 'none'. Default ['first', 'last'], as in the paper's
   * ImageNet runs (biases and normalisation parameters are always dense).
   */
  denseLayers?: readonly string[];
  /** Total training steps (the schedules of GMP, SET and RigL depend on it). */
  totalSteps: number;
  /** Seed of the method's own random draws (static masks, SET's regrowth). */
  seed: number;
  /** When sparse layers fall back to dense kernels (see SparseMatmulOptions). */
  kernelChoice?: SparseMatmulOptions;
  /**
   * The optimizer state of an entry entering B (spec/topkast.md step 5): 'zero' (default), or 'mean', each
   * state array's mean over the entries that stayed in B (e.g. Adam's second moment at the layer's typical
   * scale rather than 0, which makes an entering entry's first updates sign-sized).
   */
  enteringState?: EnteringState;
  /** Receives setup warnings (Spartan's block fall-backs); default console.warn. */
  warn?: (message: string) => void;
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

/** What a run reports about its sparsity (the run summary's `sparsity`, `memory` and active counts). */
export interface SparsityReport {
  method: string;
  config: Readonly<Record<string, number | string | boolean>>;
  distribution: DistributionName;
  /** Every trainable scalar of the model, dense count. */
  totalParameters: number;
  /** Scalars the forward pass uses (dense parameters and every sparse weight's A). */
  forwardActive: number;
  /** Scalars that receive gradients and updates (dense parameters and every sparse weight's B). */
  backwardActive: number;
  /** 1 − forwardActive / totalParameters: the whole model's sparsity, dense layers and biases counted. */
  modelSparsity: number;
  layers: LayerReport[];
  /**
   * Training FLOPs so far of the weight and attention products, every use counted (trainingFlops.ts),
   * relative to dense training of the same model: what the sets require.
   */
  relativeTrainingFlops: number;
  /** The same, for the kernels that ran (layers above the dense-kernel crossover counted dense). */
  executedTrainingFlops: number;
  /** Every refresh so far: the step and, per sparse layer, the fraction of A that changed. */
  churn: ChurnRecord[];
  memory: MemoryReport;
  /** Spartan's soft-mask figures (other methods have none). */
  softMask?: SoftMaskReport;
}

/** What a Spartan run reports besides the common figures. */
export interface SoftMaskReport {
  /** β of the last mask computation (the final β after the freeze). */
  beta: number;
  /** κ of the last mask computation: the masked tensors' kept fraction (global or uniform budget). */
  kappa: number;
  /** |Σ c m − K| / K of the soft top-k, per step: mean, worst, last. */
  budgetError: { mean: number; max: number; last: number };
  freezeStep: number;
  /** Whether the layers became sparse (after the last step). */
  finalized: boolean;
  /** The block dims each masked tensor used (1x1 after a fall-back). */
  blocks: string[];
  /** What the memory figures measure. */
  memoryNote: string;
}

/** What a run's method controller does: the step hooks, its report, and checkpointable state. */
export interface MethodController {
  readonly method: { readonly name: string };
  beforeStep(step: number): void;
  afterBackward(step: number): void;
  afterUpdate(step: number): void;
  report(): SparsityReport;
  /** Bytes the run holds for the model now (see MemoryReport). */
  memory(): MemoryReport;
  /** Training FLOPs so far relative to dense training: what the sets require. */
  relativeTrainingFlops(): number;
  /** Training FLOPs so far relative to dense training: what the kernels that ran cost. */
  executedTrainingFlops(): number;
  getState(): ControllerState;
  setState(state: ControllerState): void;
}

/** What a Spartan run carries across a checkpoint besides its weights and their state. */
export interface SoftMaskState {
  beta: number;
  kappa: number;
  /** Sum, maximum and last of the per-step budget errors, over `steps` mask computations. */
  errorSum: number;
  errorMax: number;
  errorLast: number;
  steps: number;
}

/** One refresh: the step and, per layer, the fraction of A that changed. */
export interface ChurnRecord {
  step: number;
  forwardChurn: number[];
}

/** What SparsityController.getState returns. */
export interface ControllerState {
  churn: ChurnRecord[];
  trainingFlops: number;
  /** Absent in checkpoints written before it existed (then taken as trainingFlops). */
  executedFlops?: number;
  denseFlops: number;
  /** Spartan's last β and κ and its running budget-error statistics. */
  softMask?: SoftMaskState;
}

export class SparsityController implements MethodController {
  readonly method: SparsityMethod;
  readonly model: Module;
  /** The sparse weights, in forward order. */
  readonly weights: readonly SparseWeight[];
  readonly distribution: DistributionName;
  readonly totalSteps: number;
  readonly churn: ChurnRecord[] = [];
  private readonly random: Random;
  private readonly kernelChoice: SparseMatmulOptions | undefined;
  private readonly enteringState: EnteringState;
  private trainingFlops = 0;
  private executedFlops = 0;
  private denseFlops = 0;

  constructor(method: SparsityMethod, model: Module, weights: SparseWeight[], options: SparsifyOptions) {
    this.method = method;
    this.model = model;
    this.weights = weights;
    this.distribution = options.distribution ?? 'uniform';
    this.totalSteps = options.totalSteps;
    this.random = new Random(options.seed).fork('sparsity');
    this.kernelChoice = options.kernelChoice;
    this.enteringState = options.enteringState ?? 'zero';
  }

  /** Arms dense-gradient capture on every sparse weight when the method needs it at this step. */
  beforeStep(step: number): void {
    if (!this.method.needsDenseGradient?.(step, this.totalSteps)) return;
    for (const weight of this.weights) weight.denseGradient ??= engine().heap.allocF32(weight.size);
  }

  /** Adds the method's gradient term to each sparse weight's gradients. */
  afterBackward(_step: number): void {
    const { method } = this;
    if (!method.addGradientTerm) return;
    for (const weight of this.weights) method.addGradientTerm(weight, weight.forwardCount / weight.size);
  }

  /**
   * Counts the step's FLOPs, then refreshes the sets if the method's schedule says so, or after the last step
   * when the method wants its final sets from the final θ.
   */
  afterUpdate(step: number): void {
    this.countStepFlops();
    const { method, totalSteps } = this;
    const atEnd = method.refreshAtEnd === true && step === totalSteps - 1;
    if (atEnd || method.isRefreshStep(step, totalSteps)) this.refresh(step);
    for (const weight of this.weights) {
      if (weight.denseGradient) engine().heap.free(weight.denseGradient);
      weight.denseGradient = null;
    }
  }

  /** Recomputes every sparse layer's sets with the budgets of the method's densities after `step`. */
  refresh(step: number): void {
    const { weights } = this;
    const budgets = layerBudgets(this.method, this.distribution, weights, step, this.totalSteps);
    const forwardChurn: number[] = [];
    weights.forEach((weight, l) => {
      const context = this.context(weight, budgets[l], step);
      const forwardBefore = weight.forwardCount;
      const backwardBefore = this.enteringState === 'zero' ? null : weight.backwardIndices().slice();
      let kept: number;
      if (this.method.refreshSets) {
        kept = weight.forwardCount - this.method.refreshSets(weight, context);
      } else {
        const before = weight.forwardIndices().slice();
        const sets = this.method.selectSets(weight, context);
        weight.setSets(sets.forward, sets.backward, this.method.enteringValue);
        kept = overlap(before, weight.forwardIndices());
      }
      // Both paths leave entering entries at zero state; another entering state is set on top, the same way.
      if (backwardBefore) setEnteringState(weight, backwardBefore, this.enteringState);
      forwardChurn.push(1 - kept / Math.max(1, forwardBefore));
    });
    this.churn.push({ step, forwardChurn });
  }

  /**
   * The controller's own progress, as plain data (checkpoints): the refresh history and the FLOPs counted so
   * far. The rest of a run's method state is the method's config, the step and the sets the weights hold.
   */
  getState(): ControllerState {
    return {
      churn: this.churn.map((record) => ({ step: record.step, forwardChurn: [...record.forwardChurn] })),
      trainingFlops: this.trainingFlops,
      executedFlops: this.executedFlops,
      denseFlops: this.denseFlops,
    };
  }

  /** Restores a state from getState(); the sets themselves are restored into the weights separately. */
  setState(state: ControllerState): void {
    const finite = (x: unknown) => typeof x === 'number' && Number.isFinite(x) && x >= 0;
    const valid =
      finite(state?.trainingFlops) &&
      (state.executedFlops === undefined || finite(state.executedFlops)) &&
      finite(state?.denseFlops) &&
      Array.isArray(state.churn) &&
      state.churn.every(
        (r) =>
          Number.isInteger(r?.step) &&
          Array.isArray(r.forwardChurn) &&
          r.forwardChurn.length === this.weights.length &&
          r.forwardChurn.every(finite),
      );
    if (!valid) {
      throw new Error(
        `SparsityController.setState: expected { churn, trainingFlops, denseFlops } from getState() of a controller with ${this.weights.length} sparse weights`,
      );
    }
    this.churn.splice(
      0,
      this.churn.length,
      ...state.churn.map((r) => ({ step: r.step, forwardChurn: [...r.forwardChurn] })),
    );
    this.trainingFlops = state.trainingFlops;
    this.executedFlops = state.executedFlops ?? state.trainingFlops;
    this.denseFlops = state.denseFlops;
  }

  /** Per-layer shapes, kept counts and densities. */
  layerReports(): LayerReport[] {
    return this.weights.map((weight) => ({
      name: weight.name,
      shape: [weight.rows, weight.cols],
      forwardCount: weight.forwardCount,
      backwardCount: weight.backwardCount,
      forwardDensity: weight.forwardCount / weight.size,
      backwardDensity: weight.backwardCount / weight.size,
    }));
  }

  /** The run summary's view of the sparsity: counts, per-layer densities, FLOPs and memory. */
  report(): SparsityReport {
    let totalParameters = 0;
    let forwardActive = 0;
    let backwardActive = 0;
    for (const trainable of this.model.trainables()) {
      if (trainable instanceof SparseWeight) {
        totalParameters += trainable.size;
        forwardActive += trainable.forwardCount;
        backwardActive += trainable.backwardCount;
      } else {
        totalParameters += trainable.values.length;
        forwardActive += trainable.values.length;
        backwardActive += trainable.values.length;
      }
    }
    return {
      method: this.method.name,
      config: this.method.config,
      distribution: this.distribution,
      totalParameters,
      forwardActive,
      backwardActive,
      modelSparsity: 1 - forwardActive / totalParameters,
      layers: this.layerReports(),
      relativeTrainingFlops: this.relativeTrainingFlops(),
      executedTrainingFlops: this.executedTrainingFlops(),
      churn: this.churn.map((record) => ({ step: record.step, forwardChurn: [...record.forwardChurn] })),
      memory: this.memory(),
    };
  }

  /** Bytes the run holds for the model (MemoryReport): weights, θ, indices, top-k scratch, step buffers. */
  memory(): MemoryReport {
    return setBasedMemory(this.model, {
      distribution: this.distribution,
      kernelChoice: this.kernelChoice,
      denseGradients: this.method.needsDenseGradient !== undefined,
    });
  }

  /** Training FLOPs so far that the sets require, relative to dense training (1 before any step: the sets now). */
  relativeTrainingFlops(): number {
    if (this.denseFlops > 0) return this.trainingFlops / this.denseFlops;
    const now = stepFlops(this.model, this.kernelChoice);
    return now.theoretical / now.dense;
  }

  /** Training FLOPs so far of the kernels that ran, relative to dense training. */
  executedTrainingFlops(): number {
    if (this.denseFlops > 0) return this.executedFlops / this.denseFlops;
    const now = stepFlops(this.model, this.kernelChoice);
    return now.executed / now.dense;
  }

  /** Adds this step's FLOPs (the sets and dense gradients it ran with) to the run's counts. */
  private countStepFlops(): void {
    const { theoretical, executed, dense } = stepFlops(this.model, this.kernelChoice);
    this.trainingFlops += theoretical;
    this.executedFlops += executed;
    this.denseFlops += dense;
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
 * Makes the model's chosen layers sparse, in place, with the method's initial sets, and returns the controller
 * that runs the method through training. A method that is not sparse ('dense') leaves every layer dense.
 */
export function sparsify(
  model: Module,
  options: SparsifyOptions & { method: SparsityMethod },
): SparsityController;
export function sparsify(model: Module, options: SparsifyOptions & { method: Spartan }): SpartanController;
export function sparsify(model: Module, options: SparsifyOptions): MethodController;
export function sparsify(model: Module, options: SparsifyOptions): MethodController {
  const { method } = options;
  const chosen = layersToSparsify(model, options.denseLayers);
  if (!method.sparse) return new SparsityController(method as SparsityMethod, model, [], options);
  if (chosen.length === 0) {
    throw new Error(
      `method ${method.name} has no layer to make sparse: every layer is listed in --dense-layers; keep at least one sparse (e.g. --dense-layers none)`,
    );
  }
  if (method instanceof Spartan) {
    return new SpartanController(method, model, chosen, {
      distribution: options.distribution ?? 'global',
      totalSteps: options.totalSteps,
      kernelChoice: options.kernelChoice,
      warn: options.warn,
    });
  }
  const distribution = options.distribution ?? 'uniform';
  if (distribution === 'global' && !method.magnitudeRanked) {
    throw new Error(
      `--distribution global ranks weights by magnitude across layers, which ${method.name} does not do (its masks are random): use uniform or erk`,
    );
  }
  const shapes = chosen.map((layer) => ({ dims: layer.weightDims }));
  const magnitudes = chosen.map((layer) => layer.weight.values);
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
  const weights = chosen.map((layer, l) => {
    const budget = {
      forwardCount: forwardCounts[l],
      backwardCount: Math.max(forwardCounts[l], backwardCounts[l]),
    };
    const sets = method.initialSets(layer.weight.values, {
      step: -1,
      totalSteps: options.totalSteps,
      budget,
      random: random.fork(`${layer.weight.name}@init`),
      denseGradient: null,
    });
    const weight = layer.makeSparse(sets.forward, sets.backward, options.kernelChoice);
    weight.decay = method.sparseWeightDecay ?? true;
    weight.updateScale = method.backwardOnlyUpdateScale ?? 1;
    return weight;
  });
  return new SparsityController(method, model, weights, options);
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

/** Resolves 'first', 'last' and names against the model's sparsifiable layers; unknown names are an error. */
/**
 * The layers a sparse method makes sparse: every sparsifiable layer but those `denseLayers` (--dense-layers:
 * first, last, none or layer names; default first and last) keeps dense.
 */
export function layersToSparsify(
  model: Module,
  denseLayers: readonly string[] = ['first', 'last'],
): (Module & Sparsifiable)[] {
  const candidates = allModules(model).filter(isSparsifiable);
  const keepDense = denseLayerNames(candidates, denseLayers);
  return candidates.filter((layer) => !keepDense.has(layer.name));
}

function denseLayerNames(layers: readonly Sparsifiable[], requested: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (const entry of requested) {
    if (entry === 'none') continue;
    if (entry === 'first' && layers.length > 0) names.add(layers[0].name);
    else if (entry === 'last' && layers.length > 0) names.add(layers[layers.length - 1].name);
    else if (layers.some((l) => l.name === entry)) names.add(entry);
    else {
      throw new Error(
        `--dense-layers: no layer is named '${entry}': use first, last, none, or one of ${layers.map((l) => l.name).join(', ')}`,
      );
    }
  }
  return names;
}

/**
 * Runs a set-based method (method.ts: Top-KAST and the baselines) through training. `attachSetBased` switches
 * the chosen layers to SparseWeights whose sets the method chose from the initial weights, in place, with the
 * budgets of the layer distribution; then, for each step t (0-based):
 *   beforeStep(t)     — every sparse weight forms its dense gradient this step if the method asks (RigL);
 *   afterBackward(t)  — add the method's gradient term (Top-KAST's exploration penalty) to B's gradients;
 *   afterUpdate(t)    — count the step's FLOPs, refresh the sets when the method's schedule says so, and
 *                       release the dense gradients.
 */
import type { Module } from '../nn/module.js';
import type { Sparsifiable } from '../nn/sparsifiable.js';
import { overlap } from '../sparse/sortedIndices.js';
import type { SparseWeight } from '../sparse/sparseWeight.js';
import { Random } from '../util/random.js';
import {
  ControllerBase,
  type ControllerOptions,
  type ControllerState,
  copyChurn,
  type LayerReport,
} from './controller.js';
import { type DistributionName, distributeCounts } from './distribution.js';
import { type EnteringState, setEnteringState } from './enteringState.js';
import { type MemoryReport, setBasedMemory } from './memoryReport.js';
import type { LayerBudget, SelectionContext, SparsityMethod } from './method.js';
import { stepFlops } from './trainingFlops.js';

/**
 * Makes `layers` sparse with the method's initial sets (budgets of its densities before the first step,
 * through the distribution; default uniform) and returns the controller that runs it.
 */
export function attachSetBased(
  method: SparsityMethod,
  model: Module,
  layers: readonly (Module & Sparsifiable)[],
  options: ControllerOptions,
): SetBasedController {
  const distribution = options.distribution ?? 'uniform';
  if (layers.length === 0) return new SetBasedController(method, model, [], { ...options, distribution });
  if (distribution === 'global' && !method.magnitudeRanked) {
    throw new Error(
      `--distribution global ranks weights by magnitude across layers, which ${method.name} does not do (its masks are random): use uniform or erk`,
    );
  }
  const shapes = layers.map((layer) => ({ dims: layer.weightDims }));
  const magnitudes = layers.map((layer) => layer.weight.values);
  const counts = (density: number) => distributeCounts(distribution, shapes, density, magnitudes);
  const forwardCounts = counts(method.forwardDensity(-1, options.totalSteps));
  const backwardCounts = counts(method.backwardDensity(-1, options.totalSteps));
  const random = new Random(options.seed).fork('sparsity');
  const settings = {
    decay: method.sparseWeightDecay ?? true,
    updateScale: method.backwardOnlyUpdateScale ?? 1,
  };
  const weights = layers.map((layer, l) => {
    const budget = {
      forwardCount: forwardCounts[l],
      backwardCount: Math.max(forwardCounts[l], backwardCounts[l]),
    };
    const sets = method.initialSets(layer.weight.values, {
      step: -1,
      totalSteps: options.totalSteps,
      budget,
      random: random.fork(`${layer.weight.name}@init`),
    });
    return layer.makeSparse(sets.forward, sets.backward, settings);
  });
  return new SetBasedController(method, model, weights, { ...options, distribution });
}

export class SetBasedController extends ControllerBase<SparsityMethod> {
  /** The sparse weights, in forward order. */
  readonly weights: readonly SparseWeight[];
  private readonly random: Random;
  private readonly enteringState: EnteringState;
  private trainingFlops = 0;
  private executedFlops = 0;
  private denseFlops = 0;

  constructor(
    method: SparsityMethod,
    model: Module,
    weights: readonly SparseWeight[],
    options: ControllerOptions & { distribution: DistributionName },
  ) {
    super(method, model, options.distribution, options.totalSteps);
    this.weights = weights;
    this.random = new Random(options.seed).fork('sparsity');
    this.enteringState = options.enteringState ?? 'zero';
  }

  /** Asks every sparse weight for its dense gradient when the method needs it at this step. */
  beforeStep(step: number): void {
    if (!this.method.needsDenseGradient?.(step, this.totalSteps)) return;
    for (const weight of this.weights) weight.requestDenseGradient();
  }

  /** Adds the method's gradient term to each sparse weight's gradients. */
  afterBackward(_step: number): void {
    const { method } = this;
    if (!method.addGradientTerm) return;
    for (const weight of this.weights) method.addGradientTerm(weight, weight.forwardCount / weight.size);
  }

  /**
   * Counts the step's FLOPs, then refreshes the sets if the method's schedule says so, or after the last step
   * when the method wants its final sets from the final θ; the dense gradients are released either way.
   */
  afterUpdate(step: number): void {
    this.countStepFlops();
    const { method, totalSteps } = this;
    const atEnd = method.refreshAtEnd === true && step === totalSteps - 1;
    if (atEnd || method.isRefreshStep(step, totalSteps)) this.refresh(step);
    for (const weight of this.weights) weight.releaseDenseGradient();
  }

  /** Recomputes every sparse layer's sets with the budgets of the method's densities after `step`. */
  refresh(step: number): void {
    const { weights, method } = this;
    const budgets = this.layerBudgets(step);
    const forwardChurn: number[] = [];
    weights.forEach((weight, l) => {
      const context = this.context(weight, budgets[l], step);
      const forwardBefore = weight.forwardCount;
      const backwardBefore = this.enteringState === 'zero' ? null : weight.backwardIndices().slice();
      let kept: number;
      if (method.refreshSets) {
        kept = weight.forwardCount - method.refreshSets(weight, context);
      } else {
        const before = weight.forwardIndices().slice();
        const sets = method.selectSets(weight, context);
        weight.setSets(sets.forward, sets.backward, method.enteringValue);
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
      churn: copyChurn(this.churn),
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
        `SetBasedController.setState: expected { churn, trainingFlops, denseFlops } from getState() of a controller with ${this.weights.length} sparse weights`,
      );
    }
    this.restoreChurn(state.churn);
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

  /** Bytes the run holds for the model (MemoryReport): weights, θ, indices, top-k scratch, step buffers. */
  memory(): MemoryReport {
    return setBasedMemory(this.model, {
      distribution: this.distribution,
      denseGradients: this.method.needsDenseGradient !== undefined,
    });
  }

  /** Training FLOPs so far that the sets require, relative to dense training (1 before any step: the sets now). */
  relativeTrainingFlops(): number {
    if (this.denseFlops > 0) return this.trainingFlops / this.denseFlops;
    const now = stepFlops(this.model);
    return now.theoretical / now.dense;
  }

  /** Training FLOPs so far of the kernels that ran, relative to dense training. */
  executedTrainingFlops(): number {
    if (this.denseFlops > 0) return this.executedFlops / this.denseFlops;
    const now = stepFlops(this.model);
    return now.executed / now.dense;
  }

  /** Adds this step's FLOPs (the sets and dense gradients it ran with) to the run's counts. */
  private countStepFlops(): void {
    const { theoretical, executed, dense } = stepFlops(this.model);
    this.trainingFlops += theoretical;
    this.executedFlops += executed;
    this.denseFlops += dense;
  }

  /** The layer budgets of the method's densities after `step`, through the distribution. */
  private layerBudgets(step: number): LayerBudget[] {
    const { weights, method, distribution, totalSteps } = this;
    const shapes = weights.map((w) => ({ dims: [w.rows, w.cols] }));
    const magnitudes = distribution === 'global' ? weights.map((w) => w.syncTheta()) : undefined;
    const counts = (density: number) => distributeCounts(distribution, shapes, density, magnitudes);
    const forward = counts(method.forwardDensity(step, totalSteps));
    const backward = counts(method.backwardDensity(step, totalSteps));
    return forward.map((f, l) => ({ forwardCount: f, backwardCount: Math.max(f, backward[l]) }));
  }

  private context(weight: SparseWeight, budget: LayerBudget, step: number): SelectionContext {
    return { step, totalSteps: this.totalSteps, budget, random: this.random.fork(`${weight.name}@${step}`) };
  }
}

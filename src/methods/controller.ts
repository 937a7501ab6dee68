/**
 * The contract between a training method and the run (../../shared/DESIGN.md, "Sparsity methods"): a method
 * (`TrainingMethod`) attaches to a model's chosen layers and returns the controller that runs it through
 * training; every controller has the same step hooks, report and checkpointable state. Two kinds implement it:
 * the set-based controller (setBasedController.ts: Top-KAST and the baselines choose sets A ⊆ B of
 * SparseWeights) and the soft-mask controller (softMaskController.ts: Spartan trains dense weights behind a
 * soft top-k mask and makes them sparse at the end). `sparsify` (sparsify.ts) chooses the layers.
 *
 * During training the loop calls, for each step t (0-based) (src/train/trainStep.ts):
 *   beforeStep(t)               — what the step must record or compute first (RigL's dense gradient, Spartan's masks);
 *   afterBackward(t)            — extra gradient terms (Top-KAST's exploration penalty, Spartan's soft top-k path);
 *   afterUpdate(t, trainables)  — refresh the sets when due; a layer whose weight object is replaced (Spartan's
 *                                 finalize) is replaced in the optimizer's list too.
 */
import type { Module } from '../nn/module.js';
import type { Sparsifiable } from '../nn/sparsifiable.js';
import { SparseWeight } from '../sparse/sparseWeight.js';
import type { Trainable } from '../tensor/trainable.js';
import type { DistributionName } from './distribution.js';
import type { EnteringState } from './enteringState.js';
import type { PackedMask } from './maskState.js';
import type { MemoryReport } from './memoryReport.js';

/** A method a run may train with: its settings as data, and how it attaches to a model's layers. */
export interface TrainingMethod<Controller extends MethodController = MethodController> {
  /** The registry name ('topkast', 'rigl', 'spartan', ...). */
  readonly name: string;
  /** The method's options as plain data (for the run summary and checkpoints). */
  readonly config: Readonly<Record<string, number | string | boolean>>;
  /** Whether the method makes layers sparse at all ('dense' does not). */
  readonly sparse: boolean;
  /**
   * Takes over `layers` (the model's layers sparsify chose; none for a method that is not sparse) and returns
   * the controller that runs the method through training.
   */
  createController(
    model: Module,
    layers: readonly (Module & Sparsifiable)[],
    options: ControllerOptions,
  ): Controller;
}

/** What sparsify passes on to a method's controller. */
export interface ControllerOptions {
  /** How the overall density is split across the sparse layers (default: the method's own). */
  distribution?: DistributionName;
  /** Total training steps (the methods' schedules depend on it). */
  totalSteps: number;
  /** Seed of the method's own random draws (static masks, SET's regrowth). */
  seed: number;
  /**
   * The optimizer state of an entry entering B (spec/topkast.md step 5): 'zero' (default), or 'mean', each
   * state array's mean over the entries that stayed in B (e.g. Adam's second moment at the layer's typical
   * scale rather than 0, which makes an entering entry's first updates sign-sized).
   */
  enteringState?: EnteringState;
  /** Receives setup warnings (Spartan's block fall-backs); default console.warn. */
  warn?: (message: string) => void;
}

/** The optimizer's list of what it updates, as a controller may change it (see Optimizer). */
export interface TrainableList {
  /** Updates `next` from now on where it updated `previous` (a layer replaced its weight object). */
  replaceTrainable(previous: Trainable, next: Trainable): void;
}

/** What a run's method controller does: the step hooks, its report, and checkpointable state. */
export interface MethodController {
  readonly method: { readonly name: string };
  beforeStep(step: number): void;
  afterBackward(step: number): void;
  afterUpdate(step: number, trainables: TrainableList): void;
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

/** What a controller's getState returns: plain data (a checkpoint's metadata). */
export interface ControllerState {
  churn: ChurnRecord[];
  trainingFlops: number;
  /** Absent in checkpoints written before it existed (then taken as trainingFlops). */
  executedFlops?: number;
  denseFlops: number;
  /** Spartan's last β and κ and its running budget-error statistics. */
  softMask?: SoftMaskState;
  /** Spartan's masks that steps do not recompute, per masked layer (maskState.ts). */
  masks?: SoftMaskArrays;
}

/** The masks a Spartan run carries across a checkpoint (absent in checkpoints that kept them in the weights' state). */
export interface SoftMaskArrays {
  /** The hard mask at the last churn record (kept entries only), until the layers become sparse. */
  churnReference: PackedMask[] | null;
  /** The frozen m ⊙ h from the freeze until the layers become sparse. */
  frozen: PackedMask[] | null;
}

/**
 * What both controllers share: the method, the model, the refresh history, and the run summary's view of the
 * sparsity (report) built from the controller's per-layer reports.
 */
export abstract class ControllerBase<Method extends Pick<TrainingMethod, 'name' | 'config'>>
  implements MethodController
{
  readonly churn: ChurnRecord[] = [];

  constructor(
    readonly method: Method,
    readonly model: Module,
    readonly distribution: DistributionName,
    readonly totalSteps: number,
  ) {}

  abstract beforeStep(step: number): void;
  abstract afterBackward(step: number): void;
  abstract afterUpdate(step: number, trainables: TrainableList): void;
  abstract memory(): MemoryReport;
  abstract relativeTrainingFlops(): number;
  abstract executedTrainingFlops(): number;
  abstract getState(): ControllerState;
  abstract setState(state: ControllerState): void;
  /** Per masked or sparse layer: its shape, kept counts and densities. */
  abstract layerReports(): LayerReport[];

  /** The method's own figures besides the common ones (Spartan's soft mask); none by default. */
  protected softMaskReport(): SoftMaskReport | undefined {
    return undefined;
  }

  /** The run summary's view of the sparsity: counts, per-layer densities, FLOPs, churn and memory. */
  report(): SparsityReport {
    const layers = this.layerReports();
    const byName = new Map(layers.map((layer) => [layer.name, layer]));
    let totalParameters = 0;
    let forwardActive = 0;
    let backwardActive = 0;
    for (const trainable of this.model.trainables()) {
      const layer = byName.get(trainable.name);
      const size = trainable instanceof SparseWeight ? trainable.size : trainable.values.length;
      totalParameters += layer ? layer.shape[0] * layer.shape[1] : size;
      forwardActive += layer ? layer.forwardCount : size;
      backwardActive += layer ? layer.backwardCount : size;
    }
    const softMask = this.softMaskReport();
    return {
      method: this.method.name,
      config: this.method.config,
      distribution: this.distribution,
      totalParameters,
      forwardActive,
      backwardActive,
      modelSparsity: 1 - forwardActive / totalParameters,
      layers,
      relativeTrainingFlops: this.relativeTrainingFlops(),
      executedTrainingFlops: this.executedTrainingFlops(),
      churn: copyChurn(this.churn),
      memory: this.memory(),
      ...(softMask ? { softMask } : {}),
    };
  }

  /** Replaces the refresh history with a copy of `churn` (from getState). */
  protected restoreChurn(churn: readonly ChurnRecord[]): void {
    this.churn.splice(0, this.churn.length, ...copyChurn(churn));
  }
}

/** A deep copy of a refresh history. */
export function copyChurn(churn: readonly ChurnRecord[]): ChurnRecord[] {
  return churn.map((record) => ({ step: record.step, forwardChurn: [...record.forwardChurn] }));
}

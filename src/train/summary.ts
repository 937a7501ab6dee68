import type { ChurnRecord, LayerReport, SoftMaskReport, SparsityReport } from '../methods/controller.js';
import type { MemoryReport } from '../methods/memoryReport.js';
import { writeFileAtomic } from '../util/writeFileAtomic.js';
import type { EpochMetrics, TextPeriodMetrics } from './callbacks.js';
import type { FitResult } from './fit.js';
import type { FitTextResult } from './fitText.js';

/**
 * What a training run reports (`topkast train --json FILE`). Everything but the timing fields
 * (trainSeconds, timing) is a function of the configuration: the same seed and flags give the same summary.
 */
export interface RunSummary {
  /** The sparsity method: 'dense' for ordinary training. */
  readonly method: string;
  /** The architecture, e.g. 'mlp 784-1024-1024-10 relu'. */
  readonly model: string;
  readonly dataset: string;
  readonly seed: number;
  /** Epochs run (the last may be partial when a step limit stopped the run). */
  readonly epochs: number;
  readonly steps: number;
  readonly testAccuracy: number;
  readonly testLoss: number;
  /** Seconds spent in training steps (evaluation excluded). */
  readonly trainSeconds: number;
  readonly timing: { readonly stepMsMedian: number; readonly evalSeconds: number };
  readonly parameters: {
    readonly total: number;
    /** Scalars the forward pass uses (dense parameters and sparse weights' forward sets). */
    readonly forwardActive: number;
    /** Scalars that get gradients and updates (dense parameters and sparse weights' backward sets). */
    readonly backwardActive: number;
  };
  /** The method, its settings, the whole model's sparsity, per-layer densities and training FLOPs. */
  readonly sparsity: {
    readonly method: string;
    readonly config: Readonly<Record<string, unknown>>;
    readonly distribution: string;
    /** 1 − forwardActive / total: dense layers and biases counted. */
    readonly modelSparsity: number;
    readonly layers: readonly LayerReport[];
    /**
     * Training FLOPs of the weight and attention products, every use counted, relative to dense training:
     * what the sparse sets require.
     */
    readonly relativeTrainingFlops: number;
    /** The same for the kernels that ran (layers above the dense-kernel crossover count dense). */
    readonly executedTrainingFlops: number;
    /** Mask churn: at each refresh, per sparse layer, the fraction of the forward set that changed. */
    readonly churn: readonly ChurnRecord[];
    /** Spartan only: the final β and κ, the soft top-k's per-step budget error, and what `memory` measures. */
    readonly softMask?: SoftMaskReport;
  };
  /**
   * Bytes the run holds for the model: totalBytes (hot state, θ, index lists, scratch, peak step buffers) and
   * its parts, against denseEquivalentBytes, the dense run's total (MemoryReport).
   */
  readonly memory: MemoryReport;
  /** The kernels that ran: 'reference', 'wasm-simd' or 'wasm-relaxed-simd'. */
  readonly backend: string;
  /** The resolved settings of the run (every default filled in). */
  readonly config: Readonly<Record<string, unknown>>;
  readonly history: readonly EpochMetrics[];
}

/**
 * What a language-model run reports: the same as an image run's summary, with bits per character (and the
 * loss in nats per character) on the whole validation and test splits after the last step in place of test
 * accuracy, and one history entry per evaluation period (validation on its first --eval-chars characters).
 */
export interface TextRunSummary extends Omit<RunSummary, 'epochs' | 'testAccuracy' | 'testLoss' | 'history'> {
  readonly bitsPerCharacter: { readonly validation: number; readonly test: number };
  readonly loss: { readonly validation: number; readonly test: number };
  readonly history: readonly TextPeriodMetrics[];
}

/** Either kind of run's summary. */
export type TrainingSummary = RunSummary | TextRunSummary;

export function isTextSummary(summary: TrainingSummary): summary is TextRunSummary {
  return 'bitsPerCharacter' in summary;
}

export interface RunDescription {
  readonly method: string;
  readonly model: string;
  readonly dataset: string;
  readonly seed: number;
  readonly parameters: number;
  readonly backend: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly sparsity: SparsityReport;
}

export function runSummary(run: RunDescription, result: FitResult): RunSummary {
  return {
    ...identity(run),
    epochs: result.epochs,
    steps: result.steps,
    testAccuracy: result.testAccuracy,
    testLoss: result.testLoss,
    ...details(run, result),
    history: result.history,
  };
}

export function textRunSummary(run: RunDescription, result: FitTextResult): TextRunSummary {
  return {
    ...identity(run),
    steps: result.steps,
    bitsPerCharacter: {
      validation: result.validation.bitsPerCharacter,
      test: result.test.bitsPerCharacter,
    },
    loss: { validation: result.validation.loss, test: result.test.loss },
    ...details(run, result),
    history: result.history,
  };
}

/** Which run: the same first fields for either kind of run. */
function identity(run: RunDescription): Pick<RunSummary, 'method' | 'model' | 'dataset' | 'seed'> {
  return { method: run.method, model: run.model, dataset: run.dataset, seed: run.seed };
}

/** Time, parameter counts, sparsity, memory, kernels and settings: the same for either kind of run. */
function details(
  run: RunDescription,
  result: Pick<FitResult, 'trainSeconds' | 'stepMsMedian' | 'evalSeconds'>,
): Pick<RunSummary, 'trainSeconds' | 'timing' | 'parameters' | 'sparsity' | 'memory' | 'backend' | 'config'> {
  return {
    trainSeconds: result.trainSeconds,
    timing: { stepMsMedian: result.stepMsMedian, evalSeconds: result.evalSeconds },
    parameters: {
      total: run.parameters,
      forwardActive: run.sparsity.forwardActive,
      backwardActive: run.sparsity.backwardActive,
    },
    sparsity: {
      method: run.sparsity.method,
      config: run.sparsity.config,
      distribution: run.sparsity.distribution,
      modelSparsity: run.sparsity.modelSparsity,
      layers: run.sparsity.layers,
      relativeTrainingFlops: run.sparsity.relativeTrainingFlops,
      executedTrainingFlops: run.sparsity.executedTrainingFlops,
      churn: run.sparsity.churn,
      ...(run.sparsity.softMask ? { softMask: run.sparsity.softMask } : {}),
    },
    memory: run.sparsity.memory,
    backend: run.backend,
    config: run.config,
  };
}

/** The summary without its timing fields: what must be identical between two runs of the same config. */
export function withoutTiming<S extends TrainingSummary>(summary: S): Omit<S, 'trainSeconds' | 'timing'> {
  const { trainSeconds: _seconds, timing: _timing, ...rest } = summary;
  return rest;
}

/** Writes the summary as indented JSON, atomically (a reader never sees half a file). */
export function writeSummary(file: string, summary: TrainingSummary): void {
  writeFileAtomic(file, `${JSON.stringify(summary, null, 2)}\n`);
}

/**
 * What the report draws of one run, whichever file it came from (a run summary, compare's results, or the
 * newest checkpoint of a run) and whichever kind it was (an image classifier or a language model), plus the
 * finer loss curve of its metrics log when one is given.
 */
import type { ChurnRecord, LayerReport } from '../methods/controller.js';
import type { EpochMetrics, TextPeriodMetrics } from '../train/callbacks.js';
import { isTextSummary, type TrainingSummary } from '../train/summary.js';

/** A training loss logged at one step (`train --metrics`). */
export interface StepLoss {
  readonly step: number;
  readonly loss: number;
}

/** What every run shows, image classifier or language model. */
interface ReportRunBase {
  /** Names the run: compare's label (`topkast-0.9-seed0`), or the file or directory it came from. */
  readonly id: string;
  readonly method: string;
  /** The forward sparsity the run was configured with (0 for dense). */
  readonly sparsity: number;
  readonly seed: number;
  readonly steps: number;
  /** The whole model's sparsity; null when unknown (a checkpoint). */
  readonly modelSparsity: number | null;
  /** From a metrics log; empty without one. */
  readonly stepLosses: readonly StepLoss[];
  /** The sparse layers, in forward order (none for dense training). */
  readonly layers: readonly LayerReport[];
  /** At each refresh, per sparse layer, the fraction of the forward set that changed. */
  readonly churn: readonly ChurnRecord[];
}

/** An image classifier's run: test accuracy after each epoch. */
export interface ImageReportRun extends ReportRunBase {
  readonly kind: 'image';
  /** The final test accuracy; null when no epoch was evaluated yet (an early checkpoint). */
  readonly testAccuracy: number | null;
  readonly history: readonly EpochMetrics[];
}

/** A language model's run: validation bits per character after each evaluation period. */
export interface TextReportRun extends ReportRunBase {
  readonly kind: 'text';
  /** On the whole validation and test splits after the last step; null for a checkpoint (not measured yet). */
  readonly bitsPerCharacter: { readonly validation: number; readonly test: number } | null;
  readonly history: readonly TextPeriodMetrics[];
}

export type ReportRun = ImageReportRun | TextReportRun;

/** The name `topkast compare` gives a run's summary file (without `.json`). */
export function compareLabel(summary: TrainingSummary): string {
  return summary.method === 'dense'
    ? `dense-seed${summary.seed}`
    : `${summary.method}-${Number(summary.config.sparsity ?? 0)}-seed${summary.seed}`;
}

/** The report's view of a run summary, of either kind. */
export function runFromSummary(summary: TrainingSummary, id: string): ReportRun {
  const base: ReportRunBase = {
    id,
    method: summary.method,
    sparsity: Number(summary.config.sparsity ?? 0),
    seed: summary.seed,
    steps: summary.steps,
    modelSparsity: summary.sparsity.modelSparsity,
    stepLosses: [],
    layers: summary.sparsity.layers,
    churn: summary.sparsity.churn,
  };
  return isTextSummary(summary)
    ? { ...base, kind: 'text', bitsPerCharacter: summary.bitsPerCharacter, history: summary.history }
    : { ...base, kind: 'image', testAccuracy: summary.testAccuracy, history: summary.history };
}

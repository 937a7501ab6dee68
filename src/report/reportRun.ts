/**
 * What the report draws of one run, whichever file it came from (a run summary, compare's results, or the
 * newest checkpoint of a run), plus the finer loss curve of its metrics log when one is given.
 */
import type { ChurnRecord, LayerReport } from '../methods/controller.js';
import type { EpochMetrics } from '../train/callbacks.js';
import type { RunSummary } from '../train/summary.js';

/** A training loss logged at one step (`train --metrics`). */
export interface StepLoss {
  readonly step: number;
  readonly loss: number;
}

export interface ReportRun {
  /** Names the run: compare's label (`topkast-0.9-seed0`), or the file or directory it came from. */
  readonly id: string;
  readonly method: string;
  /** The forward sparsity the run was configured with (0 for dense). */
  readonly sparsity: number;
  readonly seed: number;
  readonly steps: number;
  /** The final test accuracy; null when no epoch was evaluated yet (an early checkpoint). */
  readonly testAccuracy: number | null;
  /** The whole model's sparsity; null when unknown (a checkpoint). */
  readonly modelSparsity: number | null;
  readonly history: readonly EpochMetrics[];
  /** From a metrics log; empty without one. */
  readonly stepLosses: readonly StepLoss[];
  /** The sparse layers, in forward order (none for dense training). */
  readonly layers: readonly LayerReport[];
  /** At each refresh, per sparse layer, the fraction of the forward set that changed. */
  readonly churn: readonly ChurnRecord[];
}

/** The name `topkast compare` gives a run's summary file (without `.json`). */
export function compareLabel(summary: RunSummary): string {
  return summary.method === 'dense'
    ? `dense-seed${summary.seed}`
    : `${summary.method}-${Number(summary.config.sparsity ?? 0)}-seed${summary.seed}`;
}

/** The report's view of a run summary. */
export function runFromSummary(summary: RunSummary, id: string): ReportRun {
  return {
    id,
    method: summary.method,
    sparsity: Number(summary.config.sparsity ?? 0),
    seed: summary.seed,
    steps: summary.steps,
    testAccuracy: summary.testAccuracy,
    modelSparsity: summary.sparsity.modelSparsity,
    history: summary.history,
    stepLosses: [],
    layers: summary.sparsity.layers,
    churn: summary.sparsity.churn,
  };
}

/**
 * `value` checked to have what the report reads of a run summary; throws, naming `source` and the missing
 * field, for anything else.
 */
export function asRunSummary(value: unknown, source: string): RunSummary {
  const fail = (what: string): never => {
    throw new Error(
      `${source} is not a run summary (${what}): give a file of \`topkast train --json\`, or compare's results.json`,
    );
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('not a JSON object');
  const summary = value as Record<string, unknown>;
  for (const key of ['method', 'dataset', 'model']) if (typeof summary[key] !== 'string') fail(`no ${key}`);
  for (const key of ['seed', 'steps', 'testAccuracy'])
    if (typeof summary[key] !== 'number') fail(`no ${key}`);
  if (!Array.isArray(summary.history)) fail('no history');
  for (const key of ['config', 'timing', 'memory'])
    if (typeof summary[key] !== 'object' || summary[key] === null) fail(`no ${key}`);
  const sparsity = summary.sparsity as Record<string, unknown> | undefined;
  if (typeof sparsity !== 'object' || sparsity === null) fail('no sparsity');
  if (!Array.isArray(sparsity!.layers)) fail('no sparsity.layers');
  if (!Array.isArray(sparsity!.churn)) fail('no sparsity.churn');
  return value as RunSummary;
}

/**
 * Comparing methods on equal terms: the runs of `topkast compare` grouped by method and sparsity, with the
 * mean ± standard deviation of test accuracy over seeds and the cost figures of each group.
 */
import { median } from '../train/median.js';
import type { RunSummary } from '../train/summary.js';

/** One row of the comparison: every seed of one method at one sparsity. */
export interface ComparisonRow {
  method: string;
  /** The forward sparsity of the sparse layers (0 for dense). */
  sparsity: number;
  /** Top-KAST's backward sparsity; null for other methods. */
  backwardSparsity: number | null;
  /** The whole model's sparsity, dense layers and biases counted. */
  modelSparsity: number;
  seeds: number;
  accuracyMean: number;
  /** Sample standard deviation over seeds (0 for one seed). */
  accuracyStd: number;
  /** Theoretical training FLOPs relative to dense training of the same model. */
  relativeTrainingFlops: number;
  /** The median over the runs of each run's median step time. */
  stepMsMedian: number;
  /** Hot training memory (values, gradients, optimizer state, indices) over its dense equivalent. */
  hotMemoryRatio: number;
}

/** Groups summaries by (method, sparsity, backward sparsity), in the order the groups first appear. */
export function comparisonRows(summaries: readonly RunSummary[]): ComparisonRow[] {
  const groups = new Map<string, RunSummary[]>();
  for (const summary of summaries) {
    const key = JSON.stringify([summary.method, sparsityOf(summary), backwardSparsityOf(summary)]);
    groups.set(key, [...(groups.get(key) ?? []), summary]);
  }
  return [...groups.values()].map((runs) => {
    const accuracies = runs.map((r) => r.testAccuracy);
    const first = runs[0]!;
    return {
      method: first.method,
      sparsity: sparsityOf(first),
      backwardSparsity: backwardSparsityOf(first),
      modelSparsity: first.sparsity.modelSparsity,
      seeds: runs.length,
      accuracyMean: mean(accuracies),
      accuracyStd: standardDeviation(accuracies),
      relativeTrainingFlops: mean(runs.map((r) => r.sparsity.relativeTrainingFlops)),
      stepMsMedian: median(runs.map((r) => r.timing.stepMsMedian)),
      hotMemoryRatio: mean(runs.map((r) => r.memory.hotBytes / r.memory.denseEquivalentBytes)),
    };
  });
}

/** The rows as a GitHub markdown table. */
export function comparisonMarkdown(rows: readonly ComparisonRow[]): string {
  const percent = (s: number) => `${(s * 100).toFixed(s * 100 === Math.round(s * 100) ? 0 : 1)}%`;
  const lines = [
    '| method | sparsity (fwd/bwd) | model sparsity | test accuracy (mean ± std) | seeds | training FLOPs vs dense | step ms (median) | hot memory vs dense |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const row of rows) {
    const sparsity =
      row.method === 'dense'
        ? '—'
        : `${percent(row.sparsity)}${row.backwardSparsity === null ? '' : ` / ${percent(row.backwardSparsity)}`}`;
    lines.push(
      `| ${row.method} | ${sparsity} | ${percent(row.modelSparsity)} | ${row.accuracyMean.toFixed(4)} ± ${row.accuracyStd.toFixed(4)} | ${row.seeds} | ${row.relativeTrainingFlops.toFixed(3)} | ${row.stepMsMedian.toFixed(1)} | ${row.hotMemoryRatio.toFixed(3)} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function sparsityOf(summary: RunSummary): number {
  return Number(summary.config.sparsity ?? 0);
}

function backwardSparsityOf(summary: RunSummary): number | null {
  const value = summary.sparsity.config.backwardSparsity;
  return typeof value === 'number' ? value : null;
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function standardDeviation(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const m = mean(values);
  return Math.sqrt(values.reduce((a, v) => a + (v - m) ** 2, 0) / (values.length - 1));
}

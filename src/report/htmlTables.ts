/** The report's tables: the comparison rows and the list of runs. */
import type { ComparisonRow } from '../compare/comparison.js';
import type { ReportRun } from './reportRun.js';
import { escapeXml } from './svg/escape.js';

/** A fraction as a percentage with one decimal at most ('—' when unknown). */
export function percent(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '—';
  const p = value * 100;
  return `${p.toFixed(Number.isInteger(Math.round(p * 10) / 10) ? 0 : 1)}%`;
}

function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const th = head.map((h) => `<th>${escapeXml(h)}</th>`).join('');
  const body = rows.map((cells) => `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('');
  return `<table><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table>`;
}

/** An accuracy as a percentage with two decimals ('—' when unknown). */
export function accuracyPercent(value: number | null): string {
  return value === null || !Number.isFinite(value) ? '—' : `${(value * 100).toFixed(2)}%`;
}

/** compare's table: accuracy mean ± std over seeds, and the cost figures, per method and sparsity. */
export function comparisonTable(rows: readonly ComparisonRow[]): string {
  return table(
    [
      'method',
      'sparsity (fwd/bwd)',
      'model sparsity',
      'test accuracy',
      'seeds',
      'training FLOPs vs dense',
      'hot memory vs dense',
    ],
    rows.map((row) => [
      escapeXml(row.method),
      row.method === 'dense'
        ? '—'
        : `${percent(row.sparsity)}${row.backwardSparsity === null ? '' : ` / ${percent(row.backwardSparsity)}`}`,
      percent(row.modelSparsity),
      `${accuracyPercent(row.accuracyMean)} ± ${(row.accuracyStd * 100).toFixed(2)}`,
      String(row.seeds),
      row.relativeTrainingFlops.toFixed(3),
      row.hotMemoryRatio.toFixed(3),
    ]),
  );
}

/** One line per run, each linking to its section. */
export function runsTable(runs: readonly ReportRun[]): string {
  return table(
    ['run', 'method', 'sparsity', 'seed', 'steps', 'test accuracy', 'model sparsity'],
    runs.map((run, i) => [
      `<a href="#run-${i}">${escapeXml(run.id)}</a>`,
      escapeXml(run.method),
      percent(run.sparsity),
      String(run.seed),
      String(run.steps),
      accuracyPercent(run.testAccuracy),
      percent(run.modelSparsity),
    ]),
  );
}

/** The report's tables: the comparison rows and the list of runs. */
import type { Comparison, RowBase } from '../compare/comparison.js';
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

/** A bits-per-character figure with four decimals, as compare's table shows it ('—' when unknown). */
export function bitsPerCharacter(value: number | null): string {
  return value === null || !Number.isFinite(value) ? '—' : value.toFixed(4);
}

/**
 * compare's table: per method and sparsity, test accuracy (image runs) or validation and test bits per
 * character (language models) as mean ± std over seeds, and the cost figures.
 */
export function comparisonTable(comparison: Comparison): string {
  return comparison.kind === 'image'
    ? rowsTable(comparison.rows, ['test accuracy'], (row) => [
        `${accuracyPercent(row.accuracyMean)} ± ${(row.accuracyStd * 100).toFixed(2)}`,
      ])
    : rowsTable(comparison.rows, ['validation bits/char', 'test bits/char'], (row) => [
        `${bitsPerCharacter(row.validationBpcMean)} ± ${bitsPerCharacter(row.validationBpcStd)}`,
        `${bitsPerCharacter(row.testBpcMean)} ± ${bitsPerCharacter(row.testBpcStd)}`,
      ]);
}

/** The group's columns, then `qualities` (the rows' `quality` cells), then the costs. */
function rowsTable<R extends RowBase>(
  rows: readonly R[],
  qualities: readonly string[],
  quality: (row: R) => readonly string[],
): string {
  return table(
    [
      'method',
      'sparsity (fwd/bwd)',
      'model sparsity',
      ...qualities,
      'seeds',
      'training FLOPs vs dense',
      'executed FLOPs vs dense',
      'total memory vs dense',
      'hot memory vs dense',
    ],
    rows.map((row) => [
      escapeXml(row.method),
      row.method === 'dense'
        ? '—'
        : `${percent(row.sparsity)}${row.backwardSparsity === null ? '' : ` / ${percent(row.backwardSparsity)}`}`,
      percent(row.modelSparsity),
      ...quality(row),
      String(row.seeds),
      row.relativeTrainingFlops.toFixed(3),
      row.executedTrainingFlops.toFixed(3),
      row.totalMemoryRatio.toFixed(3),
      row.hotMemoryRatio.toFixed(3),
    ]),
  );
}

/** What runs of `kind` achieved, as the runs table's column names. */
export function resultNames(kind: ReportRun['kind']): string[] {
  return kind === 'image' ? ['test accuracy'] : ['validation bits/char', 'test bits/char'];
}

/** What the run achieved, in the order of resultNames. */
export function resultValues(run: ReportRun): string[] {
  if (run.kind === 'image') return [accuracyPercent(run.testAccuracy)];
  return [
    bitsPerCharacter(run.bitsPerCharacter?.validation ?? null),
    bitsPerCharacter(run.bitsPerCharacter?.test ?? null),
  ];
}

/** One line per run, each linking to its section; every run of `kind`. */
export function runsTable(runs: readonly ReportRun[], kind: ReportRun['kind']): string {
  return table(
    ['run', 'method', 'sparsity', 'seed', 'steps', ...resultNames(kind), 'model sparsity'],
    runs.map((run, i) => [
      `<a href="#run-${i}">${escapeXml(run.id)}</a>`,
      escapeXml(run.method),
      percent(run.sparsity),
      String(run.seed),
      String(run.steps),
      ...resultValues(run),
      percent(run.modelSparsity),
    ]),
  );
}

/**
 * Comparing methods on equal terms: the runs of `topkast compare` grouped by method and sparsity, with the
 * mean ± standard deviation over seeds of test accuracy (image runs) or of validation and test bits per
 * character (language models), and the cost figures of each group.
 */
import { median } from '../train/median.js';
import {
  isTextSummary,
  type RunSummary,
  type TextRunSummary,
  type TrainingSummary,
} from '../train/summary.js';

/** What every row reports: the group, and its costs. */
export interface RowBase {
  method: string;
  /** The forward sparsity of the sparse layers (0 for dense). */
  sparsity: number;
  /** Top-KAST's backward sparsity; null for other methods. */
  backwardSparsity: number | null;
  /** The whole model's sparsity, dense layers and biases counted. */
  modelSparsity: number;
  seeds: number;
  /** Training FLOPs the sets require (every use counted) relative to dense training of the same model. */
  relativeTrainingFlops: number;
  /** Training FLOPs of the kernels that ran (dense fallbacks counted dense) relative to dense training. */
  executedTrainingFlops: number;
  /** The median over the runs of each run's median step time. */
  stepMsMedian: number;
  /** Everything the run holds for the model (θ, indices, scratch, step buffers) over the dense run's total. */
  totalMemoryRatio: number;
  /** Hot training memory (values, gradients, optimizer state, patterns) over the dense run's total. */
  hotMemoryRatio: number;
}

/** One row of an image comparison: every seed of one method at one sparsity. */
export interface ComparisonRow extends RowBase {
  accuracyMean: number;
  /** Sample standard deviation over seeds (0 for one seed). */
  accuracyStd: number;
}

/** One row of a language-model comparison: bits per character on the whole validation and test splits. */
export interface TextComparisonRow extends RowBase {
  validationBpcMean: number;
  validationBpcStd: number;
  testBpcMean: number;
  testBpcStd: number;
}

/** Groups summaries by (method, sparsity, backward sparsity), in the order the groups first appear. */
export function comparisonRows(summaries: readonly RunSummary[]): ComparisonRow[] {
  return groupRuns(summaries).map((runs) => {
    const accuracies = runs.map((r) => r.testAccuracy);
    return {
      ...rowHead(runs),
      accuracyMean: mean(accuracies),
      accuracyStd: standardDeviation(accuracies),
      ...rowCosts(runs),
    };
  });
}

/** The same grouping for language models, with mean ± std of validation and test bits per character. */
export function textComparisonRows(summaries: readonly TextRunSummary[]): TextComparisonRow[] {
  return groupRuns(summaries).map((runs) => {
    const validation = runs.map((r) => r.bitsPerCharacter.validation);
    const test = runs.map((r) => r.bitsPerCharacter.test);
    return {
      ...rowHead(runs),
      validationBpcMean: mean(validation),
      validationBpcStd: standardDeviation(validation),
      testBpcMean: mean(test),
      testBpcStd: standardDeviation(test),
      ...rowCosts(runs),
    };
  });
}

/** A comparison's rows with their kind: every run an image run, or every run a language model. */
export type Comparison =
  | { readonly kind: 'image'; readonly rows: ComparisonRow[] }
  | { readonly kind: 'text'; readonly rows: TextComparisonRow[] };

/**
 * The rows of runs of one kind; throws, saying how many of each, for image and language-model runs mixed (test
 * accuracy and bits per character do not share a table or a chart).
 */
export function comparisonOf(summaries: readonly TrainingSummary[]): Comparison {
  const text = summaries.filter(isTextSummary);
  const images = summaries.filter((summary): summary is RunSummary => !isTextSummary(summary));
  if (text.length > 0 && images.length > 0) {
    throw new Error(
      `${images.length} image-classification and ${text.length} language-model runs do not share a table (test accuracy against bits per character): compare and report each kind apart`,
    );
  }
  return text.length === 0
    ? { kind: 'image', rows: comparisonRows(images) }
    : { kind: 'text', rows: textComparisonRows(text) };
}

/** The rows and markdown table of a comparison's runs, all image runs or all language-model runs. */
export function comparisonTable(summaries: readonly TrainingSummary[]): {
  rows: ComparisonRow[] | TextComparisonRow[];
  markdown: string;
} {
  const comparison = comparisonOf(summaries);
  const markdown =
    comparison.kind === 'image'
      ? comparisonMarkdown(comparison.rows)
      : textComparisonMarkdown(comparison.rows);
  return { rows: comparison.rows, markdown };
}

/** The rows as a GitHub markdown table. */
export function comparisonMarkdown(rows: readonly ComparisonRow[]): string {
  return markdownTable(rows, ['test accuracy (mean ± std)'], (row) => [
    `${row.accuracyMean.toFixed(4)} ± ${row.accuracyStd.toFixed(4)}`,
  ]);
}

/** Language-model rows as a GitHub markdown table (bits per character: lower is better). */
export function textComparisonMarkdown(rows: readonly TextComparisonRow[]): string {
  return markdownTable(rows, ['validation bits/char (mean ± std)', 'test bits/char (mean ± std)'], (row) => [
    `${row.validationBpcMean.toFixed(4)} ± ${row.validationBpcStd.toFixed(4)}`,
    `${row.testBpcMean.toFixed(4)} ± ${row.testBpcStd.toFixed(4)}`,
  ]);
}

/** The table: the group's columns, then `qualities` (the rows' `quality` cells), then the costs. */
function markdownTable<R extends RowBase>(
  rows: readonly R[],
  qualities: readonly string[],
  quality: (row: R) => readonly string[],
): string {
  const percent = (s: number) => `${(s * 100).toFixed(s * 100 === Math.round(s * 100) ? 0 : 1)}%`;
  const headers = [
    'method',
    'sparsity (fwd/bwd)',
    'model sparsity',
    ...qualities,
    'seeds',
    'training FLOPs vs dense',
    'executed FLOPs vs dense',
    'step ms (median)',
    'total memory vs dense',
    'hot memory vs dense',
  ];
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  const lines = [line(headers), `|${'---|'.repeat(headers.length)}`];
  for (const row of rows) {
    const sparsity =
      row.method === 'dense'
        ? '—'
        : `${percent(row.sparsity)}${row.backwardSparsity === null ? '' : ` / ${percent(row.backwardSparsity)}`}`;
    lines.push(
      line([
        row.method,
        sparsity,
        percent(row.modelSparsity),
        ...quality(row),
        String(row.seeds),
        row.relativeTrainingFlops.toFixed(3),
        row.executedTrainingFlops.toFixed(3),
        row.stepMsMedian.toFixed(1),
        row.totalMemoryRatio.toFixed(3),
        row.hotMemoryRatio.toFixed(3),
      ]),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The runs grouped by (method, sparsity, backward sparsity), in the order the groups first appear. */
function groupRuns<S extends TrainingSummary>(summaries: readonly S[]): S[][] {
  const groups = new Map<string, S[]>();
  for (const summary of summaries) {
    const key = JSON.stringify([summary.method, sparsityOf(summary), backwardSparsityOf(summary)]);
    groups.set(key, [...(groups.get(key) ?? []), summary]);
  }
  return [...groups.values()];
}

function rowHead(runs: readonly TrainingSummary[]) {
  const first = runs[0]!;
  return {
    method: first.method,
    sparsity: sparsityOf(first),
    backwardSparsity: backwardSparsityOf(first),
    modelSparsity: first.sparsity.modelSparsity,
    seeds: runs.length,
  };
}

function rowCosts(runs: readonly TrainingSummary[]) {
  return {
    relativeTrainingFlops: mean(runs.map((r) => r.sparsity.relativeTrainingFlops)),
    executedTrainingFlops: mean(runs.map((r) => r.sparsity.executedTrainingFlops)),
    stepMsMedian: median(runs.map((r) => r.timing.stepMsMedian)),
    totalMemoryRatio: mean(runs.map((r) => r.memory.totalBytes / r.memory.denseEquivalentBytes)),
    hotMemoryRatio: mean(runs.map((r) => r.memory.hotBytes / r.memory.denseEquivalentBytes)),
  };
}

function sparsityOf(summary: TrainingSummary): number {
  return Number(summary.config.sparsity ?? 0);
}

function backwardSparsityOf(summary: TrainingSummary): number | null {
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

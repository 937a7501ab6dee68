/**
 * The comparison's chart, one line per method against sparsity: test accuracy for image classifiers, test
 * bits per character for language models.
 */
import type { Comparison, ComparisonRow, RowBase, TextComparisonRow } from '../compare/comparison.js';
import { lineChart, type Reference, type Series } from './svg/lineChart.js';
import { colorAt } from './svg/palette.js';
import type { TickFormat } from './svg/scale.js';

const DENSE_COLOR = '#333333';

/** What the chart plots of a row, and how it labels it. */
interface Quality<R extends RowBase> {
  readonly mean: (row: R) => number;
  readonly std: (row: R) => number;
  /** A mean or std as the dense line's legend shows it, and the unit after the mean. */
  readonly format: (value: number) => string;
  readonly unit: string;
  readonly title: string;
  readonly yLabel: string;
  readonly yFormat?: TickFormat;
  readonly yClamp?: readonly [number, number];
}

const TEST_ACCURACY: Quality<ComparisonRow> = {
  mean: (row) => row.accuracyMean,
  std: (row) => row.accuracyStd,
  format: (value) => (value * 100).toFixed(2),
  unit: '%',
  title: 'test accuracy against sparsity (mean ± std over seeds)',
  yLabel: 'test accuracy',
  yFormat: 'percent',
  yClamp: [0, 1],
};

const TEST_BPC: Quality<TextComparisonRow> = {
  mean: (row) => row.testBpcMean,
  std: (row) => row.testBpcStd,
  format: (value) => value.toFixed(4),
  unit: '',
  title: 'test bits per character against sparsity (mean ± std over seeds)',
  yLabel: 'test bits/char (lower is better)',
};

/**
 * Per sparse method a line through its mean at each sparsity, with error bars of ± the standard deviation
 * over seeds; dense training as a dashed horizontal line. Null without sparse rows.
 */
export function sparsityChart(comparison: Comparison, id: string): string | null {
  return comparison.kind === 'image'
    ? qualityChart(comparison.rows, TEST_ACCURACY, id)
    : qualityChart(comparison.rows, TEST_BPC, id);
}

function qualityChart<R extends RowBase>(rows: readonly R[], quality: Quality<R>, id: string): string | null {
  const sparse = rows.filter((row) => row.method !== 'dense');
  if (sparse.length === 0) return null;
  const methods = [...new Set(sparse.map((row) => row.method))];
  const series: Series[] = methods.map((method, i) => ({
    name: method,
    color: colorAt(i),
    points: sparse
      .filter((row) => row.method === method)
      .sort((a, b) => a.sparsity - b.sparsity)
      .map((row) => ({ x: row.sparsity, y: quality.mean(row), error: quality.std(row) })),
    markers: true,
  }));
  const references: Reference[] = rows
    .filter((row) => row.method === 'dense')
    .map((row) => ({
      name: `dense ${quality.format(quality.mean(row))}${quality.unit}${row.seeds > 1 ? ` ± ${quality.format(quality.std(row))}` : ''}`,
      color: DENSE_COLOR,
      y: quality.mean(row),
    }));
  return lineChart({
    id,
    title: quality.title,
    xLabel: 'forward sparsity',
    yLabel: quality.yLabel,
    xFormat: 'percent',
    yFormat: quality.yFormat,
    yClamp: quality.yClamp,
    series,
    references,
    plotWidth: 560,
    plotHeight: 280,
  });
}

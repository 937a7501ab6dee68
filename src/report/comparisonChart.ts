/** Accuracy against sparsity, one line per method, from compare's rows. */
import type { ComparisonRow } from '../compare/comparison.js';
import { lineChart, type Reference, type Series } from './svg/lineChart.js';
import { colorAt } from './svg/palette.js';

const DENSE_COLOR = '#333333';

/**
 * Per sparse method a line through its mean test accuracy at each sparsity, with error bars of ± the
 * standard deviation over seeds; dense training as a dashed horizontal line. Null without sparse rows.
 */
export function accuracySparsityChart(rows: readonly ComparisonRow[], id: string): string | null {
  const sparse = rows.filter((row) => row.method !== 'dense');
  if (sparse.length === 0) return null;
  const methods = [...new Set(sparse.map((row) => row.method))];
  const series: Series[] = methods.map((method, i) => ({
    name: method,
    color: colorAt(i),
    points: sparse
      .filter((row) => row.method === method)
      .sort((a, b) => a.sparsity - b.sparsity)
      .map((row) => ({ x: row.sparsity, y: row.accuracyMean, error: row.accuracyStd })),
    markers: true,
  }));
  const references: Reference[] = rows
    .filter((row) => row.method === 'dense')
    .map((row) => ({
      name: `dense ${(row.accuracyMean * 100).toFixed(2)}%${row.seeds > 1 ? ` ± ${(row.accuracyStd * 100).toFixed(2)}` : ''}`,
      color: DENSE_COLOR,
      y: row.accuracyMean,
    }));
  return lineChart({
    id,
    title: 'test accuracy against sparsity (mean ± std over seeds)',
    xLabel: 'forward sparsity',
    yLabel: 'test accuracy',
    xFormat: 'percent',
    yFormat: 'percent',
    yClamp: [0, 1],
    series,
    references,
    plotWidth: 560,
    plotHeight: 280,
  });
}

/** A run's sparse layers: their forward and backward densities, and how much of A each refresh changed. */
import type { ReportRun } from './reportRun.js';
import { barChart } from './svg/barChart.js';
import { lineChart } from './svg/lineChart.js';
import { colorAt } from './svg/palette.js';

/** Above this many refreshes the churn lines go without markers. */
const MAX_MARKED_REFRESHES = 60;

/** Two bars per sparse layer: the fraction of weights in the forward set A and in the backward set B. */
export function densityChart(run: ReportRun, id: string): string | null {
  if (run.layers.length === 0) return null;
  return barChart({
    id,
    title: `${run.id}: density per layer`,
    xLabel: 'sparse layer',
    yLabel: 'density (fraction kept)',
    categories: run.layers.map((layer) => layer.name),
    groups: [
      { name: 'forward (A)', color: colorAt(0), values: run.layers.map((l) => l.forwardDensity) },
      { name: 'backward (B)', color: colorAt(1), values: run.layers.map((l) => l.backwardDensity) },
    ],
    yFormat: 'percent',
    yClamp: [0, 1],
  });
}

/** One line per sparse layer: the fraction of its forward set that changed at each refresh. */
export function churnChart(run: ReportRun, id: string): string | null {
  if (run.churn.length === 0) return null;
  const layerCount = Math.max(...run.churn.map((record) => record.forwardChurn.length));
  const series = Array.from({ length: layerCount }, (_, j) => ({
    name: run.layers[j]?.name ?? `layer ${j + 1}`,
    color: colorAt(j),
    points: run.churn.map((record) => ({ x: record.step, y: record.forwardChurn[j] ?? Number.NaN })),
    markers: run.churn.length <= MAX_MARKED_REFRESHES,
  }));
  return lineChart({
    id,
    title: `${run.id}: mask churn per refresh`,
    xLabel: 'step',
    xFromZero: true,
    yLabel: 'forward set changed',
    yFormat: 'percent',
    yClamp: [0, 1],
    yFromZero: true,
    series,
  });
}

/**
 * The page's charts, drawn with the HTML report's SVG charts (src/report/svg): loss and test accuracy of both
 * runs, their step times, and the sparse run's per-layer densities and mask churn.
 */
import { barChart } from '../../src/report/svg/barChart.js';
import { lineChart, type Point, type Series } from '../../src/report/svg/lineChart.js';
import type { RunView } from './runView.js';

/** Points per curve at most: per-step values are averaged over runs of steps beyond this. */
const MAX_POINTS = 150;

/** Means of consecutive runs of `per` values, at the run's last step. */
function bucketed(steps: readonly { step: number }[], value: (i: number) => number, total: number): Point[] {
  const per = Math.max(1, Math.ceil(total / MAX_POINTS));
  const points: Point[] = [];
  for (let start = 0; start + per <= steps.length; start += per) {
    let sum = 0;
    for (let i = start; i < start + per; i++) sum += value(i);
    points.push({ x: steps[start + per - 1]!.step, y: sum / per });
  }
  return points;
}

function perStep(run: RunView, value: (i: number) => number): Series {
  const total = run.started?.totalSteps ?? run.steps.length;
  return { name: run.label, color: run.color, points: bucketed(run.steps, value, total), markers: false };
}

export function lossChart(runs: readonly RunView[]): string {
  return lineChart({
    id: 'loss',
    title: 'Training loss',
    xLabel: 'step',
    yLabel: 'training loss (cross-entropy)',
    series: runs.map((run) => perStep(run, (i) => run.steps[i]!.loss)),
    xFromZero: true,
    yFromZero: true,
  });
}

export function accuracyChart(runs: readonly RunView[]): string {
  return lineChart({
    id: 'accuracy',
    title: 'Test accuracy after each epoch',
    xLabel: 'step',
    yLabel: 'test accuracy',
    series: runs.map((run) => ({
      name: run.label,
      color: run.color,
      points: run.evaluations.map((e) => ({ x: e.step, y: e.testAccuracy })),
      markers: true,
    })),
    xFromZero: true,
    yClamp: [0, 1],
  });
}

export function stepTimeChart(runs: readonly RunView[]): string {
  return lineChart({
    id: 'step-time',
    title: 'Step time (refreshes included)',
    xLabel: 'step',
    yLabel: 'milliseconds per step',
    series: runs.map((run) => perStep(run, (i) => run.steps[i]!.stepMs)),
    xFromZero: true,
    yFromZero: true,
  });
}

/** Forward (A) and backward (B) density of each sparse layer; null for a run without sparse layers. */
export function densityChart(run: RunView): string | null {
  if (run.layers.length === 0) return null;
  return barChart({
    id: 'density',
    title: `${run.label}: kept fraction per layer`,
    xLabel: 'sparse layer',
    yLabel: 'density (fraction kept)',
    categories: run.layers.map((l) => l.name),
    groups: [
      { name: 'forward set A', color: run.color, values: run.layers.map((l) => l.forwardDensity) },
      { name: 'backward set B', color: '#9aa5b1', values: run.layers.map((l) => l.backwardDensity) },
    ],
    yClamp: [0, 1],
  });
}

/** The fraction of each layer's A that changed at each refresh; null before the first refresh. */
export function churnChart(run: RunView): string | null {
  if (run.churn.length === 0) return null;
  const colors = ['#e15759', '#59a14f', '#b07aa1', '#9c755f'];
  return lineChart({
    id: 'churn',
    title: `${run.label}: mask churn at each refresh`,
    xLabel: 'step',
    yLabel: 'fraction of A that changed',
    series: run.layers.map((layer, l) => ({
      name: layer.name,
      color: colors[l % colors.length]!,
      points: run.churn.map((c) => ({ x: c.step + 1, y: c.forwardChurn[l]! })),
      markers: run.churn.length <= 30,
    })),
    xFromZero: true,
    yFromZero: true,
    yFormat: 'percent',
  });
}

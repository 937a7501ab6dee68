/** A run's training curves: losses and test accuracy against the step. */
import type { ReportRun } from './reportRun.js';
import { lineChart, type Series } from './svg/lineChart.js';
import { colorAt } from './svg/palette.js';

/** Training loss (each logged step when a metrics log is given, and each epoch's mean) and test loss. */
export function lossChart(run: ReportRun, id: string): string | null {
  const series: Series[] = [];
  if (run.stepLosses.length > 0) {
    series.push({
      name: 'train loss (logged steps)',
      color: colorAt(0),
      points: run.stepLosses.map((s) => ({ x: s.step, y: s.loss })),
      markers: false,
    });
  }
  if (run.history.length > 0) {
    series.push(
      {
        name: 'train loss (epoch mean)',
        color: colorAt(1),
        points: run.history.map((e) => ({ x: e.step, y: e.trainLoss })),
        markers: true,
      },
      {
        name: 'test loss',
        color: colorAt(2),
        points: run.history.map((e) => ({ x: e.step, y: e.testLoss })),
        markers: true,
      },
    );
  }
  if (series.length === 0) return null;
  return lineChart({ id, title: `${run.id}: loss`, xLabel: 'step', xFromZero: true, yLabel: 'loss', series });
}

/** Test accuracy after each epoch. */
export function accuracyChart(run: ReportRun, id: string): string | null {
  if (run.history.length === 0) return null;
  return lineChart({
    id,
    title: `${run.id}: test accuracy`,
    xLabel: 'step',
    xFromZero: true,
    yLabel: 'test accuracy',
    yFormat: 'percent',
    yClamp: [0, 1],
    series: [
      {
        name: 'test accuracy',
        color: colorAt(4),
        points: run.history.map((e) => ({ x: e.step, y: e.testAccuracy })),
        markers: true,
      },
    ],
  });
}

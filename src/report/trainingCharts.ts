/**
 * A run's training curves against the step: losses, and test accuracy (image classifiers) or validation bits
 * per character (language models).
 */
import type { ReportRun } from './reportRun.js';
import { type LineChartSpec, lineChart, type Series } from './svg/lineChart.js';
import { colorAt } from './svg/palette.js';

/**
 * Training loss (each logged step when a metrics log is given, and each period's mean) and the evaluated
 * loss: test loss after each epoch, or a language model's validation loss after each evaluation period.
 */
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
        name: run.kind === 'image' ? 'train loss (epoch mean)' : 'train loss (period mean)',
        color: colorAt(1),
        points: run.history.map((e) => ({ x: e.step, y: e.trainLoss })),
        markers: true,
      },
      {
        ...evaluatedLoss(run),
        color: colorAt(2),
        markers: true,
      },
    );
  }
  if (series.length === 0) return null;
  const yLabel = run.kind === 'image' ? 'loss' : 'loss (nats per character)';
  return lineChart({ id, title: `${run.id}: loss`, xLabel: 'step', xFromZero: true, yLabel, series });
}

/** The loss each evaluation measured, named after the split it read. */
function evaluatedLoss(run: ReportRun): Pick<Series, 'name' | 'points'> {
  return run.kind === 'image'
    ? { name: 'test loss', points: run.history.map((e) => ({ x: e.step, y: e.testLoss })) }
    : { name: 'validation loss', points: run.history.map((e) => ({ x: e.step, y: e.validationLoss })) };
}

/**
 * What each evaluation measured: test accuracy after each epoch, or a language model's bits per character on
 * the first --eval-chars characters of the validation split after each evaluation period.
 */
export function evaluationChart(run: ReportRun, id: string): string | null {
  if (run.history.length === 0) return null;
  const measure: Pick<Series, 'name' | 'points'> & Pick<LineChartSpec, 'yLabel' | 'yFormat' | 'yClamp'> =
    run.kind === 'image'
      ? {
          name: 'test accuracy',
          points: run.history.map((e) => ({ x: e.step, y: e.testAccuracy })),
          yLabel: 'test accuracy',
          yFormat: 'percent',
          yClamp: [0, 1],
        }
      : {
          name: 'validation bits per character',
          points: run.history.map((e) => ({ x: e.step, y: e.validationBpc })),
          yLabel: 'validation bits/char (lower is better)',
        };
  const { name, points, ...axis } = measure;
  return lineChart({
    id,
    title: `${run.id}: ${name}`,
    xLabel: 'step',
    xFromZero: true,
    ...axis,
    series: [{ name, color: colorAt(4), points, markers: true }],
  });
}

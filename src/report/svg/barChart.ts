/**
 * A grouped bar chart drawn by hand: for each category (e.g. a layer) one bar per group (e.g. forward and
 * backward density) side by side, on a y axis from 0.
 */
import { escapeXml } from './escape.js';
import { chartFrame, renderAxes, renderSvg, round, turnedLabelLeft, turnedLabelSpace } from './frame.js';
import type { LegendEntry } from './legend.js';
import { formatTick, linearScale, niceAxis, type TickFormat } from './scale.js';

export interface BarGroup {
  readonly name: string;
  readonly color: string;
  /** One value per category. */
  readonly values: readonly number[];
}

export interface BarChartSpec {
  readonly id: string;
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly categories: readonly string[];
  readonly groups: readonly BarGroup[];
  readonly yFormat?: TickFormat;
  readonly yClamp?: readonly [number, number];
  readonly plotHeight?: number;
}

/** Pixels per category: room for the bars of every group and a gap. */
const CATEGORY_WIDTH = 56;

/** The chart as an SVG element. */
export function barChart(spec: BarChartSpec): string {
  const yAxis = niceAxis([0, ...spec.groups.flatMap((g) => g.values)], { clamp: spec.yClamp });
  const legend: LegendEntry[] = spec.groups.map((g) => ({ name: g.name, color: g.color, mark: 'box' }));
  const xLabelSpace = turnedLabelSpace(spec.categories);
  const plotWidth = Math.max(300, spec.categories.length * CATEGORY_WIDTH);
  const band = plotWidth / Math.max(1, spec.categories.length);
  const frame = chartFrame({
    plotWidth,
    plotHeight: spec.plotHeight ?? 220,
    legend,
    xLabelSpace,
    plotLeft: turnedLabelLeft(spec.categories[0] ?? '', band / 2),
  });
  const y = linearScale([yAxis.min, yAxis.max], [frame.bottom, frame.top]);
  const barWidth = (band * 0.7) / Math.max(1, spec.groups.length);
  const axes = renderAxes(frame, {
    title: spec.title,
    xLabel: spec.xLabel,
    yLabel: spec.yLabel,
    xTicks: spec.categories.map((label, i) => ({ at: frame.left + band * (i + 0.5), label })),
    yTicks: yAxis.ticks.map((t) => ({
      at: y(t),
      label: formatTick(t, yAxis.step, spec.yFormat ?? 'number'),
    })),
    turnXLabels: true,
    xLabelSpace,
  });
  const bars = spec.categories.flatMap((category, i) =>
    spec.groups.map((group, g) => {
      const value = group.values[i] ?? 0;
      const left = frame.left + band * i + band * 0.15 + barWidth * g;
      const top = y(Math.max(yAxis.min, Math.min(yAxis.max, value)));
      return `<rect class="bar" x="${round(left)}" y="${round(top)}" width="${round(barWidth)}" height="${round(frame.bottom - top)}" fill="${group.color}"><title>${escapeXml(`${category} ${group.name}: ${value}`)}</title></rect>`;
    }),
  );
  return renderSvg(spec.id, frame, spec.title, `${axes}<g class="data">${bars.join('')}</g>`, legend);
}

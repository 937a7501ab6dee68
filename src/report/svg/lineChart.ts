/**
 * A line chart drawn by hand: one path per series (with optional markers and vertical error bars), dashed
 * horizontal reference lines, round-numbered axes, and a legend.
 */
import { escapeXml } from './escape.js';
import { chartFrame, renderAxes, renderSvg, round } from './frame.js';
import type { LegendEntry } from './legend.js';
import { formatTick, linearScale, niceAxis, type TickFormat } from './scale.js';

export interface Point {
  readonly x: number;
  readonly y: number;
  /** Half the height of an error bar around y (drawn when > 0). */
  readonly error?: number;
}

export interface Series {
  readonly name: string;
  readonly color: string;
  /** In the order they are joined; points with a non-finite coordinate are left out. */
  readonly points: readonly Point[];
  /** A circle at every point (for few points; a dense curve reads better without). */
  readonly markers: boolean;
}

/** A horizontal line across the plot, e.g. the dense baseline. */
export interface Reference {
  readonly name: string;
  readonly color: string;
  readonly y: number;
}

export interface LineChartSpec {
  /** Names the chart in the page (`data-chart`). */
  readonly id: string;
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly Series[];
  readonly references?: readonly Reference[];
  readonly xFormat?: TickFormat;
  readonly yFormat?: TickFormat;
  /** Keep the y axis inside these bounds (e.g. [0, 1] for an accuracy). */
  readonly yClamp?: readonly [number, number];
  /** Start the x axis at 0 (steps: training starts there). */
  readonly xFromZero?: boolean;
  /** Start the y axis at 0 (fractions of a whole, such as churn). */
  readonly yFromZero?: boolean;
  readonly plotWidth?: number;
  readonly plotHeight?: number;
}

/** Pixels between the ends of the x domain and the plot's edges, so no point sits on the y axis. */
const X_INSET = 12;

/** The chart as an SVG element. */
export function lineChart(spec: LineChartSpec): string {
  const references = spec.references ?? [];
  const series = spec.series.map((s) => ({
    ...s,
    points: s.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y)),
  }));
  const points = series.flatMap((s) => s.points);
  const xAxis = niceAxis(
    points.map((p) => p.x),
    { fromZero: spec.xFromZero },
  );
  const yAxis = niceAxis(
    [...points.flatMap((p) => [p.y - (p.error ?? 0), p.y + (p.error ?? 0)]), ...references.map((r) => r.y)],
    { clamp: spec.yClamp, fromZero: spec.yFromZero },
  );
  const legend: LegendEntry[] = [
    ...series.map((s) => ({ name: s.name, color: s.color, mark: 'line' as const })),
    ...references.map((r) => ({ name: r.name, color: r.color, mark: 'dashed' as const })),
  ];
  const frame = chartFrame({
    plotWidth: spec.plotWidth ?? 460,
    plotHeight: spec.plotHeight ?? 220,
    legend,
  });
  const x = linearScale([xAxis.min, xAxis.max], [frame.left + X_INSET, frame.right - X_INSET]);
  const y = linearScale([yAxis.min, yAxis.max], [frame.bottom, frame.top]);
  const axes = renderAxes(frame, {
    title: spec.title,
    xLabel: spec.xLabel,
    yLabel: spec.yLabel,
    xTicks: xAxis.ticks.map((t) => ({
      at: x(t),
      label: formatTick(t, xAxis.step, spec.xFormat ?? 'number'),
    })),
    yTicks: yAxis.ticks.map((t) => ({
      at: y(t),
      label: formatTick(t, yAxis.step, spec.yFormat ?? 'number'),
    })),
  });
  const lines = references.map(
    (r) =>
      `<line class="reference" x1="${frame.left}" y1="${round(y(r.y))}" x2="${frame.right}" y2="${round(y(r.y))}" stroke="${r.color}" stroke-width="1.5" stroke-dasharray="6 4"><title>${escapeXml(`${r.name}: ${r.y}`)}</title></line>`,
  );
  for (const s of series) {
    if (s.points.length === 0) continue;
    const d = s.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${round(x(p.x))} ${round(y(p.y))}`).join(' ');
    lines.push(
      `<path class="series" d="${d}" fill="none" stroke="${s.color}" stroke-width="2" stroke-linejoin="round"><title>${escapeXml(s.name)}</title></path>`,
    );
    for (const p of s.points) {
      const cx = round(x(p.x));
      const error = p.error ?? 0;
      if (error > 0) {
        const [top, bottom] = [round(y(p.y + error)), round(y(p.y - error))];
        lines.push(
          `<path class="error-bar" d="M${cx} ${top} V${bottom} M${cx - 4} ${top} h8 M${cx - 4} ${bottom} h8" stroke="${s.color}" stroke-width="1.5" fill="none"/>`,
        );
      }
      if (s.markers) {
        const label = `${s.name}: x ${p.x}, y ${p.y}${error > 0 ? ` ± ${error}` : ''}`;
        lines.push(
          `<circle class="point" cx="${cx}" cy="${round(y(p.y))}" r="3.5" fill="${s.color}"><title>${escapeXml(label)}</title></circle>`,
        );
      }
    }
  }
  return renderSvg(spec.id, frame, spec.title, `${axes}<g class="data">${lines.join('')}</g>`, legend);
}

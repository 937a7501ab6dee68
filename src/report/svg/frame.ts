/**
 * The shared layout of a chart: the SVG element, the plot area inside margins (title above, tick and axis
 * labels left and below, then the legend), and the axes drawn around the plot area.
 */
import { escapeXml } from './escape.js';
import { CHAR_WIDTH, type LegendEntry, legendHeight, renderLegend } from './legend.js';

export interface Frame {
  readonly width: number;
  readonly height: number;
  /** The plot area in pixels. */
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
  /** Where the legend starts (under the x axis label). */
  readonly legendTop: number;
}

export interface FrameOptions {
  /** The plot area's size in pixels (the margins come on top). */
  readonly plotWidth: number;
  readonly plotHeight: number;
  readonly legend: readonly LegendEntry[];
  /** Room under the plot for x tick labels (more when they are turned). */
  readonly xLabelSpace?: number;
  /** Room left of the plot when more than the y labels' (turned x labels reaching left: turnedLabelLeft). */
  readonly plotLeft?: number;
}

const TOP = 34;
const LEFT = 66;
const RIGHT = 16;
const AXIS_LABEL = 20;

/** Places the plot area and, under it, the legend. */
export function chartFrame(options: FrameOptions): Frame {
  const bottom = TOP + options.plotHeight;
  const legendTop = bottom + (options.xLabelSpace ?? 20) + AXIS_LABEL + 10;
  const left = Math.max(LEFT, options.plotLeft ?? LEFT);
  return {
    width: Math.ceil(left + options.plotWidth + RIGHT),
    height: Math.ceil(legendTop + legendHeight(options.legend, options.plotWidth) + 6),
    left,
    top: TOP,
    right: left + options.plotWidth,
    bottom,
    legendTop,
  };
}

/** A tick: its pixel position along the axis and its label. */
export interface Tick {
  readonly at: number;
  readonly label: string;
}

export interface AxesOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly xTicks: readonly Tick[];
  readonly yTicks: readonly Tick[];
  /** Turn the x tick labels (long category names). */
  readonly turnXLabels?: boolean;
  /** Space given to the x tick labels (as in FrameOptions). */
  readonly xLabelSpace?: number;
}

/** Title, grid lines, axis lines, ticks with labels, and the two axis labels. */
export function renderAxes(frame: Frame, options: AxesOptions): string {
  const { left, top, right, bottom } = frame;
  const parts: string[] = [`<text class="chart-title" x="${left}" y="20">${escapeXml(options.title)}</text>`];
  for (const tick of options.yTicks) {
    const y = round(tick.at);
    parts.push(
      `<line class="grid" x1="${left}" y1="${y}" x2="${right}" y2="${y}"/>`,
      `<line class="tick" x1="${left - 5}" y1="${y}" x2="${left}" y2="${y}"/>`,
      `<text class="tick-label" x="${left - 8}" y="${y + 4}" text-anchor="end">${escapeXml(tick.label)}</text>`,
    );
  }
  for (const tick of options.xTicks) {
    const x = round(tick.at);
    const label = escapeXml(tick.label);
    parts.push(
      `<line class="tick" x1="${x}" y1="${bottom}" x2="${x}" y2="${bottom + 5}"/>`,
      options.turnXLabels
        ? `<text class="tick-label" x="${x}" y="${bottom + 14}" text-anchor="end" transform="rotate(-35 ${x} ${bottom + 14})">${label}</text>`
        : `<text class="tick-label" x="${x}" y="${bottom + 18}" text-anchor="middle">${label}</text>`,
    );
  }
  const xLabelY = bottom + (options.xLabelSpace ?? 20) + AXIS_LABEL;
  const yMid = round((top + bottom) / 2);
  parts.push(
    `<line class="axis" x1="${left}" y1="${bottom}" x2="${right}" y2="${bottom}"/>`,
    `<line class="axis" x1="${left}" y1="${top}" x2="${left}" y2="${bottom}"/>`,
    `<text class="axis-label x-label" x="${round((left + right) / 2)}" y="${xLabelY}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`,
    `<text class="axis-label y-label" x="18" y="${yMid}" text-anchor="middle" transform="rotate(-90 18 ${yMid})">${escapeXml(options.yLabel)}</text>`,
  );
  return `<g class="axes">${parts.join('')}</g>`;
}

/** The whole SVG element: an accessible title, the body, and the legend under the plot area. */
export function renderSvg(
  id: string,
  frame: Frame,
  title: string,
  body: string,
  legend: readonly LegendEntry[],
): string {
  return (
    `<svg class="chart" data-chart="${escapeXml(id)}" xmlns="http://www.w3.org/2000/svg" width="${frame.width}" height="${frame.height}" viewBox="0 0 ${frame.width} ${frame.height}" role="img">` +
    `<title>${escapeXml(title)}</title>${body}${renderLegend(legend, frame.left, frame.legendTop, frame.right - frame.left)}</svg>`
  );
}

/** Pixel coordinates to two decimals (smaller files, same picture). */
export function round(value: number): number {
  return Math.round(value * 100) / 100;
}

/** Room for x tick labels turned by 35°: about the sine of the angle times the longest label. */
export function turnedLabelSpace(labels: readonly string[]): number {
  const longest = Math.max(0, ...labels.map((label) => label.length));
  return Math.ceil(Math.min(longest, 40) * CHAR_WIDTH * 0.58) + 18;
}

/**
 * Room left of the plot for the first x tick label turned by 35° (its tick `tickOffset` pixels into the plot):
 * the label reaches about the cosine of the angle times its length left of its tick.
 */
export function turnedLabelLeft(first: string, tickOffset: number): number {
  return Math.ceil(Math.min(first.length, 40) * CHAR_WIDTH * 0.82 - tickOffset) + 8;
}

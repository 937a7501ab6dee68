/**
 * The legend under a chart: entries side by side, wrapped onto more rows when they do not fit the width.
 */
import { escapeXml } from './escape.js';

/** One legend entry: a coloured mark and the series' name. */
export interface LegendEntry {
  readonly name: string;
  readonly color: string;
  /** A solid line, a dashed (reference) line, or a filled box (bars). */
  readonly mark: 'line' | 'dashed' | 'box';
}

const ROW = 18;
const MARK = 20;
const GAP = 18;
/** Names longer than this are cut (with an ellipsis) and shown whole in a tooltip. */
const MAX_CHARS = 32;
/** About the width of one 12 px character. */
export const CHAR_WIDTH = 6.6;

interface Placed {
  readonly entry: LegendEntry;
  readonly shown: string;
  readonly x: number;
  readonly row: number;
}

/** Each entry's offset and row when the legend may be `width` pixels wide. */
function place(entries: readonly LegendEntry[], width: number): Placed[] {
  let x = 0;
  let row = 0;
  return entries.map((entry) => {
    const shown = entry.name.length > MAX_CHARS ? `${entry.name.slice(0, MAX_CHARS - 1)}…` : entry.name;
    const entryWidth = MARK + 6 + Math.ceil(shown.length * CHAR_WIDTH);
    if (x > 0 && x + entryWidth > width) {
      x = 0;
      row++;
    }
    const placed = { entry, shown, x, row };
    x += entryWidth + GAP;
    return placed;
  });
}

/** The legend's height within `width` (0 without entries). */
export function legendHeight(entries: readonly LegendEntry[], width: number): number {
  const rows = entries.length === 0 ? 0 : Math.max(...place(entries, width).map((p) => p.row)) + 1;
  return rows * ROW;
}

/** The legend as SVG within `width`, its top-left corner at (x, y). */
export function renderLegend(entries: readonly LegendEntry[], x: number, y: number, width: number): string {
  const rows = place(entries, width).map(({ entry, shown, x: dx, row }) => {
    const left = x + dx;
    const mid = y + row * ROW + ROW / 2;
    const mark =
      entry.mark === 'box'
        ? `<rect x="${left}" y="${mid - 6}" width="${MARK - 6}" height="12" fill="${entry.color}"/>`
        : `<line x1="${left}" y1="${mid}" x2="${left + MARK}" y2="${mid}" stroke="${entry.color}" stroke-width="2"${entry.mark === 'dashed' ? ' stroke-dasharray="6 4"' : ''}/>`;
    return `<g class="legend-entry">${mark}<text x="${left + MARK + 6}" y="${mid + 4}"><title>${escapeXml(entry.name)}</title>${escapeXml(shown)}</text></g>`;
  });
  return `<g class="legend">${rows.join('')}</g>`;
}

/**
 * Axes with round numbers: the domain widened to whole tick steps (1, 2 or 5 × 10^k) around the data, and the
 * map from data values to pixels.
 */

export interface NiceAxis {
  readonly min: number;
  readonly max: number;
  /** Tick values from min to max, every `step`. */
  readonly ticks: readonly number[];
  readonly step: number;
}

export interface NiceAxisOptions {
  /** About this many tick intervals (default 5). */
  readonly target?: number;
  /** Keep the domain inside these bounds (accuracy and density in [0, 1]). */
  readonly clamp?: readonly [number, number];
  /** Start the domain at 0 when the values are all positive (steps of a run). */
  readonly fromZero?: boolean;
}

/** A round-numbered axis covering the finite `values` (0…1 when there are none). */
export function niceAxis(values: readonly number[], options: NiceAxisOptions = {}): NiceAxis {
  const finite = values.filter(Number.isFinite);
  let low = finite.length > 0 ? Math.min(...finite, ...(options.fromZero ? [0] : [])) : 0;
  let high = finite.length > 0 ? Math.max(...finite) : 1;
  if (high - low < 1e-12) {
    const pad = low === 0 ? 0.5 : Math.abs(low) * 0.05;
    low -= pad;
    high += pad;
  }
  const step = niceStep((high - low) / (options.target ?? 5));
  const decimals = stepDecimals(step);
  let min = Math.floor(low / step + 1e-9) * step;
  let max = Math.ceil(high / step - 1e-9) * step;
  if (options.clamp) {
    min = Math.max(options.clamp[0], min);
    max = Math.min(options.clamp[1], max);
  }
  const ticks: number[] = [];
  for (let k = Math.ceil(min / step - 1e-9); k * step <= max + step * 1e-9; k++) {
    ticks.push(Number((k * step).toFixed(decimals)));
  }
  return { min: Number(min.toFixed(decimals)), max: Number(max.toFixed(decimals)), ticks, step };
}

/** The round step (1, 2 or 5 × 10^k) at or just above `raw`. */
export function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power;
}

/** Decimal places that show every multiple of `step` exactly. */
export function stepDecimals(step: number): number {
  return Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
}

/** How a tick value reads: a plain number, or a fraction shown as a percentage. */
export type TickFormat = 'number' | 'percent';

/** A tick label with as many decimals as the axis step needs. */
export function formatTick(value: number, step: number, format: TickFormat): string {
  if (format === 'percent') return `${(value * 100).toFixed(Math.max(0, stepDecimals(step) - 2))}%`;
  if (Math.abs(value) >= 10_000) return value.toLocaleString('en-US', { maximumFractionDigits: 0 });
  return value.toFixed(stepDecimals(step));
}

/** Maps [domain0, domain1] linearly onto [range0, range1] (a flat domain maps to the range's middle). */
export function linearScale(
  domain: readonly [number, number],
  range: readonly [number, number],
): (value: number) => number {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  if (d1 === d0) return () => (r0 + r1) / 2;
  return (value) => r0 + ((value - d0) / (d1 - d0)) * (r1 - r0);
}

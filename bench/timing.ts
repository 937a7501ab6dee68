/** Timing helpers shared by the benchmarks. */

/** The median of a non-empty list of numbers. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of an empty list');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Median milliseconds of `run` after two warm-up calls, over at least `minReps` timed calls and at least
 * `minMs` of timed work (at most `maxReps` calls).
 */
export function medianMs(run: () => void, { minReps = 7, minMs = 300, maxReps = 50 } = {}): number {
  run();
  run();
  const times: number[] = [];
  let total = 0;
  while (times.length < maxReps && (times.length < minReps || total < minMs)) {
    const start = performance.now();
    run();
    const ms = performance.now() - start;
    times.push(ms);
    total += ms;
  }
  return median(times);
}

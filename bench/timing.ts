/** Timing helpers shared by the benchmarks. */
import { median } from '../src/train/median.js';

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

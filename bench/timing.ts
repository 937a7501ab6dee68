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

/**
 * Something the benchmark times in samples of consecutive steps: a training step of one configuration.
 * `stepsPerSample` covers at least one whole refresh period of a method that refreshes, so every sample holds
 * its share of refreshes (exactly one per period: the steps are consecutive).
 */
export interface SteppedCase {
  readonly label: string;
  readonly stepsPerSample: number;
  /** Runs one step (the case selects its own engine first). */
  step(): void;
}

/** What the interleaved timing measured of one case. */
export interface CaseTiming {
  label: string;
  /** Mean ms per step over every timed step: refreshes included in their proportion. */
  stepMsMean: number;
  /** Median of the single steps' ms: a typical step, which leaves out the rare refresh steps. */
  stepMsMedian: number;
  /** Mean ms per step of each sample, one per round, in round order (the ratios pair them by round). */
  sampleMeans: number[];
}

/**
 * Times the cases interleaved: `warmUpSteps` steps of each, then `rounds` rounds of one sample of every case
 * in turn (A, B, C, A, B, C, …), so a drift in the machine's speed hits every case alike and the ratio of two
 * cases within a round is fair.
 */
export function timeInterleaved(
  cases: readonly SteppedCase[],
  { rounds = 5, warmUpSteps = 2 } = {},
): CaseTiming[] {
  for (const c of cases) for (let s = 0; s < warmUpSteps; s++) c.step();
  const steps = cases.map(() => [] as number[]);
  const sampleMeans = cases.map(() => [] as number[]);
  for (let round = 0; round < rounds; round++) {
    cases.forEach((c, i) => {
      let total = 0;
      for (let s = 0; s < c.stepsPerSample; s++) {
        const start = performance.now();
        c.step();
        const ms = performance.now() - start;
        steps[i].push(ms);
        total += ms;
      }
      sampleMeans[i].push(total / c.stepsPerSample);
    });
  }
  return cases.map((c, i) => ({
    label: c.label,
    stepMsMean: steps[i].reduce((a, b) => a + b, 0) / steps[i].length,
    stepMsMedian: median(steps[i]),
    sampleMeans: sampleMeans[i],
  }));
}

/** min, median and max over the rounds of a ratio. */
export interface RatioSpread {
  min: number;
  median: number;
  max: number;
}

/** The spread over rounds of numerator / denominator, paired by round (a value above 1: the denominator is faster). */
export function ratioSpread(numerator: CaseTiming, denominator: CaseTiming): RatioSpread {
  const ratios = numerator.sampleMeans.map((ms, round) => ms / denominator.sampleMeans[round]);
  return { min: Math.min(...ratios), median: median(ratios), max: Math.max(...ratios) };
}

/** A spread as 'median (min–max)', two decimals. */
export function formatSpread({ min, median: mid, max }: RatioSpread): string {
  return `${mid.toFixed(2)} (${min.toFixed(2)}–${max.toFixed(2)})`;
}

/**
 * `npm run bench -- --only steps`: the MLP training step of every case, on one thread and on two, next to
 * TensorFlow.js (its own gradients, and untransposed products) in the same process, timed interleaved
 * (timing.ts), then PyTorch in its own process when a python3 with torch is installed.
 *
 * Every ratio is paired by round (a case's sample against the other case's sample of the same round) and
 * printed as median (min–max) over the rounds, so a run judges a target by a spread, not by one lucky number.
 */
import { createEngine, engine, useEngine } from '../src/kernels/engine.js';
import type { MemoryReport } from '../src/methods/memoryReport.js';
import type { ModelStepCase } from './modelStep.js';
import { benchPytorchStep, type PytorchResult } from './peers/pytorch.js';
import { tfjsStepCase } from './tfjsStep.js';
import { type CaseTiming, formatSpread, type RatioSpread, ratioSpread, timeInterleaved } from './timing.js';
import { type TrainingStepCase, trainingStepCase, trainingStepMemory } from './trainingStep.js';

/** Rounds of the interleaved timing: each gives one sample of every case. */
const ROUNDS = 5;

export interface StepRow {
  label: string;
  threads: number;
  stepMsMean: number;
  stepMsMedian: number;
  /** Our dense step (same threads) over this step: > 1 means faster than dense. */
  speedupOverDense: RatioSpread;
  /** The same case on one thread over this (two-thread rows only). */
  speedupOverOneThread?: RatioSpread;
  speedupOverTfjs: RatioSpread;
  speedupOverTfjsUntransposed: RatioSpread;
  relativeFlops: number;
  executedFlops: number;
  /** With AdamW after one step: everything held, and the hot part, over the dense run's total. */
  totalMemoryRatio: number;
  hotMemoryRatio: number;
}

export async function benchSteps(sizes: number[], batch: number, cases: readonly TrainingStepCase[]) {
  const previous = engine();
  const engines = [createEngine('auto', { threads: 1 }), createEngine('auto', { threads: 2 })];
  const ours = engines.flatMap((on) =>
    cases.map((c) =>
      trainingStepCase(sizes, batch, c, on, on.threads === 1 ? c.label : `${c.label}, 2 threads`),
    ),
  );
  const tfjs = await tfjsStepCase(sizes, batch, 'autodiff', 'tfjs dense');
  const tfjsUntransposed = await tfjsStepCase(
    sizes,
    batch,
    'explicit transposes',
    'tfjs dense, backward as transposes + untransposed products',
  );
  const timings = timeInterleaved([...ours, tfjs, tfjsUntransposed], { rounds: ROUNDS });
  const [tfjsTiming, untransposedTiming] = timings.slice(ours.length);
  const memory = cases.map((c) => trainingStepMemory(sizes, batch, c, engines[0]));
  const rows: StepRow[] = ours.map((run, i) => {
    const threadIndex = Math.floor(i / cases.length);
    const caseIndex = i % cases.length;
    const timing = timings[i];
    const dense = timings[threadIndex * cases.length];
    const { relative, executed } = run.flops();
    return {
      label: run.label,
      threads: engines[threadIndex].threads,
      stepMsMean: timing.stepMsMean,
      stepMsMedian: timing.stepMsMedian,
      speedupOverDense: ratioSpread(dense, timing),
      ...(threadIndex > 0 ? { speedupOverOneThread: ratioSpread(timings[caseIndex], timing) } : {}),
      speedupOverTfjs: ratioSpread(tfjsTiming, timing),
      speedupOverTfjsUntransposed: ratioSpread(untransposedTiming, timing),
      relativeFlops: relative,
      executedFlops: executed,
      ...memoryRatios(memory[caseIndex]),
    };
  });
  for (const run of [...ours, tfjs, tfjsUntransposed]) run.dispose();
  useEngine(previous);
  await engines[1].close();
  const pytorch = benchPytorchStep({
    sizes,
    batch,
    density: 1 - (cases.find((c) => c.sparsity && !c.spartan)?.sparsity?.forward ?? 0.9),
    rounds: ROUNDS,
    steps: 10,
    threads: [1, 2],
  });
  printSteps(sizes, batch, rows, [tfjsTiming, untransposedTiming], tfjs, pytorch);
  return {
    model: sizes.join('-'),
    batch,
    rounds: ROUNDS,
    rows,
    tfjs: { backend: tfjs.backend, simd: tfjs.simd, timings: [tfjsTiming, untransposedTiming] },
    pytorch,
  };
}

function memoryRatios(memory: MemoryReport) {
  return {
    totalMemoryRatio: memory.totalBytes / memory.denseEquivalentBytes,
    hotMemoryRatio: memory.hotBytes / memory.denseEquivalentBytes,
  };
}

function printSteps(
  sizes: number[],
  batch: number,
  rows: StepRow[],
  tfjsTimings: CaseTiming[],
  tfjs: { backend: string; simd: boolean },
  pytorch: PytorchResult | { skipped: string },
): void {
  console.log(
    `\nTraining step, MLP ${sizes.join('-')}, batch ${batch}, SGD momentum (hidden layers sparse); ${ROUNDS} interleaved rounds, Top-KAST samples = one refresh period (N = 100), ratios median (min–max) over rounds`,
  );
  console.table([
    ...rows.map((r) => ({
      run: `topkast engine: ${r.label}`,
      'ms/step mean': r.stepMsMean.toFixed(2),
      'ms/step median': r.stepMsMedian.toFixed(2),
      'speedup vs our dense (same threads)': formatSpread(r.speedupOverDense),
      'speedup vs 1 thread': r.speedupOverOneThread ? formatSpread(r.speedupOverOneThread) : '',
      'speedup vs tfjs dense': formatSpread(r.speedupOverTfjs),
      'speedup vs tfjs untransposed': formatSpread(r.speedupOverTfjsUntransposed),
      'FLOPs vs dense': r.relativeFlops.toFixed(3),
      'executed FLOPs': r.executedFlops.toFixed(3),
      'total memory vs dense (AdamW)': r.totalMemoryRatio.toFixed(3),
      'hot memory vs dense': r.hotMemoryRatio.toFixed(3),
    })),
    ...tfjsTimings.map((t) => ({
      run: `tfjs ${tfjs.backend}${tfjs.simd ? ' simd' : ''}: ${t.label.replace(/^tfjs /, '')}`,
      'ms/step mean': t.stepMsMean.toFixed(2),
      'ms/step median': t.stepMsMedian.toFixed(2),
    })),
  ]);
  if ('skipped' in pytorch) {
    console.log(pytorch.skipped);
    return;
  }
  console.log(
    `PyTorch ${pytorch.torch} (${pytorch.executable}, Python ${pytorch.python}; BLAS ${pytorch.blas}) in its own process: same model, batch, warm-up; samples of ${pytorch.stepsPerSample} step(s)`,
  );
  const oursBy = (label: string, threads: number) =>
    rows.find((r) => r.threads === threads && r.label.startsWith(label));
  console.table(
    pytorch.cases.map((c) => {
      const dense = oursBy('dense', c.threads);
      const sparse = rows.find((r) => r.threads === c.threads && r.label.includes('topkast 90%/80%'));
      return {
        run: `pytorch ${c.case}, ${c.threads} thread${c.threads > 1 ? 's' : ''}`,
        'ms/step mean': c.stepMsMean.toFixed(2),
        'ms/step median': c.stepMsMedian.toFixed(2),
        'our dense speedup (mean)': dense ? (c.stepMsMean / dense.stepMsMean).toFixed(2) : '',
        'our topkast 90%/80% speedup (mean)': sparse ? (c.stepMsMean / sparse.stepMsMean).toFixed(2) : '',
      };
    }),
  );
}

/** One row of a model's step comparison (convnet, transformer). */
export interface ModelStepRow {
  label: string;
  stepMsMean: number;
  stepMsMedian: number;
  threads: number;
  /** The dense step on the same number of threads (the first such case) over this one, paired by round. */
  speedupOverDense: RatioSpread;
  /** The same case on one thread over this one (rows on more threads only). */
  speedupOverOneThread?: RatioSpread;
  relativeFlops: number;
  executedFlops: number;
}

/**
 * Times the cases interleaved for `rounds` rounds, prints them under `title`, frees them, and returns the rows.
 * The first case on each thread count is that count's dense step; a case on more threads is also compared with
 * its one-thread twin (the case with its position among the one-thread cases).
 */
export function benchModelSteps(title: string, cases: ModelStepCase[], rounds: number): ModelStepRow[] {
  const previous = engine();
  const timings = timeInterleaved(cases, { rounds });
  const oneThread = cases.filter((c) => c.threads === 1).length;
  const rows = cases.map((c, i) => {
    const { relative, executed } = c.flops();
    const dense = cases.findIndex((d) => d.threads === c.threads);
    return {
      label: c.label,
      threads: c.threads,
      stepMsMean: timings[i].stepMsMean,
      stepMsMedian: timings[i].stepMsMedian,
      speedupOverDense: ratioSpread(timings[dense], timings[i]),
      ...(c.threads > 1 ? { speedupOverOneThread: ratioSpread(timings[i - oneThread], timings[i]) } : {}),
      relativeFlops: relative,
      executedFlops: executed,
    };
  });
  for (const c of cases) c.dispose();
  useEngine(previous);
  console.log(`\n${title}; ${rounds} interleaved rounds, Top-KAST samples = one refresh period (N = 100)`);
  console.table(
    rows.map((r) => ({
      run: r.label,
      'ms/step mean': r.stepMsMean.toFixed(2),
      'ms/step median': r.stepMsMedian.toFixed(2),
      'speedup vs dense (same threads)': formatSpread(r.speedupOverDense),
      'speedup vs 1 thread': r.speedupOverOneThread ? formatSpread(r.speedupOverOneThread) : '',
      'FLOPs vs dense': r.relativeFlops.toFixed(3),
      'executed FLOPs': r.executedFlops.toFixed(3),
    })),
  );
  return rows;
}

/**
 * `npm run bench`: every benchmark in one run, printed as tables and optionally written as JSON.
 *
 *   npm run bench                      all of it (a few minutes)
 *   npm run bench -- --json FILE       also write the numbers
 *   npm run bench -- --only kernels    one part: kernels | sparse | softtopk | threads | steps | cnn | transformer
 *                                      | breakdown (not in the full run: per-kernel time of a step) | refresh | queue
 *                                      | browser (bundle size; a step in Chromium against Node)
 *
 * Kernels run on the engine's best WebAssembly build (relaxed SIMD is switched on for Node 20). The training
 * steps are timed interleaved (dense, sparse, dense, ...; a sparse sample is one whole refresh period) and
 * print mean and median ms and each ratio's median (min–max) over the rounds; the MLP step runs next to
 * TensorFlow.js (wasm backend, XNNPACK) in the same process and PyTorch in its own (when a python3 imports
 * torch; skipped with a note otherwise).
 */
import { writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { createEngine, type Engine, engine } from '../src/kernels/engine.js';
import { enableRelaxedSimd } from '../src/kernels/relaxedSimd.js';
import { median } from '../src/train/median.js';
import { benchBrowser } from './browser.js';
import { CNN_BATCH, cnnStepCase } from './cnnStep.js';
import { benchDenseKernels } from './denseKernels.js';
import { benchQueueSweep, QUEUE_GRID } from './queueSweep.js';
import { benchRefreshCost } from './refreshCost.js';
import { benchSoftTopK } from './softTopK.js';
import { benchSparseKernels } from './sparseKernels.js';
import { benchStepBreakdown } from './stepBreakdown.js';
import { benchModelSteps, benchSteps } from './steps.js';
import { benchThreads } from './threads.js';
import type { TrainingStepCase } from './trainingStep.js';
import { TRANSFORMER_BENCH, transformerStepCase } from './transformerStep.js';

const MLP = [784, 2048, 2048, 10];
const BATCH = 128;
const STEP_CASES: TrainingStepCase[] = [
  { label: 'dense', sparsity: null },
  { label: 'topkast 90%/80%', sparsity: { forward: 0.9, backward: 0.8 } },
  { label: 'topkast 95%/90%', sparsity: { forward: 0.95, backward: 0.9 } },
  { label: 'spartan 95% (before its freeze)', sparsity: { forward: 0.95, backward: 0 }, spartan: true },
];

const engines: Engine[] = [];

/**
 * Every case built on a one-thread and on a two-thread engine (labelled ", 2 threads"), one-thread cases
 * first: benchModelSteps compares each with the dense case on its own engine and with its one-thread twin.
 */
function onOneAndTwoThreads<T>(
  cases: readonly TrainingStepCase[],
  build: (c: TrainingStepCase, on: Engine, label: string) => T,
): T[] {
  const on = [createEngine('auto', { threads: 1 }), createEngine('auto', { threads: 2 })];
  engines.push(...on);
  return on.flatMap((e) =>
    cases.map((c) => build(c, e, e.threads === 1 ? c.label : `${c.label}, 2 threads`)),
  );
}

async function closeEngines(): Promise<void> {
  for (const e of engines.splice(0)) await e.close();
}

const parts = [
  'kernels',
  'sparse',
  'softtopk',
  'threads',
  'steps',
  'cnn',
  'transformer',
  'breakdown',
  'refresh',
  'queue',
  'browser',
] as const;

async function main(): Promise<void> {
  const options = new Command('bench')
    .option('--json <file>', 'write every figure to this JSON file')
    .addOption(new Option('--only <part>', 'run one part').choices(parts))
    .parse()
    .opts<{ json?: string; only?: (typeof parts)[number] }>();
  enableRelaxedSimd();
  const backend = engine().kernels.name;
  const wants = (part: (typeof parts)[number]) => options.only === undefined || options.only === part;
  const report: Record<string, unknown> = { backend, node: process.version, date: new Date().toISOString() };
  console.log(`backend: ${backend}, node ${process.version}`);

  if (wants('kernels')) {
    const dense = benchDenseKernels();
    report.denseKernels = dense;
    console.log('\nDense kernels');
    console.table(
      dense.map((r) => ({
        kernel: r.kernel,
        shape: r.shape,
        'GFLOP/s': r.gflops.toFixed(1),
        ms: r.ms.toFixed(3),
      })),
    );
  }
  if (wants('sparse')) {
    const sparse = benchSparseKernels();
    report.sparseKernels = sparse;
    console.log('\nSparse kernels (1024×1024 weight, batch 128; GFLOP/s on kept entries)');
    console.table(
      sparse.map((r) => ({
        kernel: r.kernel,
        density: r.density,
        'GFLOP/s': r.gflops?.toFixed(1) ?? '',
        ms: r.ms.toFixed(3),
        'speedup vs dense': r.speedupOverDense?.toFixed(2) ?? '',
        'GFLOP/s vs dense': r.rateVsDense?.toFixed(2) ?? '',
      })),
    );
  }
  if (wants('softtopk')) {
    const soft = benchSoftTopK();
    report.softTopK = soft;
    console.log("\nSpartan's soft top-k, 1M entries, 10% kept (target ≤ 10 ms at any β)");
    console.table(
      soft.map((r) => ({
        beta: r.beta,
        ms: r.ms.toFixed(2),
        'mask passes': r.passes,
        'float64 reference ms': r.referenceMs.toFixed(2),
      })),
    );
  }
  if (wants('threads')) {
    const threads = benchThreads();
    report.threads = threads;
    console.log('\nTwo threads against one (1024×1024, batch 128)');
    console.table(
      threads.map((r) => ({
        kernel: r.kernel,
        threads: r.threads,
        ms: r.ms.toFixed(3),
        speedup: r.speedup.toFixed(2),
      })),
    );
  }
  if (wants('steps')) {
    report.trainingSteps = await benchSteps(MLP, BATCH, STEP_CASES);
    const spartan = (report.trainingSteps as Awaited<ReturnType<typeof benchSteps>>).rows.filter((r) =>
      r.label.startsWith('spartan'),
    );
    for (const r of spartan)
      console.log(
        `Spartan before its freeze, ${r.threads} thread${r.threads > 1 ? 's' : ''}: ${(1 / r.speedupOverDense.median).toFixed(2)}× the dense step (target ≤ 1.5×)`,
      );
  }
  if (wants('cnn')) {
    const cases = onOneAndTwoThreads(STEP_CASES.slice(0, 2), (c, on, label) =>
      cnnStepCase(label, c.sparsity, on),
    );
    report.cnnSteps = {
      model: 'cnn 32-64-128',
      batch: CNN_BATCH,
      rows: benchModelSteps(
        `Training step, convnet (cnn(): conv2 and fc1 sparse), batch ${CNN_BATCH}, SGD momentum`,
        cases,
        5,
      ),
    };
  }
  if (wants('transformer')) {
    const transformerCases: TrainingStepCase[] = [
      ...STEP_CASES.slice(0, 2),
      { label: 'topkast 80%/0%', sparsity: { forward: 0.8, backward: 0 } },
    ];
    const cases = onOneAndTwoThreads(transformerCases, (c, on, label) =>
      transformerStepCase(label, c.sparsity, on),
    );
    const { layers, dModel, heads, context, batch } = TRANSFORMER_BENCH;
    report.transformerSteps = {
      model: TRANSFORMER_BENCH,
      rows: benchModelSteps(
        `Training step, transformer (${layers} layers, d ${dModel}, ${heads} heads, context ${context}, batch ${batch}; block projections sparse), AdamW`,
        cases,
        3,
      ),
    };
  }
  if (wants('refresh')) {
    const cases = [...benchRefreshCost('mlp', 10), ...benchRefreshCost('transformer', 5)];
    report.refreshCost = cases;
    console.log(
      '\nTop-KAST refresh cost: median step, refresh every step (N = 1) vs every 100 steps (target: N = 1 ≤ 1.1× N = 100)',
    );
    console.table(
      cases.map((r) => ({
        model: r.model,
        'fwd/bwd': r.sparsity,
        'N = 100 ms': r.n100Ms.toFixed(2),
        'N = 1 ms': r.n1Ms.toFixed(2),
        'N = 1 / N = 100': (r.n1Ms / r.n100Ms).toFixed(3),
        'N = 1 from scratch / N = 100': (r.n1ScratchMs / r.n100Ms).toFixed(3),
      })),
    );
  }
  if (wants('queue')) {
    const sweep = await benchQueueSweep();
    report.queueSweep = { grid: QUEUE_GRID.join(' '), ...sweep };
    console.log(
      `\ncompare of ${sweep.runs} runs (${QUEUE_GRID.join(' ')}): local sequential against ${sweep.workers} workers on a local Redis, one thread each (target ≤ 0.55×), and against the grid split in two local compares at once (no queue: what two cores give)`,
    );
    console.table([
      {
        'local s': sweep.localSeconds.toFixed(1),
        'queued s': sweep.queuedSeconds.toFixed(1),
        'queued / local': sweep.ratio.toFixed(3),
        'split s': sweep.splitSeconds.toFixed(1),
        'split / local': sweep.splitRatio.toFixed(3),
        'queued / split': (sweep.queuedSeconds / sweep.splitSeconds).toFixed(3),
      },
    ]);
  }
  if (wants('browser')) {
    const browser = await benchBrowser();
    report.browser = browser;
    const { mainGzipBytes, portableGzipBytes } = browser.bundle;
    console.log(
      `\nBrowser bundle (Vite, minified, gzip -9): main entry ${(mainGzipBytes / 1000).toFixed(1)} kB (target ≤ 150 kB), topkast/portable ${(portableGzipBytes / 1000).toFixed(1)} kB`,
    );
    if ('skipped' in browser.step)
      console.log(`Step in Chromium against Node: skipped, ${browser.step.skipped}`);
    else {
      const { step } = browser;
      console.log(
        `\nTraining step in headless Chromium against Node (${step.model}; one thread; target: Chromium ≤ 1.15× Node)`,
      );
      console.table(
        step.nodeMs.map((nodeMs, i) => ({
          round: i + 1,
          [`Node ms (${step.nodeBackend})`]: nodeMs.toFixed(2),
          [`Chromium ms (${step.chromiumBackend})`]: step.chromiumMs[i]!.toFixed(2),
          'Chromium / Node': step.ratios[i]!.toFixed(3),
        })),
      );
      const sorted = [...step.ratios].sort((a, b) => a - b);
      console.log(
        `Chromium / Node: median ${median(sorted).toFixed(3)} (${sorted[0]!.toFixed(3)}–${sorted.at(-1)!.toFixed(3)}) over ${sorted.length} rounds`,
      );
    }
  }
  if (options.only === 'breakdown') {
    const breakdowns = (['mlp', 'transformer'] as const).flatMap((model) =>
      [null, { forward: 0.9, backward: 0.8 }].map((sparsity) => benchStepBreakdown(model, sparsity)),
    );
    report.stepBreakdowns = breakdowns;
    for (const b of breakdowns) {
      console.log(
        `\nWhere a step's time goes: ${b.model}, ${b.run}, ${b.stepMs.toFixed(1)} ms/step (one thread)`,
      );
      console.table([
        ...b.kernels.map((k) => ({ part: k.kernel, 'ms/step': k.ms.toFixed(2), share: pct(k.ms, b.stepMs) })),
        {
          part: 'outside kernels',
          'ms/step': b.outsideKernelsMs.toFixed(2),
          share: pct(b.outsideKernelsMs, b.stepMs),
        },
      ]);
    }
  }
  await closeEngines();
  if (options.json) {
    writeFileSync(options.json, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`\nwrote ${options.json}`);
  }
}

function pct(part: number, whole: number): string {
  return `${((100 * part) / whole).toFixed(1)}%`;
}

main().catch((error: unknown) => {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

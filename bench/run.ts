/**
 * `npm run bench`: every benchmark in one run, printed as tables and optionally written as JSON.
 *
 *   npm run bench                      all of it (a few minutes)
 *   npm run bench -- --json FILE       also write the numbers
 *   npm run bench -- --only kernels    one part: kernels | sparse | softtopk | threads | steps | cnn | transformer
 *                                      | breakdown (not in the full run: per-kernel time of a step)
 *
 * Kernels run on the engine's best WebAssembly build (relaxed SIMD is switched on for Node 20); the training
 * steps are measured next to TensorFlow.js (wasm backend, XNNPACK) on the same model in the same process.
 */
import { writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { engine } from '../src/kernels/engine.js';
import { enableRelaxedSimd } from '../src/kernels/relaxedSimd.js';
import { benchCnnStep } from './cnnStep.js';
import { benchDenseKernels } from './denseKernels.js';
import { benchSoftTopK } from './softTopK.js';
import { benchSparseKernels } from './sparseKernels.js';
import { benchStepBreakdown } from './stepBreakdown.js';
import { benchTfjsStep } from './tfjsStep.js';
import { benchThreads, onTwoThreads } from './threads.js';
import { benchTrainingStep, type TrainingStepCase } from './trainingStep.js';
import { benchTransformerStep, TRANSFORMER_BENCH } from './transformerStep.js';

const MLP = [784, 2048, 2048, 10];
const BATCH = 128;
const STEP_CASES: TrainingStepCase[] = [
  { label: 'dense', sparsity: null },
  { label: 'topkast 90%/80%', sparsity: { forward: 0.9, backward: 0.8 } },
  { label: 'topkast 95%/90%', sparsity: { forward: 0.95, backward: 0.9 } },
  { label: 'spartan 95% (before its freeze)', sparsity: { forward: 0.95, backward: 0 }, spartan: true },
];

const parts = [
  'kernels',
  'sparse',
  'softtopk',
  'threads',
  'steps',
  'cnn',
  'transformer',
  'breakdown',
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
    const ours = STEP_CASES.map((c) => benchTrainingStep(MLP, BATCH, c));
    const oursTwoThreads = await onTwoThreads(() =>
      STEP_CASES.map((c) => ({ ...benchTrainingStep(MLP, BATCH, c), label: `${c.label}, 2 threads` })),
    );
    const tfjs = await benchTfjsStep(MLP, BATCH);
    const denseMs = ours[0].stepMsMedian;
    report.trainingSteps = { model: MLP.join('-'), batch: BATCH, ours, oursTwoThreads, tfjs };
    console.log(`\nTraining step, MLP ${MLP.join('-')}, batch ${BATCH}, SGD momentum (hidden layers sparse)`);
    console.table([
      ...[...ours, ...oursTwoThreads].map((r, i) => ({
        run: `topkast engine: ${r.label}`,
        'ms/step': r.stepMsMedian.toFixed(2),
        'speedup vs our dense (same threads)': (
          (i < ours.length ? denseMs : oursTwoThreads[0].stepMsMedian) / r.stepMsMedian
        ).toFixed(2),
        'speedup vs tfjs dense': (tfjs.stepMsMedian / r.stepMsMedian).toFixed(2),
        '2 threads vs 1':
          i < ours.length ? '' : (ours[i - ours.length].stepMsMedian / r.stepMsMedian).toFixed(2),
        'FLOPs vs dense': r.relativeFlops.toFixed(3),
        'hot memory vs dense (AdamW)': r.hotMemoryRatio.toFixed(3),
      })),
      {
        run: `tfjs ${tfjs.backend}${tfjs.simd ? ' simd' : ''}: dense`,
        'ms/step': tfjs.stepMsMedian.toFixed(2),
      },
    ]);
    const spartan = STEP_CASES.findIndex((c) => c.spartan);
    const timesDense = (runs: { stepMsMedian: number }[]) =>
      (runs[spartan].stepMsMedian / runs[0].stepMsMedian).toFixed(2);
    console.log(
      `Spartan before its freeze: ${timesDense(ours)}× the dense step on 1 thread, ${timesDense(oursTwoThreads)}× on 2 (target ≤ 1.5×)`,
    );
  }
  if (wants('cnn')) {
    const cases = STEP_CASES.slice(0, 2).map((c) => ({ label: c.label, ...benchCnnStep(c.sparsity) }));
    const twoThreads = await onTwoThreads(() => STEP_CASES.slice(0, 2).map((c) => benchCnnStep(c.sparsity)));
    report.cnnSteps = { model: 'cnn 32-64-128', batch: BATCH, cases, twoThreads };
    console.log(`\nTraining step, convnet (cnn(): conv2 and fc1 sparse), batch ${BATCH}, SGD momentum`);
    console.table(
      cases.map((r, i) => ({
        run: r.label,
        'ms/step': r.stepMsMedian.toFixed(2),
        'speedup vs dense': (cases[0].stepMsMedian / r.stepMsMedian).toFixed(2),
        'ms/step, 2 threads': twoThreads[i].stepMsMedian.toFixed(2),
        '2 threads vs 1': (r.stepMsMedian / twoThreads[i].stepMsMedian).toFixed(2),
      })),
    );
  }
  if (wants('transformer')) {
    const transformerCases: TrainingStepCase[] = [
      ...STEP_CASES.slice(0, 2),
      { label: 'topkast 80%/0%', sparsity: { forward: 0.8, backward: 0 } },
    ];
    const cases = transformerCases.map((c) => ({ label: c.label, ...benchTransformerStep(c.sparsity) }));
    const twoThreads = await onTwoThreads(() =>
      transformerCases.map((c) => benchTransformerStep(c.sparsity)),
    );
    report.transformerSteps = { model: TRANSFORMER_BENCH, cases, twoThreads };
    const { layers, dModel, heads, context, batch } = TRANSFORMER_BENCH;
    console.log(
      `\nTraining step, transformer (${layers} layers, d ${dModel}, ${heads} heads, context ${context}, batch ${batch}; block projections sparse), AdamW`,
    );
    console.table(
      cases.map((r, i) => ({
        run: r.label,
        'ms/step': r.stepMsMedian.toFixed(2),
        'speedup vs dense': (cases[0].stepMsMedian / r.stepMsMedian).toFixed(2),
        'FLOPs vs dense': r.relativeFlops.toFixed(3),
        'ms/step, 2 threads': twoThreads[i].stepMsMedian.toFixed(2),
        '2 threads vs 1': (r.stepMsMedian / twoThreads[i].stepMsMedian).toFixed(2),
      })),
    );
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

/**
 * `npm run bench`: every benchmark in one run, printed as tables and optionally written as JSON.
 *
 *   npm run bench                      all of it (a few minutes)
 *   npm run bench -- --json FILE       also write the numbers
 *   npm run bench -- --only kernels    one part: kernels | sparse | softtopk | threads | steps | cnn | transformer | queue
 *
 * Kernels run on the engine's best WebAssembly build (relaxed SIMD is switched on for Node 20); the training
 * steps are measured next to TensorFlow.js (wasm backend, XNNPACK) on the same model in the same process.
 */
import { writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { createEngine, engine, useEngine } from '../src/kernels/engine.js';
import { enableRelaxedSimd } from '../src/kernels/relaxedSimd.js';
import { benchCnnStep } from './cnnStep.js';
import { benchDenseKernels } from './denseKernels.js';
import { benchQueueSweep, QUEUE_GRID } from './queueSweep.js';
import { benchSoftTopK } from './softTopK.js';
import { benchSparseKernels } from './sparseKernels.js';
import { benchTfjsStep } from './tfjsStep.js';
import { benchThreads } from './threads.js';
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

const parts = ['kernels', 'sparse', 'softtopk', 'threads', 'steps', 'cnn', 'transformer', 'queue'] as const;

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
      })),
    );
  }
  if (wants('softtopk')) {
    const soft = benchSoftTopK();
    report.softTopK = soft;
    console.log("\nSpartan's soft top-k (Newton), 1M entries, 10% kept");
    console.table(soft.map((r) => ({ beta: r.beta, ms: r.ms.toFixed(2), 'Newton passes': r.iterations })));
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
    const single = engine();
    const twoThreads = createEngine('auto', { threads: 2 });
    useEngine(twoThreads);
    const oursTwoThreads = STEP_CASES.map((c) => ({
      ...benchTrainingStep(MLP, BATCH, c),
      label: `${c.label}, 2 threads`,
    }));
    useEngine(single);
    await twoThreads.close();
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
        'FLOPs vs dense': r.relativeFlops.toFixed(3),
        'hot memory vs dense (AdamW)': r.hotMemoryRatio.toFixed(3),
      })),
      {
        run: `tfjs ${tfjs.backend}${tfjs.simd ? ' simd' : ''}: dense`,
        'ms/step': tfjs.stepMsMedian.toFixed(2),
      },
    ]);
  }
  if (wants('cnn')) {
    const cases = STEP_CASES.slice(0, 2).map((c) => ({ label: c.label, ...benchCnnStep(c.sparsity) }));
    report.cnnSteps = { model: 'cnn 32-64-128', batch: BATCH, cases };
    console.log(`\nTraining step, convnet (cnn(): conv2 and fc1 sparse), batch ${BATCH}, SGD momentum`);
    console.table(
      cases.map((r) => ({
        run: r.label,
        'ms/step': r.stepMsMedian.toFixed(2),
        'speedup vs dense': (cases[0].stepMsMedian / r.stepMsMedian).toFixed(2),
      })),
    );
  }
  if (wants('transformer')) {
    const transformerCases: TrainingStepCase[] = [
      ...STEP_CASES.slice(0, 2),
      { label: 'topkast 80%/0%', sparsity: { forward: 0.8, backward: 0 } },
    ];
    const cases = transformerCases.map((c) => ({ label: c.label, ...benchTransformerStep(c.sparsity) }));
    report.transformerSteps = { model: TRANSFORMER_BENCH, cases };
    const { layers, dModel, heads, context, batch } = TRANSFORMER_BENCH;
    console.log(
      `\nTraining step, transformer (${layers} layers, d ${dModel}, ${heads} heads, context ${context}, batch ${batch}; block projections sparse), AdamW`,
    );
    console.table(
      cases.map((r) => ({
        run: r.label,
        'ms/step': r.stepMsMedian.toFixed(2),
        'speedup vs dense': (cases[0].stepMsMedian / r.stepMsMedian).toFixed(2),
        'FLOPs vs dense': r.relativeFlops.toFixed(3),
      })),
    );
  }
  if (wants('queue')) {
    const sweep = await benchQueueSweep();
    report.queueSweep = { grid: QUEUE_GRID.join(' '), ...sweep };
    console.log(
      `\ncompare of ${sweep.runs} runs (${QUEUE_GRID.join(' ')}): local sequential against ${sweep.workers} workers on a local Redis, one thread each (target ≤ 0.55×)`,
    );
    console.table([
      {
        'local s': sweep.localSeconds.toFixed(1),
        'queued s': sweep.queuedSeconds.toFixed(1),
        'queued / local': sweep.ratio.toFixed(3),
      },
    ]);
  }
  if (options.json) {
    writeFileSync(options.json, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`\nwrote ${options.json}`);
  }
}

main().catch((error: unknown) => {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

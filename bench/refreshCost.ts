/**
 * What a refresh of Top-KAST's sets costs inside a training step: the median step with a refresh every step
 * (N = 1, incremental; and N = 1 selecting from scratch, for reference) against the median step with N = 100
 * (whose median step holds no refresh at all, so the ratio is the whole cost of refreshing every step).
 * The cases run interleaved, two steps each in turn, and a step's time is the process's CPU time over it (user
 * + system; the engine runs on one thread here), so other processes on a shared machine do not count.
 *
 * Models: the step benchmarks' MLP 784-2048-2048-10 (batch 128, SGD with momentum, hidden layers sparse) and
 * transformer (TRANSFORMER_BENCH, AdamW, block projections sparse). Target (issue 11): N = 1 ≤ 1.1 × N = 100.
 */
import { engine } from '../src/kernels/engine.js';
import { sparsify } from '../src/methods/sparsify.js';
import { TopKast } from '../src/methods/topkast.js';
import { mlp } from '../src/nn/mlp.js';
import type { Module } from '../src/nn/module.js';
import { transformer } from '../src/nn/transformer.js';
import { AdamW } from '../src/optim/adamw.js';
import type { Optimizer } from '../src/optim/optimizer.js';
import { SGD } from '../src/optim/sgd.js';
import { Tensor } from '../src/tensor/tensor.js';
import { median } from '../src/train/median.js';
import { trainStep } from '../src/train/trainStep.js';
import { Random } from '../src/util/random.js';
import { TRANSFORMER_BENCH } from './transformerStep.js';

export interface RefreshCostResult {
  model: 'mlp' | 'transformer';
  /** 'fwd/bwd' sparsity, e.g. '90%/80%'. */
  sparsity: string;
  /** Median CPU ms of a step with N = 100 (no refresh), N = 1 incremental, N = 1 from scratch. */
  n100Ms: number;
  n1Ms: number;
  n1ScratchMs: number;
}

export const REFRESH_SPARSITIES = [
  { forward: 0.8, backward: 0 },
  { forward: 0.9, backward: 0.8 },
  { forward: 0.95, backward: 0.9 },
];

interface Run {
  model: Module;
  optimizer: Optimizer;
  controller: ReturnType<typeof sparsify>;
  step: number;
  times: number[];
}

/** Builds the model with Top-KAST at this sparsity and refresh interval. */
function build(
  kind: 'mlp' | 'transformer',
  sparsity: { forward: number; backward: number },
  variant: number,
): Run {
  const { vocab, layers, dModel, heads, context } = TRANSFORMER_BENCH;
  const model =
    kind === 'mlp'
      ? mlp({ inputs: 784, hidden: [2048, 2048], outputs: 10, activation: 'relu', seed: 1 })
      : transformer({ vocab, layers, dModel, heads, context, seed: 1 });
  const method = new TopKast({
    forwardSparsity: sparsity.forward,
    backwardSparsity: sparsity.backward,
    refreshInterval: variant === 0 ? 100 : 1,
    incrementalRefresh: variant !== 2,
  });
  const denseLayers = kind === 'mlp' ? ['last'] : ['head'];
  const controller = sparsify(model, { method, denseLayers, totalSteps: 1000, seed: 1 });
  const trainables = model.trainables();
  const optimizer =
    kind === 'mlp' ? new SGD(trainables, { lr: 0.01, momentum: 0.9 }) : new AdamW(trainables, { lr: 1e-3 });
  return { model, optimizer, controller, step: 0, times: [] };
}

/** Step times of N = 100, N = 1 and N = 1 from scratch, interleaved `rounds` times, `perTurn` steps a turn. */
export function benchRefreshCost(kind: 'mlp' | 'transformer', rounds: number): RefreshCostResult[] {
  const { heap } = engine();
  const random = new Random(1);
  const { vocab, context, batch } = TRANSFORMER_BENCH;
  const [rows, columns, classes] = kind === 'mlp' ? [784, 128, 10] : [context, batch, vocab];
  const x = Tensor.zeros([rows, columns]);
  const labels = heap.allocI32(kind === 'mlp' ? columns : rows * columns);
  for (let i = 0; i < x.size; i++) x.data[i] = kind === 'mlp' ? random.next() : random.nextInt(vocab);
  for (let i = 0; i < labels.length; i++) labels[i] = random.nextInt(classes);
  const results = REFRESH_SPARSITIES.map((sparsity) => {
    const runs = [0, 1, 2].map((variant) => build(kind, sparsity, variant));
    const turn = (run: Run, timed: boolean) => {
      const start = process.cpuUsage();
      trainStep({ ...run, x, labels, step: run.step, lr: 1e-3, hooks: run.controller });
      const { user, system } = process.cpuUsage(start);
      if (timed && run.step % 100 !== 99) run.times.push((user + system) / 1000);
      run.step++;
    };
    for (const run of runs) for (let i = 0; i < 2; i++) turn(run, false);
    for (let round = 0; round < rounds; round++)
      for (const run of runs) for (let i = 0; i < 2; i++) turn(run, true);
    for (const run of runs) run.model.dispose?.();
    const [n100Ms, n1Ms, n1ScratchMs] = runs.map((run) => median(run.times));
    const percent = (s: number) => `${Math.round(100 * s)}%`;
    return {
      model: kind,
      sparsity: `${percent(sparsity.forward)}/${percent(sparsity.backward)}`,
      n100Ms,
      n1Ms,
      n1ScratchMs,
    };
  });
  x.dispose();
  heap.free(labels);
  return results;
}

import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { writeResults } from '../compare/writeResults.js';
import { readsSparsity, trainingMethodNames } from '../methods/registry.js';
import { describeResult, runTraining } from '../run/runTraining.js';
import { flagsForMethod, resolveTrainConfig, type TrainConfig, type TrainFlags } from '../run/trainConfig.js';
import { type TrainingSummary, writeSummary } from '../train/summary.js';
import { makeDirectory, outputDirectory } from '../util/files.js';
import { compareOnQueue, requireOut, type SweepFlags } from './compareOnQueue.js';
import type { CliIo } from './io.js';
import {
  parseNonNegativeInteger,
  parsePositiveInteger,
  parsePositiveNumber,
  parseSparsity,
} from './parsers.js';
import { budgetSteps, CALIBRATION_STEPS } from './stepBudget.js';
import { addTrainingOptions } from './trainingOptions.js';

export interface CompareFlags
  extends Omit<TrainFlags, 'method' | 'sparsity' | 'backwardSparsity' | 'seed'>,
    SweepFlags {
  readonly methods: readonly string[];
  readonly sparsities: readonly number[];
  readonly seeds: number;
  readonly firstSeed: number;
  readonly out?: string;
  readonly progress: boolean;
  readonly budgetSeconds?: number;
}

/**
 * `topkast compare`: every method at every sparsity for every seed, on the same model, data, optimizer and
 * budget. Dense runs once per seed. A method-only flag (--penalty, --beta-target, ...) goes to its methods'
 * runs only. Top-KAST's backward sparsity follows the paper's pairing (80%→50%,
 * 90%→80%, 95%→90%). Writes DIR/runs/<method>-<sparsity>-seed<k>.json as each run ends, then DIR/results.json
 * (every summary and the table's rows) and DIR/results.md (the table). With --queue the runs are jobs of a
 * BullMQ sweep that `topkast worker`s train (compareOnQueue.ts); the results are written the same way.
 *
 * With --budget-seconds S every run trains for S seconds of its own steps instead of a common step count: its
 * steps are S over its step time measured on its first steps (stepBudget.ts), recorded in its summary as
 * `budget`, so `topkast train --steps <budget.steps>` with the same flags reproduces it (local runs only).
 */
export function compareCommand(io: CliIo): Command {
  return addTrainingOptions(
    new Command('compare').description(
      'train several methods and sparsities on equal terms and tabulate them',
    ),
    { grid: true },
  )
    .option(
      '--methods <names>',
      `comma-separated, of: ${trainingMethodNames().join(', ')}`,
      parseMethodList,
      ['dense', 'topkast'],
    )
    .option('--sparsities <list>', 'comma-separated forward sparsities', parseSparsityList, [0.8, 0.9, 0.95])
    .option('--seeds <n>', 'seeds per configuration', parsePositiveInteger, 1)
    .option('--first-seed <n>', 'the first seed; the others follow it', parseNonNegativeInteger, 0)
    .option('--out <dir>', 'where to write the runs and the results table')
    .option('--no-progress', 'no progress lines of each run')
    .option(
      '--budget-seconds <s>',
      `equal wall-clock: each run takes S seconds of its own steps (S / its step time over its first ${CALIBRATION_STEPS} steps; replaces --steps and --epochs; local runs only)`,
      parsePositiveNumber,
    )
    .option(
      '--queue <url>',
      'run the grid on `topkast worker`s through Redis (BullMQ): redis://[user:password@]HOST[:PORT][/DB], rediss:// for TLS',
    )
    .option('--sweep <name>', "with --queue: the sweep's name (its runs and their collection)")
    .option(
      '--namespace <name>',
      "with --queue: the queue whose workers (topkast worker --namespace) take the sweep's runs (default: default)",
    )
    .option('--detach', 'with --queue: queue the runs and return at once')
    .option('--collect', 'with --queue: wait for a queued sweep and write its results to --out')
    .action(async (flags: CompareFlags) => {
      const queued = flags.queue !== undefined || flags.collect || flags.detach || flags.sweep !== undefined;
      if (queued && flags.budgetSeconds !== undefined) {
        throw new Error(
          "--budget-seconds measures each run's step time on this machine: drop it with --queue, or run locally",
        );
      }
      if (queued) return compareOnQueue(flags, () => plannedRuns(flags), io);
      if (flags.budgetSeconds !== undefined && (flags.steps !== undefined || flags.epochs !== undefined)) {
        throw new Error(
          "--budget-seconds sets each run's steps from its own step time: drop --steps and --epochs, or drop --budget-seconds",
        );
      }
      const out = requireOut(flags);
      // Every run's config and the output directory are checked before the first run starts.
      const runs = plannedRuns(flags);
      outputDirectory(out, '--out');
      makeDirectory(join(out, 'runs'));
      const summaries: TrainingSummary[] = [];
      runs.forEach(({ config: planned, flags: runFlags, label }, i) => {
        const budget =
          flags.budgetSeconds === undefined ? undefined : budgetSteps(planned, flags.budgetSeconds);
        const config = budget ? resolveTrainConfig({ ...runFlags, steps: budget.steps }) : planned;
        if (budget) {
          io.out(
            `[${i + 1}/${runs.length}] ${budget.stepMs.toFixed(1)} ms/step over its first ${budget.calibrationSteps} steps: ${budget.steps} steps in ${budget.seconds} s\n`,
          );
        }
        io.out(`[${i + 1}/${runs.length}] `);
        const trained = runTraining(config, {
          progress: flags.progress ? { stream: io.progress, bar: false } : false,
          announce: (line) => io.out(`${line}\n`),
        });
        const summary = budget ? { ...trained, budget } : trained;
        io.out(`  ${describeResult(summary)}\n`);
        writeSummary(join(out, 'runs', `${label}.json`), summary);
        summaries.push(summary);
      });
      const table = writeResults(out, summaries);
      io.out(`\n${table}\nwrote ${join(out, 'results.md')} and results.json\n`);
    });
}

/** --out, which a comparison that writes results needs. */
/** Every run of the grid with its resolved config (the config a local run uses and a queued job carries). */
export function plannedRuns(
  flags: CompareFlags,
): (PlannedRun & { flags: TrainFlags; config: TrainConfig })[] {
  return comparePlan(flags).map((run) => {
    const flagsOfRun = {
      ...flagsForMethod(flags, run.method),
      method: run.method,
      sparsity: run.sparsity,
      seed: run.seed,
    };
    return { ...run, flags: flagsOfRun, config: resolveTrainConfig(flagsOfRun) };
  });
}

interface PlannedRun {
  method: string;
  sparsity?: number;
  seed: number;
  label: string;
}

/** The runs in order: seed-major, then methods, then sparsities; a method without a sparsity (dense) once per seed. */
export function comparePlan(
  flags: Pick<CompareFlags, 'methods' | 'sparsities' | 'seeds' | 'firstSeed'>,
): PlannedRun[] {
  const runs: PlannedRun[] = [];
  for (let k = 0; k < flags.seeds; k++) {
    const seed = flags.firstSeed + k;
    for (const method of flags.methods) {
      if (!readsSparsity(method)) {
        runs.push({ method, seed, label: `${method}-seed${seed}` });
        continue;
      }
      for (const sparsity of flags.sparsities)
        runs.push({ method, sparsity, seed, label: `${method}-${sparsity}-seed${seed}` });
    }
  }
  return runs;
}

function parseMethodList(text: string): string[] {
  const names = text.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !trainingMethodNames().includes(name));
  if (unknown.length > 0 || names.length === 0) {
    throw new InvalidArgumentError(
      `unknown method ${unknown.join(', ')}: use names from ${trainingMethodNames().join(', ')}.`,
    );
  }
  return names;
}

function parseSparsityList(text: string): number[] {
  return text.split(',').map((part) => parseSparsity(part.trim()));
}

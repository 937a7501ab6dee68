import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { comparisonTable } from '../compare/comparison.js';
import { trainingMethodNames } from '../methods/registry.js';
import { type TrainingSummary, writeSummary } from '../train/summary.js';
import { makeDirectory, outputDirectory } from '../util/files.js';
import { writeFileAtomic } from '../util/writeFileAtomic.js';
import type { CliIo } from './io.js';
import {
  parseNonNegativeInteger,
  parsePositiveInteger,
  parsePositiveNumber,
  parseSparsity,
} from './parsers.js';
import { describeResult, runTraining } from './runTraining.js';
import { budgetSteps, CALIBRATION_STEPS } from './stepBudget.js';
import { flagsForMethod, resolveTrainConfig, type TrainFlags } from './trainConfig.js';
import { addTrainingOptions } from './trainingOptions.js';

interface CompareFlags extends Omit<TrainFlags, 'method' | 'sparsity' | 'bwdSparsity' | 'seed'> {
  readonly methods: readonly string[];
  readonly sparsities: readonly number[];
  readonly seeds: number;
  readonly firstSeed: number;
  readonly out: string;
  readonly progress: boolean;
  readonly budgetSeconds?: number;
}

/**
 * `topkast compare`: every method at every sparsity for every seed, on the same model, data, optimizer and
 * budget. Dense runs once per seed. A method-only flag (--penalty, --beta-target, ...) goes to its methods'
 * runs only. Top-KAST's backward sparsity follows the paper's pairing (80%→50%,
 * 90%→80%, 95%→90%). Writes DIR/runs/<method>-<sparsity>-seed<k>.json as each run ends, then DIR/results.json
 * (every summary and the table's rows) and DIR/results.md (the table).
 *
 * With --budget-seconds S every run trains for S seconds of its own steps instead of a common step count: its
 * steps are S over its step time measured on its first steps (stepBudget.ts), recorded in its summary as
 * `budget`, so `topkast train --steps <budget.steps>` with the same flags reproduces it.
 */
export function compareCommand(io: CliIo): Command {
  return addTrainingOptions(
    new Command('compare').description(
      'train several methods and sparsities on equal terms and tabulate them',
    ),
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
    .requiredOption('--out <dir>', 'where to write the runs and the results table')
    .option('--no-progress', 'no progress lines of each run')
    .option(
      '--budget-seconds <s>',
      `equal wall-clock: each run takes S seconds of its own steps (S / its step time over its first ${CALIBRATION_STEPS} steps; replaces --steps and --epochs)`,
      parsePositiveNumber,
    )
    .action((flags: CompareFlags) => {
      const plan = comparePlan(flags);
      if (flags.budgetSeconds !== undefined && (flags.steps !== undefined || flags.epochs !== undefined)) {
        throw new Error(
          "--budget-seconds sets each run's steps from its own step time: drop --steps and --epochs, or drop --budget-seconds",
        );
      }
      // Every run's config and the output directory are checked before the first run starts.
      const runFlags = plan.map((run) => ({
        ...flagsForMethod(flags, run.method),
        method: run.method,
        sparsity: run.sparsity,
        seed: run.seed,
      }));
      const configs = runFlags.map((flagsOfRun) => resolveTrainConfig(flagsOfRun));
      outputDirectory(flags.out, '--out');
      makeDirectory(join(flags.out, 'runs'));
      const summaries: TrainingSummary[] = [];
      plan.forEach((run, i) => {
        let config = configs[i]!;
        const budget =
          flags.budgetSeconds === undefined ? undefined : budgetSteps(config, flags.budgetSeconds);
        if (budget) {
          config = resolveTrainConfig({ ...runFlags[i]!, steps: budget.steps });
          io.out(
            `[${i + 1}/${plan.length}] ${budget.stepMs.toFixed(1)} ms/step over its first ${budget.calibrationSteps} steps: ${budget.steps} steps in ${budget.seconds} s\n`,
          );
        }
        io.out(`[${i + 1}/${plan.length}] `);
        const trained = runTraining(config, {
          progress: flags.progress ? { stream: io.progress, bar: false } : false,
          announce: (line) => io.out(`${line}\n`),
        });
        const summary = budget ? { ...trained, budget } : trained;
        io.out(`  ${describeResult(summary)}\n`);
        writeSummary(join(flags.out, 'runs', `${run.label}.json`), summary);
        summaries.push(summary);
      });
      const { rows, markdown: table } = comparisonTable(summaries);
      writeFileAtomic(
        join(flags.out, 'results.json'),
        `${JSON.stringify({ rows, runs: summaries }, null, 2)}\n`,
      );
      writeFileAtomic(join(flags.out, 'results.md'), table);
      io.out(`\n${table}\nwrote ${join(flags.out, 'results.md')} and results.json\n`);
    });
}

interface PlannedRun {
  method: string;
  sparsity?: number;
  seed: number;
  label: string;
}

/** The runs in order: seed-major, then methods, then sparsities; dense once per seed. */
export function comparePlan(
  flags: Pick<CompareFlags, 'methods' | 'sparsities' | 'seeds' | 'firstSeed'>,
): PlannedRun[] {
  const runs: PlannedRun[] = [];
  for (let k = 0; k < flags.seeds; k++) {
    const seed = flags.firstSeed + k;
    for (const method of flags.methods) {
      if (method === 'dense') {
        runs.push({ method, seed, label: `dense-seed${seed}` });
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

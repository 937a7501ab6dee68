import { Command, Option } from 'commander';
import { checkpointedRun } from '../checkpoint/checkpointedRun.js';
import { uncheckedNote } from '../checkpoint/checksummedFile.js';
import { readInitWeights } from '../checkpoint/initWeights.js';
import { trainingMethodNames } from '../methods/registry.js';
import { describeResult, runTraining } from '../run/runTraining.js';
import type { TrainFlags } from '../run/trainConfig.js';
import { writeSummary } from '../train/summary.js';
import { type NamedPath, outputDirectory, outputFile, refuseSharedPaths } from '../util/files.js';
import { addCheckpointOptions, type CheckpointFlags, planFromFlags } from './checkpointFlags.js';
import type { CliIo } from './io.js';
import { describeMethods } from './methodFlags.js';
import { parseNonNegativeInteger } from './parsers.js';
import { addTrainingOptions } from './trainingOptions.js';

interface TrainCommandFlags extends TrainFlags, CheckpointFlags {
  readonly init?: string;
  readonly json?: string;
  readonly metrics?: string;
  readonly progress: boolean;
}

/**
 * `topkast train`: one training run, dense or sparse, configured by flags; prints the result, writes --json at
 * the end. With --checkpoint-dir it saves checkpoints; --resume continues a saved run exactly.
 */
export function trainCommand(io: CliIo): Command {
  const command = addTrainingOptions(
    new Command('train').description(
      'train a model, dense or sparse, and report its test accuracy (a language model: bits per character)',
    ),
  )
    .option('--seed <n>', 'seed of initialisation and data order', parseNonNegativeInteger, 0)
    .addOption(
      new Option('--method <name>', `sparsity method (${describeMethods()})`)
        .choices(trainingMethodNames())
        .default('dense'),
    )
    .option(
      '--init <file>',
      'start from the weights of a safetensors file (a PyTorch state_dict with the same layer names and shapes, or a topkast export); a sparse method picks its first sets from them',
    )
    .option('--json <file>', 'write the run summary as JSON when the run ends')
    .option('--metrics <file>', 'write JSON-lines metrics while training')
    .option('--no-progress', 'no progress bar or progress lines');
  return addCheckpointOptions(command).action((flags: TrainCommandFlags, self: Command) => {
    if (flags.init !== undefined && flags.resume !== undefined) {
      throw new Error(
        '--init and --resume both given: a resumed run continues from its checkpoint; drop --init',
      );
    }
    const outputs = checkOutputs(flags);
    const init = flags.init === undefined ? undefined : readInitWeights(flags.init);
    if (init) io.err(uncheckedNote(init.source, init.checksummed));
    const { config, checkpoint, resume, lock } = planFromFlags(flags, self, (line) =>
      io.err(`warning: ${line}\n`),
    );
    try {
      const written = checkpoint ? [...outputs, { flag: '--checkpoint-dir', path: checkpoint.dir }] : outputs;
      const read = [
        ...(resume ? [{ flag: '--resume', path: resume.file }] : []),
        ...(init ? [{ flag: '--init', path: init.source }] : []),
      ];
      refuseSharedPaths(written, read);
      const summary = runTraining(config, {
        progress: flags.progress ? { stream: io.progress } : false,
        metricsFile: flags.metrics,
        announce: (line) => io.out(`${line}\n`),
        extension: checkpointedRun({ checkpoint, resume, init }),
      });
      if (flags.json !== undefined) writeSummary(flags.json, summary);
      io.out(`${describeResult(summary)}\n`);
    } finally {
      lock?.release();
    }
  });
}

/**
 * The run's output files, checked before any work starts (not empty, not a directory or pipe, their
 * directories created), so a bad --json is not found only after the whole run.
 */
function checkOutputs(flags: TrainCommandFlags): NamedPath[] {
  const outputs: NamedPath[] = [];
  if (flags.json !== undefined) outputs.push({ flag: '--json', path: flags.json });
  if (flags.metrics !== undefined) outputs.push({ flag: '--metrics', path: flags.metrics });
  for (const { flag, path } of outputs) outputFile(path, flag);
  if (flags.checkpointDir !== undefined) outputDirectory(flags.checkpointDir, '--checkpoint-dir');
  refuseSharedPaths(outputs);
  return outputs;
}

import { Command, Option } from 'commander';
import { datasetNames } from '../data/registry.js';
import { distributionNames } from '../methods/distribution.js';
import { methodNames } from '../methods/registry.js';
import { writeSummary } from '../train/summary.js';
import type { CliIo } from './io.js';
import {
  parseHiddenSizes,
  parseLayerList,
  parseNonNegativeInteger,
  parseNonNegativeNumber,
  parsePositiveInteger,
  parsePositiveNumber,
  parseSparsity,
  parseUnitFraction,
} from './parsers.js';
import { describeResult, runTraining } from './runTraining.js';
import {
  activationNames,
  DEFAULT_EPOCHS,
  DEFAULT_SPARSITY,
  modelNames,
  optimizerDefaults,
  optimizerNames,
  resolveTrainConfig,
  scheduleNames,
  type TrainFlags,
} from './trainConfig.js';

interface TrainCommandFlags extends TrainFlags {
  readonly json?: string;
  readonly metrics?: string;
  readonly progress: boolean;
}

/** `topkast train`: a dense training run configured by flags; prints the result, writes --json at the end. */
export function trainCommand(io: CliIo): Command {
  const { sgd, adamw } = optimizerDefaults;
  return new Command('train')
    .description('train a model, dense or sparse, on a dataset and report its test accuracy')
    .addOption(new Option('--dataset <name>', 'dataset').choices(datasetNames).default('fashion-mnist'))
    .addOption(new Option('--model <name>', 'model family').choices(modelNames).default('mlp'))
    .option('--hidden <widths>', 'hidden layer widths, comma-separated', parseHiddenSizes, [1024, 1024])
    .addOption(
      new Option('--activation <name>', 'hidden activation').choices(activationNames).default('relu'),
    )
    .option(
      '--epochs <n>',
      `passes over the training set (default: ${DEFAULT_EPOCHS}, or what --steps needs)`,
      parsePositiveInteger,
    )
    .option('--steps <n>', 'stop after n optimizer steps', parsePositiveInteger)
    .option('--batch-size <n>', 'examples per step', parsePositiveInteger, 128)
    .addOption(new Option('--optimizer <name>', 'optimizer').choices(optimizerNames).default('sgd'))
    .option(
      '--lr <rate>',
      `peak learning rate (default: ${sgd.lr} sgd, ${adamw.lr} adamw)`,
      parsePositiveNumber,
    )
    .option('--momentum <m>', 'SGD momentum (default: 0.9)', parseUnitFraction)
    .option('--nesterov', 'SGD with Nesterov momentum')
    .option(
      '--weight-decay <wd>',
      `weight decay (default: ${sgd.weightDecay} sgd, ${adamw.weightDecay} adamw)`,
      parseNonNegativeNumber,
    )
    .addOption(
      new Option('--schedule <name>', 'learning rate: constant, cosine decay to 0, or ×0.1 each third')
        .choices(scheduleNames)
        .default('cosine'),
    )
    .option('--seed <n>', 'seed of initialisation and data order', parseNonNegativeInteger, 0)
    .addOption(new Option('--method <name>', 'sparsity method').choices(methodNames()).default('dense'))
    .option(
      '--sparsity <s>',
      `forward sparsity of the sparse layers (default: ${DEFAULT_SPARSITY})`,
      parseSparsity,
    )
    .option(
      '--bwd-sparsity <s>',
      "Top-KAST's backward sparsity (default: the paper's pairing, 0.8→0.5, 0.9→0.8, 0.95→0.9)",
      parseSparsity,
    )
    .option('--refresh-interval <n>', 'steps between refreshes of the sparse sets', parsePositiveInteger)
    .option('--penalty <λ>', "Top-KAST's exploration penalty (default: 1e-4)", parseNonNegativeNumber)
    .addOption(
      new Option('--distribution <name>', 'how the sparsity is spread over layers')
        .choices(distributionNames)
        .default('uniform'),
    )
    .option('--dense-layers <layers>', 'layers kept dense: names, first, last, or none', parseLayerList, [
      'first',
      'last',
    ])
    .option('--json <file>', 'write the run summary as JSON when the run ends')
    .option('--metrics <file>', 'write JSON-lines metrics while training')
    .option('--no-progress', 'no progress bar or progress lines')
    .action((flags: TrainCommandFlags) => {
      if (flags.json !== undefined && flags.json === flags.metrics) {
        throw new Error(`--json and --metrics both name ${flags.json}: give them different files`);
      }
      const config = resolveTrainConfig(flags);
      const summary = runTraining(config, {
        progress: flags.progress ? { stream: io.progress } : false,
        metricsFile: flags.metrics,
        announce: (line) => io.out(`${line}\n`),
      });
      if (flags.json !== undefined) writeSummary(flags.json, summary);
      io.out(`${describeResult(summary)}\n`);
    });
}

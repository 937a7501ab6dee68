/**
 * The training flags `topkast train` and `topkast compare` share: data, model, optimizer, schedule, and the
 * settings every sparsity method reads (refresh interval, penalty, distribution, dense layers).
 */
import { type Command, Option } from 'commander';
import { datasetNames } from '../data/registry.js';
import { distributionNames } from '../methods/distribution.js';
import {
  parseHiddenSizes,
  parseLayerList,
  parseNonNegativeNumber,
  parsePositiveInteger,
  parsePositiveNumber,
  parseSparsity,
  parseUnitFraction,
} from './parsers.js';
import {
  activationNames,
  DEFAULT_EPOCHS,
  modelNames,
  optimizerDefaults,
  optimizerNames,
  scheduleNames,
} from './trainConfig.js';

export function addTrainingOptions(command: Command): Command {
  const { sgd, adamw } = optimizerDefaults;
  return command
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
    .option('--initial-sparsity <s>', "GMP's starting sparsity (default: 0)", parseSparsity)
    .option(
      '--pruning-start <f>',
      "GMP's first pruning step, fraction of training (default: 0.1)",
      parseUnitFraction,
    )
    .option(
      '--pruning-end <f>',
      "GMP's last pruning step, fraction of training (default: 0.6)",
      parseUnitFraction,
    )
    .option('--drop-fraction <α>', "SET's and RigL's drop fraction (default: 0.3)", parseUnitFraction)
    .option(
      '--update-end <f>',
      "SET's and RigL's end of mask updates, fraction of training (default: 0.75)",
      parseUnitFraction,
    );
}

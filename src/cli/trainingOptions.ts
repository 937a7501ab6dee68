/**
 * The training flags `topkast train` and `topkast compare` share: data, model, optimizer, schedule, and the
 * flags of the methods' options (methodFlags.ts, from the method definitions); `grid`: compare's, whose runs
 * set the sparsity themselves.
 */
import { type Command, Option } from 'commander';
import { datasetNames, textDatasetNames } from '../data/registry.js';
import { activationNames, modelNames, optimizerNames, scheduleNames } from '../run/configSchema.js';
import { DEFAULT_EPOCHS, imageDefaults, optimizerDefaults, textDefaults } from '../run/trainConfig.js';
import { methodFlags } from './methodFlags.js';
import {
  parseHiddenSizes,
  parseNonNegativeNumber,
  parsePositiveInteger,
  parsePositiveNumber,
  parseUnitFraction,
} from './parsers.js';

export function addTrainingOptions(command: Command, { grid = false } = {}): Command {
  const { sgd, adamw } = optimizerDefaults;
  const text = textDefaults;
  command
    .addOption(
      new Option('--dataset <name>', 'dataset: images, or text for a language model')
        .choices([...datasetNames, ...textDatasetNames])
        .default('fashion-mnist'),
    )
    .addOption(
      new Option('--model <name>', 'model family (default: mlp on images, transformer on text)').choices(
        modelNames,
      ),
    )
    .option(
      '--hidden <widths>',
      `mlp hidden layer widths, comma-separated (default: ${imageDefaults.hidden.join(',')})`,
      parseHiddenSizes,
    )
    .addOption(
      new Option(
        '--activation <name>',
        `mlp hidden activation (default: ${imageDefaults.activation})`,
      ).choices(activationNames),
    )
    .option('--layers <n>', `transformer blocks (default: ${text.layers})`, parsePositiveInteger)
    .option('--d-model <n>', `transformer width (default: ${text.dModel})`, parsePositiveInteger)
    .option(
      '--heads <n>',
      `attention heads, dividing --d-model (default: ${text.heads})`,
      parsePositiveInteger,
    )
    .option('--context <n>', `characters per window (default: ${text.context})`, parsePositiveInteger)
    .option('--tied', 'transformer: the token embedding is also the output projection')
    .option(
      '--eval-every <n>',
      `transformer: validation bits per character every n steps (default: ${text.evalEvery})`,
      parsePositiveInteger,
    )
    .option(
      '--eval-chars <n>',
      `transformer: characters of the validation split those evaluations read (default: ${text.evalChars}; the end of the run reads all of it)`,
      parsePositiveInteger,
    )
    .option(
      '--epochs <n>',
      `image models: passes over the training set (default: ${DEFAULT_EPOCHS}, or what --steps needs)`,
      parsePositiveInteger,
    )
    .option(
      '--steps <n>',
      `stop after n optimizer steps (default for the transformer: ${text.steps})`,
      parsePositiveInteger,
    )
    .option(
      '--batch-size <n>',
      `examples (windows) per step (default: ${imageDefaults.batchSize}; transformer ${text.batchSize})`,
      parsePositiveInteger,
    )
    .addOption(
      new Option(
        '--optimizer <name>',
        `optimizer (default: ${imageDefaults.optimizer}; transformer ${text.optimizer})`,
      ).choices(optimizerNames),
    )
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
    );
  for (const flag of methodFlags(grid)) command.addOption(flag);
  return command;
}

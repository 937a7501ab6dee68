/**
 * The training flags `topkast train` and `topkast compare` share: data, model, optimizer, schedule, and the
 * settings every sparsity method reads (refresh interval, penalty, distribution, dense layers).
 */
import { type Command, Option } from 'commander';
import { datasetNames, textDatasetNames } from '../data/registry.js';
import { distributionNames } from '../methods/distribution.js';
import { budgetScopes, costModels } from '../methods/spartan.js';
import {
  activationNames,
  modelNames,
  optimizerNames,
  scheduleNames,
  softTopKNames,
} from '../run/configSchema.js';
import { annealShapes } from '../spartan/schedule.js';
import {
  parseHiddenSizes,
  parseLayerList,
  parseNonNegativeNumber,
  parsePositiveInteger,
  parsePositiveNumber,
  parseScale,
  parseSparsity,
  parseUnitFraction,
} from './parsers.js';
import { DEFAULT_EPOCHS, imageDefaults, optimizerDefaults, textDefaults } from './trainConfig.js';

export function addTrainingOptions(command: Command): Command {
  const { sgd, adamw } = optimizerDefaults;
  const text = textDefaults;
  return command
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
    )
    .option(
      '--refresh-interval <n>',
      'steps between refreshes of the sparse sets (default: Top-KAST 1 with adamw, 100 with sgd; STE 1; others 100)',
      parsePositiveInteger,
    )
    .option('--penalty <λ>', "Top-KAST's exploration penalty (default: 1e-4)", parseNonNegativeNumber)
    .option(
      '--exploration-scale <s>',
      "Top-KAST: the optimizer's step on B \\ A (outside the forward set) times s, in (0, 1] (default: 1, the paper)",
      parseScale,
    )
    .addOption(
      new Option(
        '--distribution <name>',
        'how the sparsity is spread over layers (default: uniform; spartan: global)',
      ).choices(distributionNames),
    )
    .option(
      '--dense-layers <layers>',
      'layers kept dense: names, first, last, or none (default: first,last; transformer: head, none when --tied)',
      parseLayerList,
    )
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
    )
    .option('--beta-init <β>', "Spartan's sharpness at step 0 (default: 1)", parsePositiveNumber)
    .option(
      '--beta-target <β>',
      "Spartan's final sharpness, times √(block size); it multiplies raw weight magnitudes (default: mlp 100, cnn 10, transformer 20)",
      parsePositiveNumber,
    )
    .option('--block <b_out>x<b_in>', "Spartan's block shape, e.g. 4x4 (default: 1x1)")
    .addOption(
      new Option(
        '--cost-model <name>',
        "Spartan's entry costs: weights, or FLOPs (default: sparsity)",
      ).choices(costModels),
    )
    .addOption(
      new Option('--anneal <shape>', "Spartan's κ and β ramps (default: linear)").choices(annealShapes),
    )
    .addOption(
      new Option(
        '--budget-scope <scope>',
        "Spartan's target: the whole model, dense layers counted, or the masked layers alone (default: model)",
      ).choices(budgetScopes),
    )
    .addOption(
      new Option(
        '--soft-top-k <solver>',
        "Spartan's solver: exact Newton, or the reference code's Sinkhorn loop (default: newton)",
      ).choices(softTopKNames),
    );
}

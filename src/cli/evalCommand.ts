import { Command, Option } from 'commander';
import { readInferenceFile } from '../checkpoint/exportModel.js';
import { inferenceModel } from '../checkpoint/inferenceModel.js';
import { inputSize } from '../data/dataset.js';
import { datasetNames, loadDataset } from '../data/registry.js';
import { evaluate } from '../train/evaluate.js';
import type { CliIo } from './io.js';

interface EvalFlags {
  readonly model: string;
  readonly dataset?: string;
}

/** `topkast eval`: the test accuracy and loss of an exported model (`topkast export`). */
export function evalCommand(io: CliIo): Command {
  return new Command('eval')
    .description("evaluate an exported model on a dataset's test split")
    .requiredOption('--model <file>', 'a file written by `topkast export`')
    .addOption(
      new Option('--dataset <name>', 'dataset (default: the one the model was trained on)').choices(
        datasetNames,
      ),
    )
    .action((flags: EvalFlags) => {
      const file = readInferenceFile(flags.model);
      const { model, config, inputs } = inferenceModel(file, flags.model);
      try {
        const dataset = loadDataset(flags.dataset ?? config.dataset);
        const features = inputSize(dataset);
        if (inputs !== features) {
          throw new Error(
            `${flags.model} takes ${inputs} inputs but ${dataset.name} has ${features}: use --dataset ${config.dataset}`,
          );
        }
        const result = evaluate(model, dataset.test, {
          inputSize: features,
          normalization: dataset.normalization,
        });
        io.out(
          `test accuracy ${result.accuracy.toFixed(4)} | test loss ${result.loss.toFixed(4)} | ${dataset.test.labels.length} examples of ${dataset.name}\n`,
        );
      } finally {
        model.dispose();
      }
    });
}

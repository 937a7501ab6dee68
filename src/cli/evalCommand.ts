import { Command, Option } from 'commander';
import { uncheckedNote } from '../checkpoint/checksummedFile.js';
import { inferenceModel } from '../checkpoint/inferenceModel.js';
import { readInferenceFile } from '../checkpoint/modelFile.js';
import { inputSize } from '../data/dataset.js';
import {
  datasetNames,
  isTextDatasetName,
  loadDataset,
  loadTextDataset,
  textDatasetNames,
} from '../data/registry.js';
import { evaluate } from '../train/evaluate.js';
import { evaluateText, TEXT_EVAL_WINDOWS } from '../train/evaluateText.js';
import { escapeControl } from '../util/safeText.js';
import type { CliIo } from './io.js';

interface EvalFlags {
  readonly model: string;
  readonly dataset?: string;
}

/**
 * `topkast eval`: an exported model (`topkast export`) on its data: an image classifier's test accuracy and
 * loss, a language model's validation and test bits per character (the whole splits, as its run reported).
 */
export function evalCommand(io: CliIo): Command {
  return new Command('eval')
    .description(
      "evaluate an exported model on a dataset's test split (a language model: validation and test)",
    )
    .requiredOption('--model <file>', 'a file written by `topkast export`')
    .addOption(
      new Option('--dataset <name>', 'dataset (default: the one the model was trained on)').choices([
        ...datasetNames,
        ...textDatasetNames,
      ]),
    )
    .action((flags: EvalFlags) => {
      const file = readInferenceFile(flags.model);
      io.err(uncheckedNote(flags.model, file.checksummed));
      const { config } = file;
      const name = flags.dataset ?? config.dataset;
      const text = config.model === 'transformer';
      if (text !== isTextDatasetName(name)) {
        throw new Error(
          `${escapeControl(flags.model)} is ${text ? 'a language model' : 'an image classifier'} and ${name} is ${text ? 'images' : 'text'}: use --dataset ${config.dataset}`,
        );
      }
      if (text) {
        const dataset = loadTextDataset(name);
        const { model, vocab } = inferenceModel(file, flags.model);
        try {
          if (vocab !== dataset.vocabulary.length || config.context === undefined) {
            throw new Error(
              `${escapeControl(flags.model)} has ${vocab} characters but ${name} has ${dataset.vocabulary.length}: use --dataset ${config.dataset}`,
            );
          }
          const options = { context: config.context, batchSize: TEXT_EVAL_WINDOWS };
          const validation = evaluateText(model, dataset.validation, options);
          const test = evaluateText(model, dataset.test, options);
          requireFiniteResult(flags.model, validation.bitsPerCharacter, test.bitsPerCharacter);
          io.out(
            `validation bpc ${validation.bitsPerCharacter.toFixed(4)} | test bpc ${test.bitsPerCharacter.toFixed(4)} | ${validation.characters + test.characters} characters of ${name}\n`,
          );
        } finally {
          model.dispose?.();
        }
        return;
      }
      const dataset = loadDataset(name);
      const features = inputSize(dataset);
      const { model } = inferenceModel(file, flags.model, features);
      try {
        const result = evaluate(model, dataset.test, {
          inputSize: features,
          normalization: dataset.normalization,
        });
        requireFiniteResult(flags.model, result.loss);
        io.out(
          `test accuracy ${result.accuracy.toFixed(4)} | test loss ${result.loss.toFixed(4)} | ${dataset.test.labels.length} examples of ${dataset.name}\n`,
        );
      } finally {
        model.dispose?.();
      }
    });
}

/** Refuses a model whose outputs overflow on the data (its weights are finite, its loss is not). */
function requireFiniteResult(file: string, ...losses: number[]): void {
  if (!losses.every(Number.isFinite)) {
    throw new Error(
      `${escapeControl(file)} gives a loss of ${losses.find((loss) => !Number.isFinite(loss))} on the data: its outputs overflow, so it cannot be evaluated (its weights are too large)`,
    );
  }
}

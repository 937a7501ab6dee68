import { Command, InvalidArgumentError } from 'commander';
import { uncheckedNote } from '../checkpoint/checksummedFile.js';
import { inferenceModel } from '../checkpoint/inferenceModel.js';
import { readModelFile } from '../checkpoint/modelFile.js';
import { loadTextDataset } from '../data/registry.js';
import { decodeTokens, encodeText } from '../data/textDataset.js';
import { generateText } from '../train/generateText.js';
import { Random } from '../util/random.js';
import { escapeControl } from '../util/safeText.js';
import type { CliIo } from './io.js';
import { parseNonNegativeInteger, parseNonNegativeNumber, parsePositiveInteger } from './parsers.js';

interface SampleFlags {
  readonly model: string;
  readonly prompt: string;
  readonly length: number;
  readonly temperature: number;
  readonly seed: number;
}

/**
 * `topkast sample`: text from a trained language model (a checkpoint directory or file of `topkast train
 * --dataset austen`, or its export), continuing a prompt. The vocabulary is the model's dataset's (from the
 * saved config); a prompt character outside it is refused. Prints the prompt and its continuation.
 */
export function sampleCommand(io: CliIo): Command {
  return new Command('sample')
    .description('continue a prompt with a trained transformer language model')
    .requiredOption(
      '--model <path>',
      'a checkpoint directory (its newest), a checkpoint file, or a file of `topkast export`',
    )
    .requiredOption('--prompt <text>', 'the text to continue')
    .option(`--length <n>`, `characters to generate, at most ${MAX_LENGTH}`, parseLength, 200)
    .option(
      '--temperature <τ>',
      `softmax temperature: 1 samples the model, lower is more conservative, 0 is greedy (at most ${MAX_TEMPERATURE})`,
      parseTemperature,
      1,
    )
    .option('--seed <n>', 'seed of the draws (the same seed gives the same text)', parseNonNegativeInteger, 0)
    .action((flags: SampleFlags) => {
      const { file, source } = readModelFile(flags.model);
      io.err(uncheckedNote(source, file.checksummed));
      const { model, config, vocab } = inferenceModel(file, source);
      try {
        if (config.model !== 'transformer' || config.context === undefined) {
          throw new Error(
            `${escapeControl(source)} is a ${config.model} image classifier: sample needs a language model (topkast train --dataset austen)`,
          );
        }
        const { vocabulary, name } = loadTextDataset(config.dataset);
        if (vocabulary.length !== vocab) {
          throw new Error(
            `${escapeControl(source)} has ${vocab} characters but ${name} has ${vocabulary.length}: it was trained on other data`,
          );
        }
        const prompt = encodePrompt(flags.prompt, vocabulary, name);
        const generated = generateText(model, prompt, {
          length: flags.length,
          context: config.context,
          temperature: flags.temperature,
          random: new Random(flags.seed),
        });
        io.out(`${flags.prompt}${decodeTokens(generated, vocabulary)}\n`);
      } finally {
        model.dispose?.();
      }
    });
}

/** Limits of --length (characters held in memory) and --temperature (above it every draw is uniform). */
const MAX_LENGTH = 1_000_000;
const MAX_TEMPERATURE = 1_000;

function parseLength(text: string): number {
  const length = parsePositiveInteger(text);
  if (length > MAX_LENGTH) throw new InvalidArgumentError(`expected at most ${MAX_LENGTH} characters.`);
  return length;
}

function parseTemperature(text: string): number {
  const temperature = parseNonNegativeNumber(text);
  if (temperature > MAX_TEMPERATURE)
    throw new InvalidArgumentError(`expected a temperature ≤ ${MAX_TEMPERATURE}.`);
  return temperature;
}

/** The prompt's ids; refuses an empty prompt and names the characters outside the vocabulary. */
function encodePrompt(prompt: string, vocabulary: readonly string[], dataset: string): Uint8Array {
  if (prompt.length === 0) throw new Error('--prompt is empty: give at least one character to continue');
  const known = new Set(vocabulary);
  const unknown = [...new Set([...prompt].filter((character) => !known.has(character)))];
  if (unknown.length > 0) {
    throw new Error(
      `--prompt has ${unknown.length === 1 ? 'a character' : 'characters'} outside the ${vocabulary.length}-character vocabulary of ${dataset}: ${unknown.map((c) => JSON.stringify(c)).join(', ')}; use only characters of its text`,
    );
  }
  return encodeText(prompt, vocabulary);
}

/** A JSON value checked to be a run summary the report can draw, of an image classifier or a language model. */
import type { TrainingSummary } from '../train/summary.js';

/**
 * `value` checked to have what the report reads of a run summary: test accuracy (an image run) or bits per
 * character (a language model) besides the shared fields; throws, naming `source` and the missing field, for
 * anything else.
 */
export function asTrainingSummary(value: unknown, source: string): TrainingSummary {
  const fail = (what: string): never => {
    throw new Error(
      `${source} is not a run summary (${what}): give a file of \`topkast train --json\`, or compare's results.json`,
    );
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('not a JSON object');
  const summary = value as Record<string, unknown>;
  for (const key of ['method', 'dataset', 'model']) if (typeof summary[key] !== 'string') fail(`no ${key}`);
  for (const key of ['seed', 'steps']) if (typeof summary[key] !== 'number') fail(`no ${key}`);
  const bpc = summary.bitsPerCharacter as Record<string, unknown> | undefined;
  if (typeof bpc === 'object' && bpc !== null) {
    for (const split of ['validation', 'test'])
      if (typeof bpc[split] !== 'number') fail(`no bitsPerCharacter.${split}`);
  } else if (typeof summary.testAccuracy !== 'number') {
    fail('no testAccuracy or bitsPerCharacter');
  }
  if (!Array.isArray(summary.history)) fail('no history');
  for (const key of ['config', 'timing', 'memory'])
    if (typeof summary[key] !== 'object' || summary[key] === null) fail(`no ${key}`);
  const sparsity = summary.sparsity as Record<string, unknown> | undefined;
  if (typeof sparsity !== 'object' || sparsity === null) fail('no sparsity');
  if (!Array.isArray(sparsity!.layers)) fail('no sparsity.layers');
  if (!Array.isArray(sparsity!.churn)) fail('no sparsity.churn');
  const memory = summary.memory as Record<string, unknown>;
  if (typeof memory.totalBytes !== 'number' || typeof sparsity!.executedTrainingFlops !== 'number')
    fail(
      'no memory.totalBytes or sparsity.executedTrainingFlops: written by an older topkast, so train it again',
    );
  return value as TrainingSummary;
}

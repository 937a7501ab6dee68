/** A JSON value checked to be a run summary the report can draw, of an image classifier or a language model. */
import { z } from 'zod';
import { describeProblem, schemaProblem } from '../run/configSchema.js';
import type { TrainingSummary } from '../train/summary.js';
import { escapeControl } from '../util/safeText.js';

const count = z.number().int().min(0);
const fraction = z.number().min(0).max(1);
const name = z.string().max(200);

/** What the report reads of a summary (train/summary.ts), every number finite; other fields pass unread. */
const summarySchema = z
  .looseObject({
    method: name,
    dataset: name,
    model: name,
    seed: count,
    steps: count,
    testAccuracy: fraction.optional(),
    bitsPerCharacter: z.looseObject({ validation: z.number().min(0), test: z.number().min(0) }).optional(),
    history: z.array(z.object({ epoch: count, step: count }).catchall(z.number())),
    config: z.looseObject({ sparsity: fraction.optional() }),
    timing: z.record(z.string(), z.unknown()),
    memory: z.looseObject({ totalBytes: z.number().min(0) }),
    sparsity: z.looseObject({
      modelSparsity: fraction.optional(),
      executedTrainingFlops: z.number().min(0),
      layers: z.array(
        z.looseObject({
          name,
          shape: z.tuple([count, count]),
          forwardCount: count,
          backwardCount: count,
          forwardDensity: fraction,
          backwardDensity: fraction,
        }),
      ),
      churn: z.array(z.looseObject({ step: count, forwardChurn: z.array(z.number()) })),
    }),
  })
  .refine(
    (summary) => summary.testAccuracy !== undefined || summary.bitsPerCharacter !== undefined,
    'it has no testAccuracy or bitsPerCharacter',
  );

/**
 * `value` checked against the schema of what the report reads of a run summary: test accuracy (an image
 * run) or bits per character (a language model) besides the shared fields; throws, naming `source` and the
 * field, for anything else.
 */
export function asTrainingSummary(value: unknown, source: string): TrainingSummary {
  const problem = schemaProblem(summarySchema, value);
  if (problem) {
    throw new Error(
      `${escapeControl(source)} is not a run summary (${describeProblem('', problem)}): give a file of \`topkast train --json\`, or compare's results.json`,
    );
  }
  return value as TrainingSummary;
}

/**
 * The schema of a run's configuration (zod): one entry per option, with its type and range. It is the one
 * check of a config wherever it comes from: the flags of `topkast train` and `topkast compare` (each given
 * value, by its flag's name), the config saved in a checkpoint or export (the whole object, unknown keys
 * refused), and a queued job's configuration. A new option is one new entry here (a test checks that every
 * key the CLI resolves has one).
 *
 * The ranges keep a run inside what the machine can do (steps: the per-step timing array; widths: memory)
 * and every number finite; combinations (a flag of the other kind of model, momentum with AdamW, ...) are
 * checked where the config is resolved (src/cli/trainConfig.ts).
 */
import { z } from 'zod';
import { datasetNames, textDatasetNames } from '../data/catalog.js';
import { distributionNames } from '../methods/distribution.js';
import { trainingMethodNames } from '../methods/registry.js';
import { budgetScopes, costModels } from '../methods/spartan.js';
import { parseBlockDims } from '../spartan/blockLayout.js';
import { annealShapes } from '../spartan/schedule.js';
import { quoteValue } from '../util/safeText.js';

export const optimizerNames = ['sgd', 'adamw'] as const;
export const scheduleNames = ['constant', 'cosine', 'step'] as const;
export const activationNames = ['relu', 'gelu'] as const;
export const modelNames = ['mlp', 'cnn', 'transformer'] as const;
export const softTopKNames = ['newton', 'sinkhorn'] as const;

/** The largest values a run takes. */
export const configLimits = {
  /** A run records each step's time (8 bytes a step). */
  steps: 10_000_000,
  epochs: 100_000,
  batchSize: 65_536,
  /** Hidden widths, the transformer's width and context. */
  width: 65_536,
  /** Hidden layers of an mlp, transformer blocks, attention heads, dense layer names. */
  count: 1_024,
  evalChars: 1_000_000_000,
  /** Learning rate, decays, penalty, β. */
  magnitude: 1e9,
} as const;

const names = (list: readonly string[]) => z.enum(list as [string, ...string[]]);
const count = (max: number) => z.number().int().min(1).max(max);
const fraction = z.number().min(0).lt(1);
const positive = z.number().gt(0).max(configLimits.magnitude);
const nonNegative = z.number().min(0).max(configLimits.magnitude);
const layerName = z.string().regex(/^[A-Za-z_][\w.]*$/, 'expected a layer name, first, last or none');

/** One entry per config key (TrainConfig, src/cli/trainConfig.ts); optional where a config may leave it unset. */
export const trainConfigFields = {
  dataset: names([...datasetNames, ...textDatasetNames]),
  model: z.enum(modelNames),
  hidden: z.array(count(configLimits.width)).min(1).max(configLimits.count).optional(),
  activation: z.enum(activationNames).optional(),
  layers: count(configLimits.count).optional(),
  dModel: count(configLimits.width).optional(),
  heads: count(configLimits.count).optional(),
  context: count(configLimits.width).optional(),
  tied: z.boolean().optional(),
  evalEvery: count(configLimits.steps).optional(),
  evalChars: count(configLimits.evalChars).optional(),
  epochs: count(configLimits.epochs).optional(),
  steps: count(configLimits.steps).optional(),
  batchSize: count(configLimits.batchSize),
  optimizer: z.enum(optimizerNames),
  lr: positive,
  momentum: fraction,
  nesterov: z.boolean(),
  weightDecay: nonNegative,
  schedule: z.enum(scheduleNames),
  seed: z.number().int().min(0),
  method: names(trainingMethodNames()),
  sparsity: fraction,
  backwardSparsity: fraction.optional(),
  refreshInterval: count(configLimits.steps).optional(),
  penalty: nonNegative.optional(),
  explorationScale: z.number().gt(0).max(1).optional(),
  distribution: names(distributionNames),
  denseLayers: z
    .array(layerName)
    .min(1)
    .max(configLimits.count)
    .refine(
      (list) => !list.includes('none') || list.length === 1,
      "'none' keeps no layer dense: give it alone",
    ),
  initialSparsity: fraction.optional(),
  pruningStart: fraction.optional(),
  pruningEnd: fraction.optional(),
  dropFraction: fraction.optional(),
  updateEnd: fraction.optional(),
  betaInit: positive.optional(),
  betaTarget: positive.optional(),
  block: z
    .string()
    .max(32)
    .refine((text) => isBlock(text), 'expected b_out×b_in, like 1x1 or 4x4')
    .optional(),
  costModel: names(costModels).optional(),
  anneal: names(annealShapes).optional(),
  budgetScope: names(budgetScopes).optional(),
  softTopK: z.enum(softTopKNames).optional(),
};

/** A whole run config: every key of the schema, no other. */
export const trainConfigSchema = z.strictObject(trainConfigFields);

export type TrainConfigKey = keyof typeof trainConfigFields;

/** The first problem of a value against a schema: where (a dotted path, '' for the value itself), what was there, what was expected. */
export interface SchemaProblem {
  readonly path: string;
  readonly found: unknown;
  readonly message: string;
}

/** The first problem of `value` against `schema`; undefined when the value is valid. */
export function schemaProblem(schema: z.ZodType, value: unknown): SchemaProblem | undefined {
  const result = schema.safeParse(value);
  if (result.success) return undefined;
  const [issue] = result.error.issues as [z.core.$ZodIssue, ...z.core.$ZodIssue[]];
  const path = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((key) => quoteValue(key)).join(', ');
    return { path, found: undefined, message: `unknown ${issue.keys.length === 1 ? 'key' : 'keys'} ${keys}` };
  }
  const found = issue.path.reduce<unknown>(
    (inner, key) =>
      typeof inner === 'object' && inner !== null ? (inner as Record<PropertyKey, unknown>)[key] : undefined,
    value,
  );
  return { path, found, message: issue.message };
}

/** A problem as text: `name.path is <value>: <what was expected>` (the value quoted, escaped, cut short). */
export function describeProblem(name: string, { path, found, message }: SchemaProblem): string {
  const where = [name, path].filter((part) => part !== '').join('.');
  if (where === '') return message;
  if (found === undefined) return `${where}: ${message}`;
  return `${where} is ${quoteValue(found)}: ${message}`;
}

function isBlock(text: string): boolean {
  try {
    const { rows, cols } = parseBlockDims(text);
    return rows <= configLimits.width && cols <= configLimits.width;
  } catch {
    return false;
  }
}

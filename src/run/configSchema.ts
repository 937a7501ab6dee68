/**
 * The schema of a run's configuration (zod): one entry per option, with its type and range. It is the one
 * check of a config wherever it comes from: the flags of `topkast train` and `topkast compare` (each given
 * value, by its flag's name), the config saved in a checkpoint or export (the whole object, unknown keys
 * refused), and a queued job's configuration. A new run setting is one new entry here, a method's option one
 * in its definition (a test checks that every key the CLI resolves has one).
 *
 * The ranges keep a run inside what the machine can do (steps: the per-step timing array; widths: memory)
 * and every number finite; combinations (a flag of the other kind of model, momentum with AdamW, ...) are
 * checked where the config is resolved (src/run/trainConfig.ts). The method options' entries come from their
 * definitions (src/methods/definition.ts), so a method registered later has its keys here too.
 */
import { z } from 'zod';
import { datasetNames, textDatasetNames } from '../data/catalog.js';
import type { ModelKind } from '../methods/definition.js';
import { configLimits, countKind, kinds } from '../methods/optionKinds.js';
import { allOptions, trainingMethodNames } from '../methods/registry.js';
import { quoteValue } from '../util/safeText.js';

export { configLimits } from '../methods/optionKinds.js';

export const optimizerNames = ['sgd', 'adamw'] as const;
export const scheduleNames = ['constant', 'cosine', 'step'] as const;
export const activationNames = ['relu', 'gelu'] as const;
export const modelNames = ['mlp', 'cnn', 'transformer'] as const satisfies readonly ModelKind[];

const names = (list: readonly string[]) => z.enum(list as [string, ...string[]]);
const count = (max: number) => countKind(max).schema;

/** The run's own settings (src/run/trainConfig.ts, RunSettings); optional where a config may leave it unset. */
export const runConfigFields = {
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
  lr: kinds.positive.schema,
  momentum: kinds.fraction.schema,
  nesterov: z.boolean(),
  weightDecay: kinds.nonNegative.schema,
  schedule: z.enum(scheduleNames),
  seed: z.number().int().min(0),
};

/**
 * One entry per config key: the run's own settings, the method name, and every option of the registered
 * methods (their definitions' schemas; required where every resolved config has the key: run-wide options with
 * a run default).
 */
export function trainConfigFields(): Readonly<Record<string, z.ZodType>> {
  const fields: Record<string, z.ZodType> = { ...runConfigFields, method: names(trainingMethodNames()) };
  for (const option of allOptions()) {
    const always = option.everyMethod === true && option.runDefault !== undefined;
    fields[option.key] = always ? option.schema : option.schema.optional();
  }
  return fields;
}

/** A whole run config: every key of the schema, no other. */
export function trainConfigSchema(): z.ZodType {
  return z.strictObject(trainConfigFields());
}

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

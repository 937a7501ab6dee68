/**
 * The settings of a training run, as the CLI and a library caller resolve them: every default filled in, every
 * combination checked. `epochs` may stay undefined here when a step limit is given: the run then takes as many
 * epochs as the steps need (runTraining resolves it once the dataset size is known).
 *
 * Two kinds of run: an image classifier (mlp or cnn on fashion-mnist or mnist, trained for epochs) and a
 * character-level language model (transformer on austen, trained for steps on random windows). Each kind's
 * own settings are undefined in the other's config (so they are absent from its JSON), and a flag of the
 * other kind is refused.
 *
 * The method's part of the config is derived from the method definitions (src/methods/registry.ts): one key
 * per option, checked by its definition's schema, refused with a method that does not read it (unless
 * run-wide), filled with its run default (Spartan's β_target by model, Top-KAST's refresh interval with AdamW)
 * and otherwise left to the method's own default, which its `config` in the summary shows.
 */
import { type DatasetName, isTextDatasetName, type TextDatasetName } from '../data/catalog.js';
import type { commonOptions } from '../methods/commonOptions.js';
import type { MethodOption, OptionValue, RunContext, SettingsOf, ValuesOf } from '../methods/definition.js';
import type { DistributionName } from '../methods/distribution.js';
import { allOptions, type builtInDefinitions, methodDefinition, readersOf } from '../methods/registry.js';
import { quoteValue } from '../util/safeText.js';
import {
  type activationNames,
  describeProblem,
  type modelNames,
  type optimizerNames,
  type scheduleNames,
  schemaProblem,
  trainConfigFields,
  trainConfigSchema,
} from './configSchema.js';

export type OptimizerName = (typeof optimizerNames)[number];
export type ScheduleName = (typeof scheduleNames)[number];

export type ModelName = (typeof modelNames)[number];

/** A transformer config's own settings (flags and config alike); undefined in an image model's. */
export interface TransformerSettings {
  /** Blocks, width, attention heads, sequence length, tied input/output embedding. */
  readonly layers?: number;
  readonly dModel?: number;
  readonly heads?: number;
  readonly context?: number;
  readonly tied?: boolean;
  /** Steps between validation evaluations, on the first evalChars characters of the split. */
  readonly evalEvery?: number;
  readonly evalChars?: number;
}

/** The run's own settings: data, model, optimizer, schedule, seed and the method's name. */
export interface RunSettings extends TransformerSettings {
  readonly dataset: DatasetName | TextDatasetName;
  readonly model: ModelName;
  /** mlp and cnn configs (the mlp's hidden widths and activation; unused by cnn). */
  readonly hidden?: readonly number[];
  readonly activation?: (typeof activationNames)[number];
  /** Epochs to run; undefined: enough for `steps`, or DEFAULT_EPOCHS without a step limit. */
  readonly epochs?: number;
  /** Stop after this many optimizer steps. */
  readonly steps?: number;
  readonly batchSize: number;
  readonly optimizer: OptimizerName;
  readonly lr: number;
  /** SGD only. */
  readonly momentum: number;
  /** SGD only. */
  readonly nesterov: boolean;
  readonly weightDecay: number;
  readonly schedule: ScheduleName;
  readonly seed: number;
  /** The sparsity method's registry name ('dense', 'topkast', ...). */
  readonly method: string;
}

/**
 * The common and built-in methods' options by key, typed from their declarations (a registered method's are
 * further keys).
 */
export type MethodConfig = Partial<
  ValuesOf<typeof commonOptions> & SettingsOf<(typeof builtInDefinitions)[number]['reads']>
>;

/**
 * A resolved run config: the run's settings and the method options. Sparsity, distribution and dense layers are
 * always set (0 sparsity for dense); the other options only when given or run-dependent.
 */
export type TrainConfig = RunSettings &
  Omit<MethodConfig, 'sparsity' | 'distribution' | 'denseLayers'> & {
    readonly sparsity: number;
    readonly distribution: DistributionName;
    readonly denseLayers: readonly string[];
  };

export const DEFAULT_EPOCHS = 5;

/** The image models' defaults. */
export const imageDefaults = {
  model: 'mlp',
  hidden: [1024, 1024],
  activation: 'relu',
  batchSize: 128,
  optimizer: 'sgd',
} as const;

/**
 * The language model's defaults, sized for two cores (the transformer of the README's step benchmark: about
 * 0.6 s a step dense): 1000 steps of 8 windows, AdamW, validation every 100 steps on its first 8192
 * characters (a whole split takes minutes; the end of the run evaluates the whole validation and test splits).
 */
export const textDefaults = {
  model: 'transformer',
  layers: 4,
  dModel: 256,
  heads: 4,
  context: 128,
  steps: 1000,
  evalEvery: 100,
  evalChars: 8192,
  batchSize: 8,
  optimizer: 'adamw',
} as const;

/** Flags of one kind of model only, and the kind. */
const modelOnlyFlags = [
  { key: 'hidden', flag: '--hidden', models: ['mlp', 'cnn'] },
  { key: 'activation', flag: '--activation', models: ['mlp', 'cnn'] },
  { key: 'epochs', flag: '--epochs', models: ['mlp', 'cnn'] },
  { key: 'layers', flag: '--layers', models: ['transformer'] },
  { key: 'dModel', flag: '--d-model', models: ['transformer'] },
  { key: 'heads', flag: '--heads', models: ['transformer'] },
  { key: 'context', flag: '--context', models: ['transformer'] },
  { key: 'tied', flag: '--tied', models: ['transformer'] },
  { key: 'evalEvery', flag: '--eval-every', models: ['transformer'] },
  { key: 'evalChars', flag: '--eval-chars', models: ['transformer'] },
] as const;

/** Per-optimizer defaults: SGD with momentum at 0.05, AdamW at 0.001 with its usual decoupled decay. */
export const optimizerDefaults = {
  sgd: { lr: 0.05, weightDecay: 5e-4 },
  adamw: { lr: 1e-3, weightDecay: 0.01 },
} as const satisfies Record<OptimizerName, { lr: number; weightDecay: number }>;

/**
 * What a run config is resolved from (the options of `topkast train` after commander parsed each value, keyed
 * like the config; unset ones undefined).
 */
export type TrainFlags = Partial<Omit<RunSettings, 'dataset' | 'schedule' | 'seed' | 'method'>> &
  Pick<RunSettings, 'dataset' | 'schedule' | 'seed' | 'method'> &
  MethodConfig;

/**
 * The flags without the method options that `method` does not read (run-wide ones stay): `topkast compare`
 * gives every run the same flags, and a run of another method must neither refuse nor record them.
 */
export function flagsForMethod<F extends Partial<TrainFlags>>(flags: F, method: string): F {
  const kept: Record<string, unknown> = { ...flags };
  for (const option of allOptions()) {
    if (!option.everyMethod && !readersOf(option).includes(method)) delete kept[option.key];
  }
  return kept as F;
}

/**
 * Checks each given value against its entry of the config schema (src/run/configSchema.ts), fills
 * optimizer-dependent defaults and rejects combinations that make no sense, naming the fix. The result is a
 * whole config of the schema.
 */
export function resolveTrainConfig(flags: TrainFlags): TrainConfig {
  checkFlagValues(flags);
  const config = resolveCombination(flags);
  const problem = schemaProblem(trainConfigSchema(), config);
  if (problem) throw new Error(`the resolved config is not valid: ${describeProblem('config', problem)}`);
  return config;
}

/** Throws for the first flag whose value is outside its schema entry, naming the flag: `--steps 1e12: ...`. */
function checkFlagValues(flags: TrainFlags): void {
  const fields = trainConfigFields();
  const flagOf = new Map(allOptions().map((option) => [option.key, longFlag(option)]));
  for (const [key, value] of Object.entries(flags)) {
    const field = fields[key];
    if (value === undefined || field === undefined) continue;
    const problem = schemaProblem(field, value);
    if (problem) {
      const flag = flagOf.get(key) ?? `--${key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
      throw new Error(`${flag} ${quoteValue(value)}: ${problem.message}`);
    }
  }
}

/** '--bwd-sparsity' of '--bwd-sparsity <s>'. */
export function longFlag(option: MethodOption): string {
  return option.flag.split(' ')[0];
}

function resolveCombination(flags: TrainFlags): TrainConfig {
  const model = resolveModel(flags);
  const text = model === 'transformer';
  const defaults = text ? textDefaults : imageDefaults;
  const optimizer = flags.optimizer ?? defaults.optimizer;
  if (optimizer !== 'sgd' && (flags.momentum !== undefined || flags.nesterov)) {
    throw new Error(
      `--momentum and --nesterov apply to SGD only: drop them, or use --optimizer sgd (AdamW has --lr and --weight-decay)`,
    );
  }
  const momentum = flags.momentum ?? (optimizer === 'sgd' ? 0.9 : 0);
  const { method } = flags;
  const tied = text ? (flags.tied ?? false) : undefined;
  const methodConfig = resolveMethodOptions(flags, { model, optimizer, tied: tied ?? false });
  if (flags.nesterov && momentum === 0) {
    throw new Error('--nesterov needs momentum: drop --nesterov or set --momentum above 0');
  }
  return {
    dataset: flags.dataset,
    model,
    hidden: text ? undefined : [...(flags.hidden ?? imageDefaults.hidden)],
    activation: text ? undefined : (flags.activation ?? imageDefaults.activation),
    layers: text ? (flags.layers ?? textDefaults.layers) : undefined,
    dModel: text ? (flags.dModel ?? textDefaults.dModel) : undefined,
    heads: text ? (flags.heads ?? textDefaults.heads) : undefined,
    context: text ? (flags.context ?? textDefaults.context) : undefined,
    tied,
    evalEvery: text ? (flags.evalEvery ?? textDefaults.evalEvery) : undefined,
    evalChars: text ? (flags.evalChars ?? textDefaults.evalChars) : undefined,
    epochs: text ? undefined : (flags.epochs ?? (flags.steps === undefined ? DEFAULT_EPOCHS : undefined)),
    steps: text ? (flags.steps ?? textDefaults.steps) : flags.steps,
    batchSize: flags.batchSize ?? defaults.batchSize,
    optimizer,
    lr: flags.lr ?? optimizerDefaults[optimizer].lr,
    momentum,
    nesterov: flags.nesterov ?? false,
    weightDecay: flags.weightDecay ?? optimizerDefaults[optimizer].weightDecay,
    schedule: flags.schedule,
    seed: flags.seed,
    method,
    ...methodConfig,
  } as TrainConfig;
}

/**
 * The method's options of the config, in the registry's option order: an option the method reads is the
 * given value, else its run default (the method's, then the option's), else unset (the method's own default
 * applies when it is created); one it does not read is refused, unless it is run-wide (recorded as given, or
 * its `unread` value).
 */
function resolveMethodOptions(flags: TrainFlags, run: RunContext): Record<string, OptionValue | undefined> {
  const definition = methodDefinition(flags.method);
  const given = flags as unknown as Readonly<Record<string, OptionValue | undefined>>;
  const resolved: Record<string, OptionValue | undefined> = {};
  for (const option of allOptions()) {
    const value = given[option.key];
    const use = definition.reads.find((read) => read.option === option);
    if (use) {
      resolved[option.key] = copy(value ?? use.runDefault?.(run) ?? option.runDefault?.(run));
    } else if (option.unread) {
      if (value !== undefined && value !== option.unread.value) {
        throw new Error(option.unread.problem(value, flags.method));
      }
      resolved[option.key] = option.unread.value;
    } else if (option.everyMethod) {
      resolved[option.key] = copy(value ?? option.runDefault?.(run));
    } else if (value !== undefined) {
      throw new Error(
        `${longFlag(option)} is ${option.what}: drop it, or use --method ${readersOf(option).join(' or ')}`,
      );
    }
  }
  return resolved;
}

/** A list value as a copy of its own, so the config shares no array with the flags or a default. */
function copy(value: OptionValue | undefined): OptionValue | undefined {
  return Array.isArray(value) ? [...value] : value;
}

/**
 * The model the flags ask for (default: the one the dataset's kind takes), refusing a model of the other kind,
 * flags of the other kind of model, and a width the heads do not divide.
 */
function resolveModel(flags: TrainFlags): ModelName {
  const text = isTextDatasetName(flags.dataset);
  const model = flags.model ?? (text ? textDefaults.model : imageDefaults.model);
  if (model === 'transformer' && !text) {
    throw new Error(
      `--model transformer is a language model and ${flags.dataset} is images: use --dataset austen, or --model mlp or cnn`,
    );
  }
  if (model !== 'transformer' && text) {
    throw new Error(
      `--model ${model} classifies images and ${flags.dataset} is text: use --model transformer, or --dataset fashion-mnist or mnist`,
    );
  }
  for (const { key, flag, models } of modelOnlyFlags) {
    if (flags[key] !== undefined && !(models as readonly string[]).includes(model)) {
      const fix =
        model === 'transformer'
          ? key === 'epochs'
            ? 'a language model trains for --steps on random windows: use --steps instead'
            : 'drop it (the transformer has --layers, --d-model, --heads, --context, --tied)'
          : 'drop it, or use --model transformer --dataset austen';
      throw new Error(`${flag} applies to --model ${models.join(' or ')}, not ${model}: ${fix}`);
    }
  }
  if (model === 'transformer') {
    const context = flags.context ?? textDefaults.context;
    const evalChars = flags.evalChars ?? textDefaults.evalChars;
    if (evalChars < context) {
      throw new Error(
        `--eval-chars ${evalChars} holds no window of --context ${context}: use --eval-chars ${context} or more`,
      );
    }
    const dModel = flags.dModel ?? textDefaults.dModel;
    const heads = flags.heads ?? textDefaults.heads;
    if (dModel % heads !== 0) {
      let divisor = heads;
      while (dModel % divisor !== 0) divisor--;
      throw new Error(
        `--d-model ${dModel} does not split into ${heads} heads: use --heads ${divisor}, or --d-model ${Math.ceil(dModel / heads) * heads}`,
      );
    }
  }
  return model;
}

/**
 * The flags that resolve to `config` again (resolveTrainConfig(trainFlagsOf(c)) equals c): how a config saved
 * in a checkpoint is checked and rebuilt.
 */
export function trainFlagsOf(config: TrainConfig): TrainFlags {
  return { ...config, momentum: config.optimizer === 'sgd' ? config.momentum : undefined };
}

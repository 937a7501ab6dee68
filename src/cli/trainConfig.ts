/**
 * The settings of a training run, as the CLI resolves them: every default filled in, every combination
 * checked. `epochs` may stay undefined here when a step limit is given: the run then takes as many epochs as
 * the steps need (runTraining resolves it once the dataset size is known).
 *
 * Two kinds of run: an image classifier (mlp or cnn on fashion-mnist or mnist, trained for epochs) and a
 * character-level language model (transformer on austen, trained for steps on random windows). Each kind's
 * own settings are undefined in the other's config (so they are absent from its JSON), and a flag of the
 * other kind is refused.
 */
import { type DatasetName, isTextDatasetName, type TextDatasetName } from '../data/catalog.js';
import type { DistributionName } from '../methods/distribution.js';
import type { BudgetScope, CostModel } from '../methods/spartan.js';
import {
  type activationNames,
  describeProblem,
  type modelNames,
  type optimizerNames,
  type scheduleNames,
  schemaProblem,
  type TrainConfigKey,
  trainConfigFields,
  trainConfigSchema,
} from '../run/configSchema.js';
import type { AnnealShape } from '../spartan/schedule.js';
import type { SoftTopKMethod } from '../spartan/softTopK.js';
import { quoteValue } from '../util/safeText.js';

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

/** Spartan's settings, flags and config alike (undefined: the defaults of SpartanOptions). */
export interface SpartanSettings {
  readonly betaInit?: number;
  readonly betaTarget?: number;
  readonly block?: string;
  readonly costModel?: CostModel;
  readonly anneal?: AnnealShape;
  readonly budgetScope?: BudgetScope;
  readonly softTopK?: SoftTopKMethod;
}

export interface TrainConfig extends TransformerSettings, SpartanSettings {
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
  /** Forward sparsity of the sparse layers (the final one for GMP); 0 for dense. */
  readonly sparsity: number;
  /** Top-KAST's backward sparsity; undefined: the paper's pairing for the forward sparsity. */
  readonly backwardSparsity?: number;
  /** Steps between refreshes of the sparse sets; undefined: the method's default. */
  readonly refreshInterval?: number;
  /** Top-KAST's exploration penalty λ; undefined: 1e-4. */
  readonly penalty?: number;
  /** Top-KAST's step on B \ A relative to A's; undefined: 1. */
  readonly explorationScale?: number;
  readonly distribution: DistributionName;
  /** Layers kept dense: names, 'first', 'last', or 'none'. */
  readonly denseLayers: readonly string[];
  /** GMP's initial sparsity s_i; undefined: 0. */
  readonly initialSparsity?: number;
  /** GMP's first pruning step as a fraction of training; undefined: 0.1. */
  readonly pruningStart?: number;
  /** GMP's last pruning step as a fraction of training; undefined: 0.6. */
  readonly pruningEnd?: number;
  /** SET's and RigL's drop fraction α; undefined: 0.3. */
  readonly dropFraction?: number;
  /** SET's and RigL's end of mask updates as a fraction of training; undefined: 0.75. */
  readonly updateEnd?: number;
}

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

/** Flags that belong to some methods only: given with another method, they are refused. */
const methodOnlyFlags = [
  { key: 'bwdSparsity', flag: '--bwd-sparsity', what: "Top-KAST's backward set", methods: ['topkast'] },
  { key: 'penalty', flag: '--penalty', what: "Top-KAST's exploration penalty", methods: ['topkast'] },
  {
    key: 'explorationScale',
    flag: '--exploration-scale',
    what: "Top-KAST's step on B \\ A",
    methods: ['topkast'],
  },
  { key: 'initialSparsity', flag: '--initial-sparsity', what: "GMP's starting sparsity", methods: ['gmp'] },
  { key: 'pruningStart', flag: '--pruning-start', what: "GMP's schedule", methods: ['gmp'] },
  { key: 'pruningEnd', flag: '--pruning-end', what: "GMP's schedule", methods: ['gmp'] },
  {
    key: 'dropFraction',
    flag: '--drop-fraction',
    what: "SET's and RigL's drop fraction",
    methods: ['set', 'rigl'],
  },
  { key: 'updateEnd', flag: '--update-end', what: "SET's and RigL's schedule", methods: ['set', 'rigl'] },
  { key: 'betaInit', flag: '--beta-init', what: "Spartan's sharpness schedule", methods: ['spartan'] },
  { key: 'betaTarget', flag: '--beta-target', what: "Spartan's sharpness schedule", methods: ['spartan'] },
  { key: 'block', flag: '--block', what: "Spartan's block shape", methods: ['spartan'] },
  { key: 'costModel', flag: '--cost-model', what: "Spartan's cost model", methods: ['spartan'] },
  { key: 'anneal', flag: '--anneal', what: "Spartan's ramp shape", methods: ['spartan'] },
  { key: 'budgetScope', flag: '--budget-scope', what: "Spartan's budget scope", methods: ['spartan'] },
  { key: 'softTopK', flag: '--soft-top-k', what: "Spartan's soft top-k solver", methods: ['spartan'] },
] as const;

/** The forward sparsity of a sparse method when --sparsity is not given. */
export const DEFAULT_SPARSITY = 0.9;

/**
 * Spartan's β_target by model when --beta-target is not given. β multiplies raw weight magnitudes, so the right
 * value depends on the weights' scale: the spec's 10 for convnets and 20 for transformers; for the MLP (which
 * the spec does not cover) 100, measured on Fashion-MNIST 784-1024-1024-10 at 95% (one epoch: β 10 → 0.756,
 * 100 → 0.859, 1000 → 0.858 test accuracy; at β 10 the mask stays nearly flat, since |w| ≈ 0.03).
 */
export const spartanBetaTargets = { mlp: 100, cnn: 10, transformer: 20 } as const satisfies Record<
  ModelName,
  number
>;

/** Per-optimizer defaults: SGD with momentum at 0.05, AdamW at 0.001 with its usual decoupled decay. */
export const optimizerDefaults = {
  sgd: { lr: 0.05, weightDecay: 5e-4 },
  adamw: { lr: 1e-3, weightDecay: 0.01 },
} as const satisfies Record<OptimizerName, { lr: number; weightDecay: number }>;

/** The options of `topkast train` after commander parsed each value (unset ones undefined). */
export interface TrainFlags extends TransformerSettings, SpartanSettings {
  readonly dataset: DatasetName | TextDatasetName;
  /** Default: transformer on a text dataset, mlp on an image dataset. */
  readonly model?: ModelName;
  readonly hidden?: readonly number[];
  readonly activation?: TrainConfig['activation'];
  readonly epochs?: number;
  readonly steps?: number;
  readonly batchSize?: number;
  readonly optimizer?: OptimizerName;
  readonly lr?: number;
  readonly momentum?: number;
  readonly nesterov?: boolean;
  readonly weightDecay?: number;
  readonly schedule: ScheduleName;
  readonly seed: number;
  readonly method: string;
  readonly sparsity?: number;
  readonly bwdSparsity?: number;
  readonly refreshInterval?: number;
  readonly penalty?: number;
  readonly explorationScale?: number;
  /** Default: global for Spartan (the spec's default), uniform for the others. */
  readonly distribution?: DistributionName;
  /** Default: first,last for image models; the transformer's head (none when tied: its output is E). */
  readonly denseLayers?: readonly string[];
  readonly initialSparsity?: number;
  readonly pruningStart?: number;
  readonly pruningEnd?: number;
  readonly dropFraction?: number;
  readonly updateEnd?: number;
}

/**
 * The flags without the method-only ones that `method` does not read: `topkast compare` gives every run the same
 * flags, and a run of another method must neither refuse nor record them.
 */
export function flagsForMethod<F extends Partial<TrainFlags>>(flags: F, method: string): F {
  const kept = { ...flags };
  for (const { key, methods } of methodOnlyFlags) {
    if (!(methods as readonly string[]).includes(method)) delete kept[key];
  }
  return kept;
}

/**
 * Top-KAST's refresh interval by optimizer, from measurements (README, "Top-KAST with AdamW"): with AdamW the
 * entries of B \ A move by about lr per step whatever their gradient, so between refreshes they drift and
 * flood A (2-layer d 128 transformer, 1500 steps: test BPC 2.863 with N = 1, 3.097 with N = 100, static mask
 * 3.045), and an incremental refresh makes N = 1 cheap: 1. With SGD the paper's N = 100 (its appendix: the
 * same accuracy as N = 1). Other methods: their own default (undefined).
 */
export function defaultRefreshInterval(method: string, optimizer: OptimizerName): number | undefined {
  return method === 'topkast' && optimizer === 'adamw' ? 1 : undefined;
}

/**
 * Checks each given value against its entry of the config schema (src/run/configSchema.ts), fills
 * optimizer-dependent defaults and rejects combinations that make no sense, naming the fix. The result is a
 * whole config of the schema.
 */
export function resolveTrainConfig(flags: TrainFlags): TrainConfig {
  checkFlagValues(flags);
  const config = resolveCombination(flags);
  const problem = schemaProblem(trainConfigSchema, config);
  if (problem) throw new Error(`the resolved config is not valid: ${describeProblem('config', problem)}`);
  return config;
}

/** Config keys whose flag has another name. */
const configKeyOfFlag: Readonly<Record<string, TrainConfigKey>> = { bwdSparsity: 'backwardSparsity' };

/** Throws for the first flag whose value is outside its schema entry, naming the flag: `--steps 1e12: ...`. */
function checkFlagValues(flags: TrainFlags): void {
  for (const [key, value] of Object.entries(flags)) {
    const field = trainConfigFields[configKeyOfFlag[key] ?? (key as TrainConfigKey)];
    if (value === undefined || field === undefined) continue;
    const problem = schemaProblem(field, value);
    if (problem) {
      const flag = `--${key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
      throw new Error(`${flag} ${quoteValue(value)}: ${problem.message}`);
    }
  }
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
  if (method === 'dense' && flags.sparsity !== undefined && flags.sparsity > 0) {
    throw new Error(
      `--sparsity ${flags.sparsity} with --method dense: dense training keeps every weight; pick a sparse --method (e.g. topkast) or drop --sparsity`,
    );
  }
  for (const { key, flag, what, methods } of methodOnlyFlags) {
    if (flags[key] !== undefined && !(methods as readonly string[]).includes(method)) {
      throw new Error(`${flag} is ${what}: drop it, or use --method ${methods.join(' or ')}`);
    }
  }
  if (flags.nesterov && momentum === 0) {
    throw new Error('--nesterov needs momentum: drop --nesterov or set --momentum above 0');
  }
  const tied = text ? (flags.tied ?? false) : undefined;
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
    sparsity: method === 'dense' ? 0 : (flags.sparsity ?? DEFAULT_SPARSITY),
    backwardSparsity: flags.bwdSparsity,
    refreshInterval: flags.refreshInterval ?? defaultRefreshInterval(method, optimizer),
    penalty: flags.penalty,
    explorationScale: flags.explorationScale,
    distribution: flags.distribution ?? (method === 'spartan' ? 'global' : 'uniform'),
    denseLayers: [...(flags.denseLayers ?? (text ? [tied ? 'none' : 'head'] : ['first', 'last']))],
    initialSparsity: flags.initialSparsity,
    pruningStart: flags.pruningStart,
    pruningEnd: flags.pruningEnd,
    dropFraction: flags.dropFraction,
    updateEnd: flags.updateEnd,
    betaInit: flags.betaInit,
    betaTarget: method === 'spartan' ? (flags.betaTarget ?? spartanBetaTargets[model]) : flags.betaTarget,
    block: flags.block,
    costModel: flags.costModel,
    anneal: flags.anneal,
    budgetScope: flags.budgetScope,
    softTopK: flags.softTopK,
  };
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
  const { backwardSparsity, momentum, ...rest } = config;
  return {
    ...rest,
    bwdSparsity: backwardSparsity,
    momentum: config.optimizer === 'sgd' ? momentum : undefined,
  };
}

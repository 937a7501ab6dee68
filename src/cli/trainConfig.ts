/**
 * The settings of a training run, as the CLI resolves them: every default filled in, every combination
 * checked. `epochs` may stay undefined here when a step limit is given: the run then takes as many epochs as
 * the steps need (runTraining resolves it once the dataset size is known).
 */
import type { DatasetName } from '../data/registry.js';
import type { DistributionName } from '../methods/distribution.js';

export const optimizerNames = ['sgd', 'adamw'] as const;
export const scheduleNames = ['constant', 'cosine', 'step'] as const;
export const activationNames = ['relu', 'gelu'] as const;
export const modelNames = ['mlp', 'cnn'] as const;

export type OptimizerName = (typeof optimizerNames)[number];
export type ScheduleName = (typeof scheduleNames)[number];

export interface TrainConfig {
  readonly dataset: DatasetName;
  readonly model: (typeof modelNames)[number];
  readonly hidden: readonly number[];
  readonly activation: (typeof activationNames)[number];
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

/** Flags that belong to some methods only: given with another method, they are refused. */
const methodOnlyFlags = [
  { key: 'bwdSparsity', flag: '--bwd-sparsity', what: "Top-KAST's backward set", methods: ['topkast'] },
  { key: 'penalty', flag: '--penalty', what: "Top-KAST's exploration penalty", methods: ['topkast'] },
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
] as const;

/** The forward sparsity of a sparse method when --sparsity is not given. */
export const DEFAULT_SPARSITY = 0.9;

/** Per-optimizer defaults: SGD with momentum at 0.05, AdamW at 0.001 with its usual decoupled decay. */
export const optimizerDefaults = {
  sgd: { lr: 0.05, weightDecay: 5e-4 },
  adamw: { lr: 1e-3, weightDecay: 0.01 },
} as const satisfies Record<OptimizerName, { lr: number; weightDecay: number }>;

/** The options of `topkast train` after commander parsed each value (unset ones undefined). */
export interface TrainFlags {
  readonly dataset: DatasetName;
  readonly model: TrainConfig['model'];
  readonly hidden: readonly number[];
  readonly activation: TrainConfig['activation'];
  readonly epochs?: number;
  readonly steps?: number;
  readonly batchSize: number;
  readonly optimizer: OptimizerName;
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
  readonly distribution: DistributionName;
  readonly denseLayers: readonly string[];
  readonly initialSparsity?: number;
  readonly pruningStart?: number;
  readonly pruningEnd?: number;
  readonly dropFraction?: number;
  readonly updateEnd?: number;
}

/** Fills optimizer-dependent defaults and rejects combinations that make no sense, naming the fix. */
export function resolveTrainConfig(flags: TrainFlags): TrainConfig {
  const { optimizer } = flags;
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
  return {
    dataset: flags.dataset,
    model: flags.model,
    hidden: [...flags.hidden],
    activation: flags.activation,
    epochs: flags.epochs ?? (flags.steps === undefined ? DEFAULT_EPOCHS : undefined),
    steps: flags.steps,
    batchSize: flags.batchSize,
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
    refreshInterval: flags.refreshInterval,
    penalty: flags.penalty,
    distribution: flags.distribution,
    denseLayers: [...flags.denseLayers],
    initialSparsity: flags.initialSparsity,
    pruningStart: flags.pruningStart,
    pruningEnd: flags.pruningEnd,
    dropFraction: flags.dropFraction,
    updateEnd: flags.updateEnd,
  };
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

/**
 * The method registry: a name → a factory from the common options. A new method is one new file plus one
 * line here. Set-based methods (method.ts) are `methodNames()`; Spartan, which trains dense weights behind a
 * soft mask (spartan.ts), joins them in `trainingMethodNames()`, the list the CLI offers.
 */

import type { TrainingMethod } from './controller.js';
import { Dense } from './dense.js';
import { GradualMagnitudePruning } from './gmp.js';
import { RigL } from './rigl.js';
import { type DropAndGrowOptions, SparseEvolutionaryTraining } from './set.js';
import type { SetBasedMethod } from './setBasedMethod.js';
import { type BudgetScope, type CostModel, Spartan } from './spartan.js';
import { StaticSparse } from './static.js';
import { StraightThrough } from './ste.js';
import { TopKast } from './topkast.js';

/**
 * The options every method factory receives; each reads the ones it needs and ignores the rest. A method's
 * `config` uses these keys, so createMethod(method.name, method.config) rebuilds the same method
 * (methodFromConfig).
 */
export interface MethodOptions {
  /** Forward sparsity of the sparse layers (the final one, for GMP). */
  sparsity: number;
  /** Top-KAST's backward sparsity (default: the paper's pairing, see defaultBackwardSparsity). */
  backwardSparsity?: number;
  /**
   * Steps between set refreshes (Top-KAST: default 100; STE: default 1), pruning steps (GMP's Δt: default 100)
   * or mask updates (SET, RigL: ΔT, default 100).
   */
  refreshInterval?: number;
  /** Top-KAST's exploration penalty λ (default 1e-4). */
  penalty?: number;
  /** Top-KAST's step on B \ A relative to A's (default 1: the paper). */
  explorationScale?: number;
  /** GMP's initial sparsity s_i (default 0). */
  initialSparsity?: number;
  /** GMP's first pruning step t0, as a fraction of training (default 0.1). */
  pruningStart?: number;
  /** GMP's end of pruning, as a fraction of training (default 0.6). */
  pruningEnd?: number;
  /** SET's and RigL's drop fraction α at the first mask update, cosine-decayed after (default 0.3). */
  dropFraction?: number;
  /** SET's and RigL's T_end, the end of mask updates, as a fraction of training (default 0.75). */
  updateEnd?: number;
  /** Spartan's options (see SpartanOptions for their defaults). */
  betaInit?: number;
  betaTarget?: number;
  block?: string;
  costModel?: CostModel;
  anneal?: 'linear' | 'cosine';
  warmup?: number;
  freeze?: number;
  budgetScope?: BudgetScope;
  solver?: 'newton' | 'sinkhorn';
}

type MethodFactory = (options: MethodOptions) => SetBasedMethod;

const factories = new Map<string, MethodFactory>([
  ['dense', () => new Dense()],
  ['static', (o) => new StaticSparse({ sparsity: o.sparsity })],
  [
    'topkast',
    (o) =>
      new TopKast({
        forwardSparsity: o.sparsity,
        backwardSparsity: o.backwardSparsity ?? defaultBackwardSparsity(o.sparsity),
        refreshInterval: o.refreshInterval,
        penalty: o.penalty,
        explorationScale: o.explorationScale,
      }),
  ],
  [
    'gmp',
    (o) =>
      new GradualMagnitudePruning({
        sparsity: o.sparsity,
        initialSparsity: o.initialSparsity,
        pruningStart: o.pruningStart,
        pruningEnd: o.pruningEnd,
        refreshInterval: o.refreshInterval,
      }),
  ],
  ['ste', (o) => new StraightThrough({ sparsity: o.sparsity, refreshInterval: o.refreshInterval })],
  ['set', (o) => new SparseEvolutionaryTraining(dropAndGrowOptions(o))],
  ['rigl', (o) => new RigL(dropAndGrowOptions(o))],
]);

function dropAndGrowOptions(o: MethodOptions): DropAndGrowOptions {
  return {
    sparsity: o.sparsity,
    refreshInterval: o.refreshInterval,
    dropFraction: o.dropFraction,
    updateEnd: o.updateEnd,
  };
}

/** Every registered method name, in registration order. */
export function methodNames(): string[] {
  return [...factories.keys()];
}

/** Every method a run may use: the set-based ones and Spartan. */
export function trainingMethodNames(): string[] {
  return [...methodNames(), 'spartan'];
}

/** Builds the named set-based method; unknown names are an error that lists the known ones. */
export function createMethod(name: string, options: MethodOptions): SetBasedMethod {
  const factory = factories.get(name);
  if (!factory) throw new Error(`unknown method '${name}': use one of ${methodNames().join(', ')}`);
  return factory(options);
}

/** Builds any method a run may use, Spartan included. */
export function createTrainingMethod(name: string, options: MethodOptions): TrainingMethod {
  if (name !== 'spartan') return createMethod(name, options);
  return new Spartan({
    sparsity: options.sparsity,
    betaInit: options.betaInit,
    betaTarget: options.betaTarget,
    block: options.block,
    costModel: options.costModel,
    anneal: options.anneal,
    warmup: options.warmup,
    freeze: options.freeze,
    budgetScope: options.budgetScope,
    solver: options.solver,
  });
}

/** Rebuilds a method from its name and `config` (a run summary's or a checkpoint's), which hold MethodOptions keys. */
export function methodFromConfig(
  name: string,
  config: Readonly<Record<string, number | string | boolean>>,
): TrainingMethod {
  const known = new Set<string>(optionNames);
  const unknown = Object.keys(config).filter((key) => !known.has(key));
  if (unknown.length > 0) {
    throw new Error(
      `method ${name}: unknown option(s) ${unknown.join(', ')} in its config: use ${optionNames.join(', ')}`,
    );
  }
  return createTrainingMethod(name, config as unknown as MethodOptions);
}

const optionNames: readonly (keyof MethodOptions)[] = [
  'sparsity',
  'backwardSparsity',
  'refreshInterval',
  'penalty',
  'explorationScale',
  'initialSparsity',
  'pruningStart',
  'pruningEnd',
  'dropFraction',
  'updateEnd',
  'betaInit',
  'betaTarget',
  'block',
  'costModel',
  'anneal',
  'warmup',
  'freeze',
  'budgetScope',
  'solver',
];

/**
 * Top-KAST's backward sparsity for a forward sparsity, as paired in the paper (80%→50%, 90%→80%, 95%→90%);
 * in between and elsewhere: the backward set twice the forward set's size, 1 − 2·(1 − S), floored at 0.
 */
export function defaultBackwardSparsity(forwardSparsity: number): number {
  const paired = new Map([
    [0.8, 0.5],
    [0.9, 0.8],
    [0.95, 0.9],
  ]);
  return paired.get(forwardSparsity) ?? Math.max(0, 1 - 2 * (1 - forwardSparsity));
}

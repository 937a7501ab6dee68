/**
 * The options several methods read, declared once (definition.ts); each method lists the ones it reads with
 * its own default. Sparsity, refresh interval, distribution and dense layers are run-wide: every method
 * accepts them (a comparison gives all its runs the same flags), and the run config records them as given.
 */

import { option } from './definition.js';
import { type DistributionName, distributionNames } from './distribution.js';
import { ENTERING_STATES, type EnteringState } from './enteringState.js';
import { choiceKind, kinds } from './optionKinds.js';

/** The forward sparsity of a sparse method when --sparsity is not given. */
export const DEFAULT_SPARSITY = 0.9;

export const sparsity = option({
  key: 'sparsity',
  flag: '--sparsity <s>',
  help: 'forward sparsity of the sparse layers (the final one for gmp)',
  what: 'the sparse layers’ sparsity',
  ...kinds.sparsity,
  everyMethod: true,
  variesInGrid: true,
  runDefault: () => DEFAULT_SPARSITY,
  unread: {
    value: 0,
    problem: (value, method) =>
      `--sparsity ${value} with --method ${method}: ${method} training keeps every weight; pick a sparse --method (e.g. topkast) or drop --sparsity`,
  },
});

export const refreshInterval = option({
  key: 'refreshInterval',
  flag: '--refresh-interval <n>',
  help: 'steps between refreshes of the sparse sets (gmp: pruning steps; set, rigl: mask updates)',
  what: 'the steps between refreshes',
  ...kinds.interval,
  everyMethod: true,
});

export const distribution = option({
  key: 'distribution',
  flag: '--distribution <name>',
  help: 'how the sparsity is spread over layers',
  what: 'the spread of the sparsity over layers',
  ...choiceKind<DistributionName>(distributionNames),
  everyMethod: true,
  runDefault: () => 'uniform',
});

export const denseLayers = option({
  key: 'denseLayers',
  flag: '--dense-layers <layers>',
  help: 'layers kept dense: names, first, last, or none',
  what: 'the layers kept dense',
  ...kinds.layerList,
  everyMethod: true,
  runDefault: ({ model, tied }) => (model === 'transformer' ? [tied ? 'none' : 'head'] : ['first', 'last']),
  defaultText: 'first,last; transformer: head, none when --tied',
});

/**
 * The optimizer state of an entry entering B at a refresh (spec/topkast.md step 5; enteringState.ts): zero, or
 * each state array's mean over the entries that stayed. Issue #13's command-line flag for it.
 */
export const enteringState = option({
  key: 'enteringState',
  flag: '--entering-state <state>',
  help: 'optimizer state of entries entering the backward set: zero, or the mean over those that stayed',
  what: 'the optimizer state of entering entries',
  ...choiceKind<EnteringState>(ENTERING_STATES),
});

/** The common options, in the order a run config lists them. */
export const commonOptions = [sparsity, refreshInterval, distribution, denseLayers, enteringState] as const;

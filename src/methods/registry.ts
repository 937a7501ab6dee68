/**
 * The method registry: a name → a factory from the common options. A new method is one new file plus one
 * line here.
 */
import { Dense } from './dense.js';
import type { SparsityMethod } from './method.js';
import { StaticSparse } from './static.js';
import { TopKast } from './topkast.js';

/** The options every method factory receives; each reads the ones it needs. */
export interface MethodOptions {
  /** Forward sparsity of the sparse layers (the final one, for GMP). */
  sparsity: number;
  /** Top-KAST's backward sparsity (default: the paper's pairing, see defaultBackwardSparsity). */
  backwardSparsity?: number;
  /** Steps between set refreshes (Top-KAST, STE) or mask updates (SET, RigL). */
  refreshInterval?: number;
  /** Top-KAST's exploration penalty λ. */
  penalty?: number;
}

type MethodFactory = (options: MethodOptions) => SparsityMethod;

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
      }),
  ],
]);

/** Every registered method name, in registration order. */
export function methodNames(): string[] {
  return [...factories.keys()];
}

/** Builds the named method; unknown names are an error that lists the known ones. */
export function createMethod(name: string, options: MethodOptions): SparsityMethod {
  const factory = factories.get(name);
  if (!factory) throw new Error(`unknown method '${name}': use one of ${methodNames().join(', ')}`);
  return factory(options);
}

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

/**
 * Spartan's settings (spartan.ts; ../../shared/spec/spartan.md): this class checks and records the options,
 * so that a run summary's or a checkpoint's config rebuilds the same method; the soft-mask controller
 * (softMaskController.ts) reads them.
 */
import { type BlockDims, parseBlockDims } from '../spartan/blockLayout.js';
import { type AnnealShape, annealShapes } from '../spartan/schedule.js';
import type { SoftTopKMethod } from '../spartan/softTopK.js';
import { checkDensity, checkFraction } from '../util/checks.js';
import { type BudgetScope, budgetScopes, type CostModel, costModels } from './spartanBudget.js';

export interface SpartanOptions {
  /** The target sparsity, 1 − κ_target. */
  sparsity: number;
  /** β at step 0 (default 1). */
  betaInit?: number;
  /** β's final value before the √(block size) scaling (default 10, the spec's convnet value; 20 for transformers). */
  betaTarget?: number;
  /** Block dims b_out×b_in, as "4x4" (default "1x1": unstructured). */
  block?: string;
  /** Default "sparsity". */
  costModel?: CostModel;
  /** The shape of the κ and β ramps (default "linear"). */
  anneal?: AnnealShape;
  /** Fraction of training over which κ falls from 1 to the target (default 0.2). */
  warmup?: number;
  /** Fraction of training at which β is final and the masks freeze (default 0.8). */
  freeze?: number;
  /** Default "model". */
  budgetScope?: BudgetScope;
  /** "newton" (exact budget, default) or "sinkhorn" (the reference code's loop, for parity). */
  solver?: SoftTopKMethod;
}

export class SpartanSettings {
  readonly name = 'spartan';
  readonly sparse = true;
  readonly sparsity: number;
  readonly betaInit: number;
  readonly betaTarget: number;
  readonly block: BlockDims;
  readonly costModel: CostModel;
  readonly anneal: AnnealShape;
  readonly warmup: number;
  readonly freeze: number;
  readonly budgetScope: BudgetScope;
  readonly solver: SoftTopKMethod;
  /** Keyed like the options, so new Spartan(config) rebuilds the method. */
  readonly config: Readonly<Record<string, number | string>>;

  constructor(options: SpartanOptions) {
    checkDensity(1 - options.sparsity, 'spartan: 1 − sparsity (the kept fraction κ)');
    this.sparsity = options.sparsity;
    this.betaInit = positive(options.betaInit ?? 1, '--beta-init');
    this.betaTarget = positive(options.betaTarget ?? 10, '--beta-target');
    const block = options.block ?? '1x1';
    this.block = parseBlockDims(block);
    this.costModel = oneOf(options.costModel ?? 'sparsity', costModels, '--cost-model');
    this.anneal = oneOf(options.anneal ?? 'linear', annealShapes, '--anneal');
    this.warmup = options.warmup ?? 0.2;
    this.freeze = options.freeze ?? 0.8;
    checkFraction(this.warmup, 'spartan: the warmup fraction');
    checkFraction(this.freeze, 'spartan: the freeze fraction');
    this.budgetScope = oneOf(options.budgetScope ?? 'model', budgetScopes, '--budget-scope');
    this.solver = oneOf(options.solver ?? 'newton', ['newton', 'sinkhorn'] as const, 'spartan solver');
    this.config = {
      sparsity: this.sparsity,
      betaInit: this.betaInit,
      betaTarget: this.betaTarget,
      block: `${this.block.rows}x${this.block.cols}`,
      costModel: this.costModel,
      anneal: this.anneal,
      warmup: this.warmup,
      freeze: this.freeze,
      budgetScope: this.budgetScope,
      solver: this.solver,
    };
  }
}

function positive(value: number, what: string): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`spartan: ${what} must be a finite number > 0, got ${value}`);
  }
  return value;
}

function oneOf<T extends string>(value: string, allowed: readonly T[], what: string): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new Error(`spartan: ${what} '${value}' is unknown: use one of ${allowed.join(', ')}`);
  }
  return value as T;
}

/**
 * The small base every set-based method extends (JaxPruner style: an algorithm overrides one or two rules of
 * the base; ../../shared/DESIGN.md, "Style"). The base holds the sparsity and gives the defaults of a static
 * mask: densities 1 − sparsity for both sets, no refresh, the current sets kept, entering entries from θ,
 * `config` = { sparsity }. It attaches to a model through the set-based controller (setBasedController.ts).
 * So static sparsity states only its initial sets; SET adds its refresh schedule and drop-and-grow selection,
 * RigL (a SET) only a different grow score; Top-KAST its two densities, selection and penalty; STE is a
 * Top-KAST; GMP its pruning schedule.
 */
import type { Module } from '../nn/module.js';
import type { Sparsifiable } from '../nn/sparsifiable.js';
import type { SparseWeight } from '../sparse/sparseWeight.js';
import { checkDensity } from '../util/checks.js';
import type { ControllerOptions, TrainingMethod } from './controller.js';
import type { EnteringValue, SelectionContext, Sets, SparsityMethod } from './method.js';
import { attachSetBased, type SetBasedController } from './setBasedController.js';

export abstract class SetBasedMethod implements SparsityMethod, TrainingMethod<SetBasedController> {
  abstract readonly name: string;
  readonly sparse: boolean = true;
  readonly enteringValue: EnteringValue = 'theta';
  /** The forward sparsity of the sparse layers, 1 − their density (GMP: the final one). */
  readonly sparsity: number;

  /** `what` names the density in the error when the sparsity is outside [0, 1). */
  constructor(sparsity: number, what = 'density (1 − sparsity)') {
    checkDensity(1 - sparsity, what);
    this.sparsity = sparsity;
  }

  /** The options as plain data, keyed like the registry's MethodOptions so that the registry rebuilds it. */
  get config(): Readonly<Record<string, number | string | boolean>> {
    return { sparsity: this.sparsity };
  }

  forwardDensity(_step: number, _totalSteps: number): number {
    return 1 - this.sparsity;
  }

  backwardDensity(step: number, totalSteps: number): number {
    return this.forwardDensity(step, totalSteps);
  }

  abstract initialSets(theta: Float32Array, context: SelectionContext): Sets;

  /** Never, by default (a static mask). */
  isRefreshStep(_step: number, _totalSteps: number): boolean {
    return false;
  }

  /** The current sets, by default (a static mask). */
  selectSets(weight: SparseWeight, _context: SelectionContext): Sets {
    return { forward: weight.forwardIndices().slice(), backward: weight.backwardIndices().slice() };
  }

  /** Makes `layers` sparse with this method's initial sets; the set-based controller runs the method. */
  createController(
    model: Module,
    layers: readonly (Module & Sparsifiable)[],
    options: ControllerOptions,
  ): SetBasedController {
    return attachSetBased(this, model, layers, options);
  }
}

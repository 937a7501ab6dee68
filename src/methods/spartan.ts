/**
 * Spartan (Tai, Tian, Lim, "Spartan: Differentiable Sparsity via Regularized Transportation", NeurIPS 2022,
 * arXiv:2205.14107; ../../shared/spec/spartan.md). Its weights stay dense while it trains, behind a soft top-k
 * mask recomputed every step, and only become sparse at the end, so it attaches through the soft-mask
 * controller (softMaskController.ts) rather than the set-based one; its options are SpartanSettings.
 */
import type { Module } from '../nn/module.js';
import type { Sparsifiable } from '../nn/sparsifiable.js';
import type { ControllerOptions, TrainingMethod } from './controller.js';
import { SoftMaskController } from './softMaskController.js';
import { SpartanSettings } from './spartanSettings.js';

export { type BudgetScope, budgetScopes, type CostModel, costModels } from './spartanBudget.js';
export type { SpartanOptions } from './spartanSettings.js';

export class Spartan extends SpartanSettings implements TrainingMethod<SoftMaskController> {
  /** Masks `layers` behind soft top-k masks; the soft-mask controller runs Spartan and makes them sparse at the end. */
  createController(
    model: Module,
    layers: readonly (Module & Sparsifiable)[],
    options: ControllerOptions,
  ): SoftMaskController {
    return new SoftMaskController(this, model, layers, options);
  }
}

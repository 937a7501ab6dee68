/**
 * Spartan (Tai, Tian, Lim, "Spartan: Differentiable Sparsity via Regularized Transportation", NeurIPS 2022,
 * arXiv:2205.14107; ../../shared/spec/spartan.md). Its weights stay dense while it trains, behind a soft top-k
 * mask recomputed every step, and only become sparse at the end, so it attaches through the soft-mask
 * controller (softMaskController.ts) rather than the set-based one; its options are SpartanSettings.
 */
import { z } from 'zod';
import type { Module } from '../nn/module.js';
import type { Sparsifiable } from '../nn/sparsifiable.js';
import { parseBlockDims } from '../spartan/blockLayout.js';
import { type AnnealShape, annealShapes } from '../spartan/schedule.js';
import type { SoftTopKMethod } from '../spartan/softTopK.js';
import { distribution, sparsity } from './commonOptions.js';
import type { ControllerOptions, TrainingMethod } from './controller.js';
import { defineMethod, type ModelKind, option, reads } from './definition.js';
import { choiceKind, configLimits, kinds, OptionValueError } from './optionKinds.js';
import { SoftMaskController } from './softMaskController.js';
import { type BudgetScope, budgetScopes, type CostModel, costModels } from './spartanBudget.js';
import { SpartanSettings } from './spartanSettings.js';

export type { SpartanOptions } from './spartanSettings.js';
export { type BudgetScope, budgetScopes, type CostModel, costModels };

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

/**
 * β_target by model when --beta-target is not given. β multiplies raw weight magnitudes, so the right value
 * depends on the weights' scale: the spec's 10 for convnets and 20 for transformers; for the MLP (which the spec
 * does not cover) 100, measured on Fashion-MNIST 784-1024-1024-10 at 95% (one epoch: β 10 → 0.756, 100 → 0.859,
 * 1000 → 0.858 test accuracy; at β 10 the mask stays nearly flat, since |w| ≈ 0.03).
 */
export const spartanBetaTargets = { mlp: 100, cnn: 10, transformer: 20 } as const satisfies Record<
  ModelKind,
  number
>;

const betaInit = option({
  key: 'betaInit',
  flag: '--beta-init <β>',
  help: "Spartan's sharpness at step 0",
  what: "Spartan's sharpness schedule",
  ...kinds.positive,
});

const betaTarget = option({
  key: 'betaTarget',
  flag: '--beta-target <β>',
  help: "Spartan's final sharpness, times √(block size); it multiplies raw weight magnitudes",
  what: "Spartan's sharpness schedule",
  ...kinds.positive,
});

/** "b_out×b_in" with both at most the widest layer a run takes. */
function parseBlock(text: string): string {
  try {
    const { rows, cols } = parseBlockDims(text);
    if (rows <= configLimits.width && cols <= configLimits.width) return text;
  } catch {
    // Reported below.
  }
  throw new OptionValueError('expected b_out×b_in, like 1x1 or 4x4.');
}

const block = option({
  key: 'block',
  flag: '--block <b_out>x<b_in>',
  help: "Spartan's block shape, e.g. 4x4",
  what: "Spartan's block shape",
  parse: parseBlock,
  schema: z
    .string()
    .max(32)
    .refine((text) => {
      try {
        return parseBlock(text) === text;
      } catch {
        return false;
      }
    }, 'expected b_out×b_in, like 1x1 or 4x4'),
});

const costModel = option({
  key: 'costModel',
  flag: '--cost-model <name>',
  help: "Spartan's entry costs: weights, or FLOPs",
  what: "Spartan's cost model",
  ...choiceKind<CostModel>(costModels),
});

const anneal = option({
  key: 'anneal',
  flag: '--anneal <shape>',
  help: "Spartan's κ and β ramps",
  what: "Spartan's ramp shape",
  ...choiceKind<AnnealShape>(annealShapes),
});

const warmup = option({
  key: 'warmup',
  flag: '--warmup <f>',
  help: "Spartan's fraction of training over which κ falls from 1 to the target",
  what: "Spartan's κ ramp",
  ...kinds.fraction,
});

const freeze = option({
  key: 'freeze',
  flag: '--freeze <f>',
  help: "Spartan's fraction of training at which β is final and the masks freeze",
  what: "Spartan's freeze",
  ...kinds.fraction,
});

const budgetScope = option({
  key: 'budgetScope',
  flag: '--budget-scope <scope>',
  help: "Spartan's target: the whole model, dense layers counted, or the masked layers alone",
  what: "Spartan's budget scope",
  ...choiceKind<BudgetScope>(budgetScopes),
});

const solver = option({
  key: 'solver',
  flag: '--soft-top-k <solver>',
  help: "Spartan's soft top-k solver: exact Newton, or the reference code's Sinkhorn loop",
  what: "Spartan's soft top-k solver",
  ...choiceKind<SoftTopKMethod>(['newton', 'sinkhorn']),
});

export const spartanDefinition = defineMethod({
  name: 'spartan',
  description: 'Spartan: dense weights behind a soft top-k mask, sharpened until it freezes, then sparse',
  kind: 'soft-mask',
  reads: [
    reads(sparsity),
    reads(betaInit, { default: 1 }),
    reads(betaTarget, { default: 10, runDefault: ({ model }) => spartanBetaTargets[model] }),
    reads(block, { default: '1x1' }),
    reads(costModel, { default: 'sparsity' }),
    reads(anneal, { default: 'linear' }),
    reads(warmup, { default: 0.2 }),
    reads(freeze, { default: 0.8 }),
    reads(budgetScope, { default: 'model' }),
    reads(solver, { default: 'newton' }),
    reads(distribution, { runDefault: () => 'global' as const }),
  ],
  create: (o) => new Spartan(o),
});

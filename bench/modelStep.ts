/**
 * A model's training step as a SteppedCase (timing.ts): built and run on one engine, with its method's hooks,
 * timed in samples of a whole refresh period when the method refreshes, so every sample holds its refresh.
 */
import { type Engine, useEngine } from '../src/kernels/engine.js';
import type { MethodController } from '../src/methods/controller.js';
import { createMethod } from '../src/methods/registry.js';
import type { SetBasedMethod } from '../src/methods/setBasedMethod.js';
import type { Module } from '../src/nn/module.js';
import type { Optimizer } from '../src/optim/optimizer.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { trainStep } from '../src/train/trainStep.js';
import type { SteppedCase } from './timing.js';

/** Top-KAST's refresh interval in the step benchmarks (its default, N = 100): one sample is one period. */
export const REFRESH_INTERVAL = 100;
/** Steps per sample of a case that never refreshes (dense; Spartan before its freeze). */
export const STEPS_WITHOUT_REFRESH = 10;
/** Long enough that no schedule ends (and Spartan does not freeze) while a benchmark runs. */
export const TOTAL_STEPS = 1_000_000;

/** Top-KAST at the given forward and backward sparsity with the benchmarks' refresh interval; null: dense. */
export function topkastOrDense(sparsity: { forward: number; backward: number } | null): SetBasedMethod {
  if (!sparsity) return createMethod('dense', { sparsity: 0 });
  return createMethod('topkast', {
    sparsity: sparsity.forward,
    backwardSparsity: sparsity.backward,
    refreshInterval: REFRESH_INTERVAL,
  });
}

/** What a step needs: the model, its controller and optimizer, one batch (on the engine's heap), the lr. */
export interface BuiltStep {
  model: Module;
  controller: MethodController;
  optimizer: Optimizer;
  x: Tensor;
  labels: Int32Array;
  lr: number;
}

/** A timed training step that also reports its FLOPs so far and frees what it built. */
export interface ModelStepCase extends SteppedCase {
  /** Kernel threads of the engine it runs on. */
  readonly threads: number;
  /** Training FLOPs so far relative to dense: what the sets require, and what the kernels that ran cost. */
  flops(): { relative: number; executed: number };
  dispose(): void;
}

/** Builds with `build` on `on` and returns the step as a case; `refreshes`: samples of REFRESH_INTERVAL steps. */
export function modelStepCase(
  label: string,
  on: Engine,
  refreshes: boolean,
  build: () => BuiltStep,
): ModelStepCase {
  useEngine(on);
  const built = build();
  let step = 0;
  return {
    label,
    threads: on.threads,
    stepsPerSample: refreshes ? REFRESH_INTERVAL : STEPS_WITHOUT_REFRESH,
    step() {
      useEngine(on);
      const { model, optimizer, x, labels, lr, controller } = built;
      trainStep({ model, optimizer, x, labels, step, lr, hooks: controller });
      step++;
    },
    flops: () => ({
      relative: built.controller.relativeTrainingFlops(),
      executed: built.controller.executedTrainingFlops(),
    }),
    dispose() {
      useEngine(on);
      built.model.dispose?.();
      built.x.dispose();
      on.heap.free(built.labels);
    },
  };
}

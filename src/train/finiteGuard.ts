import type { Module } from '../nn/module.js';
import { firstNonFinite } from '../util/checks.js';
import type { Callbacks, PeriodMetrics } from './callbacks.js';

/**
 * Throws unless every weight and optimizer state value of `model` is finite, naming `when` (the step), the
 * trainable, the array and the entry: a NaN put into a weight, or an overflow the loss has not shown yet,
 * must stop the run rather than reach its summary or checkpoints. One pass over the weights and their state.
 */
export function requireFiniteModel(model: Module, when: string): void {
  for (const trainable of model.trainables()) {
    const arrays: [string, Float32Array][] = [
      ['values', trainable.values as Float32Array],
      ...trainable.state,
    ];
    for (const [what, array] of arrays) {
      const i = firstNonFinite(array);
      if (i >= 0) {
        const part = what === 'values' ? 'values' : `optimizer state ${what}`;
        throw new Error(
          `${when}: ${trainable.name} ${part} hold ${array[i]} at entry ${i}: the run diverged or its memory was damaged; lower --lr, or resume from the last checkpoint`,
        );
      }
    }
  }
}

/**
 * The fit callback that checks the model after each period's evaluation (requireFiniteModel): once per period,
 * outside the hot loop. Checkpoints check what they save themselves (encodeCheckpoint).
 */
export function finiteGuard(model: Module): Callbacks<PeriodMetrics> {
  return {
    onEpochEnd(metrics) {
      requireFiniteModel(model, `step ${metrics.step}`);
    },
  };
}

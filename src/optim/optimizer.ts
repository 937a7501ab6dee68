import { engine } from '../kernels/engine.js';
import type { Trainable } from '../nn/trainable.js';

/** The serialisable part of an optimizer that does not live in its trainables' state arrays. */
export interface OptimizerState {
  /** Steps taken so far (AdamW's bias correction uses it). */
  stepCount: number;
}

/** What the training loop needs from an optimizer. */
export interface Optimizer {
  readonly trainables: readonly Trainable[];
  /**
   * Updates `next` from now on where it updated `previous`: a layer replaced its weight object (Spartan's
   * finalize turns a dense Parameter into a SparseWeight). `next` brings its own state.
   */
  replaceTrainable(previous: Trainable, next: Trainable): void;
  /** One update of every trainable from its accumulated grads; `lr` overrides the base rate (schedules). */
  step(lr?: number): void;
  /** Sets every trainable's grads to zero (backward passes accumulate). */
  zeroGrad(): void;
  getState(): OptimizerState;
  setState(state: OptimizerState): void;
}

/** Checks the trainables once: names unique (checkpoints key by them) and grads sized like values. */
export function checkTrainables(optimizer: string, trainables: readonly Trainable[]): void {
  const names = new Set<string>();
  for (const trainable of trainables) {
    if (names.has(trainable.name)) {
      throw new Error(`${optimizer}: two trainables are named ${trainable.name}; names must be unique`);
    }
    names.add(trainable.name);
    checkSizes(optimizer, trainable);
  }
}

/** The list with `next` in place of `previous` (Optimizer.replaceTrainable); throws if `previous` is not in it. */
export function withReplaced(
  optimizer: string,
  trainables: readonly Trainable[],
  previous: Trainable,
  next: Trainable,
): Trainable[] {
  const at = trainables.indexOf(previous);
  if (at < 0) throw new Error(`${optimizer}: ${previous.name} is not one of the trainables it updates`);
  checkSizes(optimizer, next);
  return trainables.map((trainable, i) => (i === at ? next : trainable));
}

/** Throws unless grads have as many entries as values. */
export function checkSizes(optimizer: string, trainable: Trainable): void {
  if (trainable.grads.length !== trainable.values.length) {
    throw new Error(
      `${optimizer}: ${trainable.name} has ${trainable.values.length} values but ${trainable.grads.length} grads: they must match`,
    );
  }
}

/**
 * The trainable's state array under `key`, created (zeroed, in the heap) on first use. Throws if it exists
 * with the wrong length, which means the trainable changed its entries without remapping its state.
 */
export function stateArray(optimizer: string, trainable: Trainable, key: string): Float32Array {
  let array = trainable.state.get(key);
  if (array === undefined) {
    array = engine().heap.allocF32(trainable.values.length);
    trainable.state.set(key, array);
  } else if (array.length !== trainable.values.length) {
    throw new Error(
      `${optimizer}: state '${key}' of ${trainable.name} has ${array.length} entries but values have ${trainable.values.length}: remap optimizer state when a trainable's entries change`,
    );
  }
  return array;
}

/**
 * The trainable's entries as the optimizer updates them: [0, split) at the full rate and [split, n) at
 * `scale` times it (Trainable.updateScale); split = n when every entry takes the full step.
 */
export function updateSegments(trainable: Trainable): { split: number; scale: number } {
  const n = trainable.values.length;
  const scale = trainable.updateScale ?? 1;
  if (scale === 1) return { split: n, scale };
  return { split: Math.min(n, trainable.scaledFrom ?? 0), scale };
}

/** Sets every trainable's grads to zero. */
export function zeroGrads(trainables: readonly Trainable[]): void {
  for (const trainable of trainables) trainable.grads.fill(0);
}

/** Throws unless x is finite and > 0 (or ≥ 0 when zero is allowed). */
export function requirePositive(what: string, x: number, allowZero = false): void {
  if (!Number.isFinite(x) || x < 0 || (x === 0 && !allowZero)) {
    throw new Error(`${what} must be a finite number ${allowZero ? '≥ 0' : '> 0'}, got ${x}`);
  }
}

/** Throws unless x is in [0, 1). */
export function requireUnitInterval(what: string, x: number): void {
  if (!(x >= 0 && x < 1)) throw new Error(`${what} must be in [0, 1), got ${x}`);
}

/** Checks a state from getState(): a non-negative integer step count. */
export function checkState(optimizer: string, state: OptimizerState): void {
  if (!Number.isInteger(state?.stepCount) || state.stepCount < 0) {
    throw new Error(`${optimizer}.setState: expected { stepCount: non-negative integer } from getState()`);
  }
}

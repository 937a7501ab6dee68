import { engine } from '../kernels/engine.js';
import type { Trainable } from '../tensor/trainable.js';
import { checkPositive } from '../util/checks.js';

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
function checkTrainables(optimizer: string, trainables: readonly Trainable[]): void {
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
function checkSizes(optimizer: string, trainable: Trainable): void {
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
function stateArray(optimizer: string, trainable: Trainable, key: string): Float32Array {
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

/**
 * The base of the fused optimizers (SGD, AdamW): checks the options every optimizer shares and the trainables
 * once, counts steps (the state a checkpoint stores), zeroes grads, and runs one fused kernel update per
 * trainable. A subclass says what one update of one trainable is; the step allocates nothing.
 */
export abstract class FusedOptimizer implements Optimizer {
  trainables: readonly Trainable[];
  readonly lr: number;
  /** Steps taken so far; the step running is stepCount + 1. */
  protected stepCount = 0;
  /** How errors name the optimizer ('SGD', 'AdamW'). */
  private readonly label: string;
  private readonly stepRateLabel: string;

  constructor(label: string, trainables: readonly Trainable[], lr: number) {
    this.label = label;
    this.stepRateLabel = `${label}.step: lr`;
    this.lr = lr;
    checkPositive(lr, `${label}: lr`);
    checkTrainables(label, trainables);
    this.trainables = [...trainables];
  }

  step(lr = this.lr): void {
    checkPositive(lr, this.stepRateLabel, true);
    const t = this.stepCount + 1;
    this.startStep(t);
    for (const trainable of this.trainables) {
      checkSizes(this.label, trainable);
      this.update(trainable, lr);
    }
    this.stepCount = t;
  }

  /** Once per step before the updates, with t the 1-based index of the step (AdamW's bias corrections). */
  protected startStep(_t: number): void {}

  /** One fused update of the trainable's values from its grads at rate `lr`. */
  protected abstract update(trainable: Trainable, lr: number): void;

  /** The trainable's state array under `key`, created zeroed on first use (see stateArray). */
  protected state(trainable: Trainable, key: string): Float32Array {
    return stateArray(this.label, trainable, key);
  }

  replaceTrainable(previous: Trainable, next: Trainable): void {
    this.trainables = withReplaced(this.label, this.trainables, previous, next);
  }

  zeroGrad(): void {
    for (const trainable of this.trainables) trainable.grads.fill(0);
  }

  getState(): OptimizerState {
    return { stepCount: this.stepCount };
  }

  /** Restores a state from getState(): a non-negative integer step count. */
  setState(state: OptimizerState): void {
    if (!Number.isInteger(state?.stepCount) || state.stepCount < 0) {
      throw new Error(`${this.label}.setState: expected { stepCount: non-negative integer } from getState()`);
    }
    this.stepCount = state.stepCount;
  }
}

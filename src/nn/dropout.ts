import { dropout } from '../tensor/ops/dropout.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Trainable } from '../tensor/trainable.js';
import { checkUnitInterval } from '../util/checks.js';
import { Random } from '../util/random.js';
import type { Module } from './module.js';
import { allModules } from './sparsifiable.js';

/**
 * Inverted dropout with its own seeded generator: while `training`, each forward pass draws a fresh mask (so the
 * same seed replays the same masks); otherwise it is the identity. Switch a whole model with setTraining.
 */
export class Dropout implements Module {
  readonly rate: number;
  training = true;
  private readonly random: Random;

  constructor(options: { rate: number; seed: number }) {
    checkUnitInterval(options.rate, 'Dropout: rate');
    this.rate = options.rate;
    this.random = new Random(options.seed);
  }

  forward(x: Tensor): Tensor {
    return this.training && this.rate > 0 ? dropout(x, this.rate, this.random) : x;
  }

  trainables(): Trainable[] {
    return [];
  }

  parameterCount(): number {
    return 0;
  }
}

/** Turns every Dropout in the model on (training) or off (evaluation, sampling). */
export function setTraining(model: Module, training: boolean): void {
  for (const module of allModules(model)) if (module instanceof Dropout) module.training = training;
}

import type { Tensor } from '../tensor/tensor.js';
import type { Trainable } from '../tensor/trainable.js';
import { fusesActivation, isActivationModule } from './activations.js';
import type { Module } from './module.js';

/**
 * Modules applied in order. Trainables keep the names their modules gave them (no prefix is added), so
 * they must be unique across the modules.
 *
 * A layer that fuses activations (Linear) followed by an activation module (ReLU, GELU) runs as one op, its
 * bias and the activation in one kernel pass each way (see the biasActivation op): the same numbers, one
 * pass over the activations instead of three in the backward.
 */
export class Sequential implements Module {
  readonly modules: readonly Module[];

  constructor(modules: readonly Module[]) {
    this.modules = [...modules];
    const names = new Set<string>();
    for (const trainable of this.trainables()) {
      if (names.has(trainable.name)) {
        throw new Error(
          `Sequential: two trainables are named ${trainable.name}; give each layer a unique name`,
        );
      }
      names.add(trainable.name);
    }
  }

  forward(x: Tensor): Tensor {
    const modules = this.modules;
    let y = x;
    for (let i = 0; i < modules.length; i++) {
      const module = modules[i];
      const next = modules[i + 1];
      if (isActivationModule(next) && fusesActivation(module)) {
        y = module.forwardActivated(y, next.activation);
        i++;
      } else {
        y = module.forward(y);
      }
    }
    return y;
  }

  children(): readonly Module[] {
    return this.modules;
  }

  trainables(): Trainable[] {
    return this.modules.flatMap((module) => module.trainables());
  }

  parameterCount(): number {
    return this.modules.reduce((count, module) => count + module.parameterCount(), 0);
  }

  dispose(): void {
    for (const module of this.modules) module.dispose?.();
  }
}

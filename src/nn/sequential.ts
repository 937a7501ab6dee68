import type { Tensor } from '../tensor/tensor.js';
import type { Module } from './module.js';
import type { Trainable } from './trainable.js';

/**
 * Modules applied in order. Trainables keep the names their modules gave them (no prefix is added), so
 * they must be unique across the modules.
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
    let y = x;
    for (const module of this.modules) y = module.forward(y);
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

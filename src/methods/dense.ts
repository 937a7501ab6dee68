/** Dense training: no mask, the reference every comparison is measured against (spec/baselines.md). */
import { defineMethod } from './definition.js';
import type { Sets } from './method.js';
import { SetBasedMethod } from './setBasedMethod.js';

export class Dense extends SetBasedMethod {
  readonly name = 'dense';
  override readonly sparse = false;

  constructor() {
    super(0);
  }

  override get config(): Readonly<Record<string, number>> {
    return {};
  }

  initialSets(): Sets {
    throw new Error('dense training has no sparse layers');
  }
}

export const denseDefinition = defineMethod({
  name: 'dense',
  description: 'dense training: every weight trained, the reference',
  kind: 'sets',
  reads: [],
  create: () => new Dense(),
});

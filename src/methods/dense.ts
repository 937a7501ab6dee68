/** Dense training: no mask, the reference every comparison is measured against (spec/baselines.md). */
import { defineMethod } from './definition.js';
import type { Sets, SparsityMethod } from './method.js';

export class Dense implements SparsityMethod {
  readonly name = 'dense';
  readonly config = {};
  readonly sparse = false;
  readonly enteringValue = 'theta';

  forwardDensity(): number {
    return 1;
  }

  backwardDensity(): number {
    return 1;
  }

  initialSets(): Sets {
    throw new Error('dense training has no sparse layers');
  }

  isRefreshStep(): boolean {
    return false;
  }

  selectSets(): Sets {
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

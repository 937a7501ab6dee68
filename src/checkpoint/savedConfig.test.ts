import { describe, expect, it } from 'vitest';
import { methodOf } from '../run/runParts.js';
import { savedTrainConfig } from './savedConfig.js';

/** The run config of a Spartan checkpoint written by topkast 0e52e69 (its solver under the old key softTopK). */
const writtenBy0e52e69 =
  '{"dataset":"mnist","model":"mlp","hidden":[16,16],"activation":"relu","steps":4,"batchSize":32,"optimizer":"sgd","lr":0.05,"momentum":0.9,"nesterov":false,"weightDecay":0.0005,"schedule":"cosine","seed":0,"method":"spartan","sparsity":0.9,"distribution":"global","denseLayers":["first","last"],"betaTarget":100,"budgetScope":"masked","softTopK":"sinkhorn"}';

describe('a saved run config', () => {
  it('written before Spartan’s solver key was renamed still loads, under the key its method reads', () => {
    const config = savedTrainConfig(JSON.parse(writtenBy0e52e69), 'old.safetensors');
    expect(config).toMatchObject({ method: 'spartan', solver: 'sinkhorn', betaTarget: 100 });
    expect('softTopK' in config).toBe(false);
    expect(methodOf(config).config).toMatchObject({ solver: 'sinkhorn', budgetScope: 'masked' });
    const rewritten = JSON.parse(JSON.stringify(config));
    expect(savedTrainConfig(rewritten, 'new.safetensors')).toEqual(config);
  });

  it('refuses the old key beside the new one', () => {
    const both = { ...JSON.parse(writtenBy0e52e69), solver: 'newton' };
    expect(() => savedTrainConfig(both, 'x.safetensors')).toThrow(
      'x.safetensors: its run config is not valid: config: unknown key "softTopK"',
    );
  });
});

import { describe, expect, it } from 'vitest';
import { savedTrainConfig } from '../checkpoint/savedConfig.js';
import { describeProblem, schemaProblem, trainConfigFields, trainConfigSchema } from './configSchema.js';
import { resolveTrainConfig, type TrainFlags } from './trainConfig.js';

const image: TrainFlags = { dataset: 'mnist', schedule: 'cosine', seed: 0, method: 'topkast' };
const text: TrainFlags = { dataset: 'austen', schedule: 'cosine', seed: 0, method: 'spartan', tied: true };

describe('the run config schema', () => {
  it('has one entry for every key the CLI resolves, and accepts what it resolves', () => {
    for (const flags of [image, text, { ...image, method: 'gmp', optimizer: 'adamw' as const }]) {
      const config = resolveTrainConfig(flags);
      expect(Object.keys(config).filter((key) => !(key in trainConfigFields()))).toEqual([]);
      expect(trainConfigSchema().safeParse(JSON.parse(JSON.stringify(config))).success).toBe(true);
    }
  });

  it('refuses a value out of its range by its flag name', () => {
    expect(() => resolveTrainConfig({ ...image, steps: 1e12 })).toThrow(
      '--steps 1000000000000: Too big: expected number to be <=10000000',
    );
    expect(() => resolveTrainConfig({ ...image, backwardSparsity: 1 })).toThrow('--bwd-sparsity 1: Too big');
    expect(() => resolveTrainConfig({ ...image, seed: 1.5 })).toThrow(
      '--seed 1.5: Invalid input: expected int',
    );
  });

  it('names the field, the value (escaped) and what was expected', () => {
    const config = JSON.parse(JSON.stringify(resolveTrainConfig(image)));
    const problem = (edit: Record<string, unknown>) =>
      describeProblem('config', schemaProblem(trainConfigSchema(), { ...config, ...edit })!);
    expect(problem({ optimizer: 'bogus\u001b[2J' })).toBe(
      'config.optimizer is "bogus\\u001b[2J": Invalid option: expected one of "sgd"|"adamw"',
    );
    expect(problem({ hidden: [16, 0] })).toBe('config.hidden.1 is 0: Too small: expected number to be >=1');
    expect(problem({ lr: null })).toBe('config.lr is null: Invalid input: expected number, received null');
    expect(problem({ evil: 1 })).toBe('config: unknown key "evil"');
  });

  it('refuses a saved config that would resolve to another one', () => {
    const config = JSON.parse(JSON.stringify(resolveTrainConfig({ ...image, optimizer: 'adamw' })));
    expect(savedTrainConfig(config, 'ok.safetensors')).toEqual(config);
    expect(() => savedTrainConfig({ ...config, momentum: 0.5 }, 'x.safetensors')).toThrow(
      'x.safetensors: its run config is not valid: config.momentum is 0.5 but the rest of the config gives 0',
    );
    expect(() => savedTrainConfig({ ...config, tied: true }, 'x.safetensors')).toThrow(
      'x.safetensors: its run config is not valid: --tied applies to --model transformer',
    );
  });
});

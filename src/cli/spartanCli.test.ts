import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkpointFileName } from '../checkpoint/checkpointDir.js';
import { resolveTrainConfig } from '../run/trainConfig.js';
import { type RunSummary, withoutTiming } from '../train/summary.js';
import { cli, tinyTransformer } from './testing.js';

const root = mkdtempSync(join(tmpdir(), 'topkast-spartan-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** 20 steps of a 784-32-32-10 MLP on MNIST, Spartan at 80% of fc2 in 2×2 blocks (freeze at step 16). */
const spartanRun = [
  'train',
  '--dataset',
  'mnist',
  '--hidden',
  '32,32',
  '--steps',
  '20',
  '--batch-size',
  '64',
  '--method',
  'spartan',
  '--sparsity',
  '0.8',
  '--budget-scope',
  'masked',
  '--block',
  '2x2',
  '--beta-target',
  '50',
  '--no-progress',
];

function summaryOf(file: string): RunSummary {
  return JSON.parse(readFileSync(file, 'utf8')) as RunSummary;
}

describe('topkast train --method spartan', () => {
  it('trains, ends sparse, and reports β, κ and the soft budget error', async () => {
    const file = join(root, 'spartan.json');
    const run = await cli(...spartanRun, '--json', file);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/^spartan 80% mlp 784-32-32-10 relu on mnist/);
    const summary = summaryOf(file);
    expect(summary.sparsity.distribution).toBe('global');
    expect(summary.sparsity.config).toMatchObject({ block: '2x2', betaTarget: 50, budgetScope: 'masked' });
    const { softMask } = summary.sparsity;
    expect(softMask).toMatchObject({ beta: 100, freezeStep: 16, finalized: true, blocks: ['2x2'] });
    expect(softMask!.kappa).toBeCloseTo(0.2, 12);
    expect(softMask!.budgetError.max).toBeLessThan(1e-6); // float32 masks: the contract is 1e-6
    // fc2 keeps 20% of its 1024 weights in whole 2×2 blocks; its gradient was dense until the end.
    expect(summary.sparsity.layers).toEqual([
      {
        name: 'fc2.weight',
        shape: [32, 32],
        forwardCount: 208,
        backwardCount: 208,
        forwardDensity: 208 / 1024,
        backwardDensity: 208 / 1024,
      },
    ]);
    expect(summary.memory.hotBytes).toBeGreaterThan(summary.memory.denseEquivalentBytes);
    expect(summary.testAccuracy).toBeGreaterThan(0.3);
  });

  it('resumes before and after the freeze to the same summary as the run that was not interrupted, and exports the finished run', async () => {
    const dir = join(root, 'full');
    const full = join(root, 'full.json');
    expect(
      (await cli(...spartanRun, '--checkpoint-dir', dir, '--save-every', '6', '--keep', '5', '--json', full))
        .code,
    ).toBe(0);
    for (const step of [12, 18]) {
      const resumeDir = join(root, `from${step}`);
      mkdirSync(resumeDir);
      copyFileSync(join(dir, checkpointFileName(step)), join(resumeDir, checkpointFileName(step)));
      const file = join(root, `from${step}.json`);
      const resumed = await cli('train', '--resume', resumeDir, '--no-progress', '--json', file);
      expect(resumed.err).toBe('');
      expect(withoutTiming(summaryOf(file))).toEqual(withoutTiming(summaryOf(full)));
    }
    // The last checkpoint, written after finalize, holds the sparse layers' optimizer state: it exports.
    const model = join(root, 'spartan.safetensors');
    expect((await cli('export', '--from', dir, '--format', 'csr', '--out', model)).err).toBe('');
    const evaluated = await cli('eval', '--model', model);
    expect(evaluated.err).toBe('');
    expect(evaluated.out).toContain(`test accuracy ${summaryOf(full).testAccuracy.toFixed(4)}`);
  });

  it('masks every attention and feed-forward projection of a transformer in blocks', async () => {
    const file = join(root, 'lm.json');
    const run = await cli(
      'train',
      ...tinyTransformer,
      '--steps',
      '10',
      '--method',
      'spartan',
      '--sparsity',
      '0.5',
      '--budget-scope',
      'masked',
      '--block',
      '4x4',
      '--eval-chars',
      '512',
      '--no-progress',
      '--json',
      file,
    );
    expect(run.err).toBe('');
    const summary = summaryOf(file);
    expect(summary.sparsity.config).toMatchObject({ betaTarget: 20, block: '4x4' });
    const names = summary.sparsity.layers.map((layer) => layer.name);
    for (const projection of ['query', 'key', 'value', 'output', 'fc1', 'fc2']) {
      expect(names.some((name) => name.includes(projection))).toBe(true);
    }
    expect(summary.sparsity.softMask?.blocks.every((block) => block === '4x4')).toBe(true);
    for (const layer of summary.sparsity.layers) expect(layer.forwardCount % 16).toBe(0);
  });

  it('takes β_target by model when --beta-target is not given: mlp 100, cnn 10, transformer 20', () => {
    const beta = (dataset: 'mnist' | 'austen', model: 'mlp' | 'cnn' | 'transformer') =>
      resolveTrainConfig({ dataset, model, schedule: 'cosine', seed: 0, method: 'spartan' }).betaTarget;
    expect([beta('mnist', 'mlp'), beta('mnist', 'cnn'), beta('austen', 'transformer')]).toEqual([
      100, 10, 20,
    ]);
    expect(
      resolveTrainConfig({ dataset: 'mnist', schedule: 'cosine', seed: 0, method: 'topkast' }).betaTarget,
    ).toBeUndefined();
  });

  it("refuses Spartan's flags with other methods, and a whole-model target the masked layers cannot meet", async () => {
    const topkast = await cli('train', '--dataset', 'mnist', '--method', 'topkast', '--beta-target', '5');
    expect(topkast.code).not.toBe(0);
    expect(topkast.err).toContain(
      "--beta-target is Spartan's sharpness schedule: drop it, or use --method spartan",
    );
    const tooSparse = await cli(
      ...spartanRun.filter((a) => a !== '--budget-scope' && a !== 'masked'),
      '--sparsity',
      '0.9',
    );
    expect(tooSparse.code).not.toBe(0);
    expect(tooSparse.err).toMatch(
      /whole-model sparsity of 0.9 needs the masked layers .* use --budget-scope masked/,
    );
  });
});

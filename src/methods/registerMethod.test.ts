/**
 * A method defined in this file alone and registered (registry.ts, registerMethod), as a library user would
 * add one: it gets its CLI flag and --help line through the real commander program, its key in the run config
 * and the checks of that key, a config that survives a checkpoint and rebuilds the same method, and the shared
 * conformance suite, with no other file touched.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadLatestCheckpoint } from '../checkpoint/checkpointDir.js';
import { savedTrainConfig } from '../checkpoint/savedConfig.js';
import { cli } from '../cli/testing.js';
import type { SparseWeight } from '../sparse/sparseWeight.js';
import { selectTopK } from '../sparse/topk.js';
import type { RunSummary } from '../train/summary.js';
import { refreshInterval, sparsity } from './commonOptions.js';
import { describeConformance } from './conformance/testing.js';
import { defineMethod, option, reads } from './definition.js';
import type { SelectionContext, Sets } from './method.js';
import { kinds } from './optionKinds.js';
import { methodFromConfig, registerMethod } from './registry.js';
import { SetBasedMethod } from './setBasedMethod.js';
import { randomSets, uniformScores } from './static.js';

interface RandomRegrowthOptions {
  readonly sparsity: number;
  readonly refreshInterval: number;
  readonly keepFraction: number;
}

/**
 * Random regrowth at every refresh: A = B keeps the ⌊keepFraction·|A|⌋ entries of A with the largest |θ| and
 * draws the rest of its budget uniformly at random among the other entries.
 */
class RandomRegrowth extends SetBasedMethod {
  readonly name = 'toy';

  constructor(readonly options: RandomRegrowthOptions) {
    super(options.sparsity);
  }

  override get config(): Readonly<Record<string, number>> {
    return { ...this.options };
  }

  initialSets(theta: Float32Array, context: SelectionContext): Sets {
    return randomSets(theta.length, context);
  }

  override isRefreshStep(step: number): boolean {
    return (step + 1) % this.options.refreshInterval === 0;
  }

  override selectSets(weight: SparseWeight, context: SelectionContext): Sets {
    const theta = weight.syncTheta();
    const count = context.budget.forwardCount;
    const keep = Math.floor(this.options.keepFraction * count);
    const magnitudes = new Float32Array(theta.length).fill(-1);
    for (const flat of weight.forwardIndices()) magnitudes[flat] = Math.abs(theta[flat]);
    const kept = selectTopK(magnitudes, keep);
    const scores = uniformScores(theta.length, context.random);
    for (const flat of kept) scores[flat] = Number.NEGATIVE_INFINITY;
    const chosen = Int32Array.from([...kept, ...selectTopK(scores, count - keep)]).sort();
    return { forward: chosen, backward: chosen };
  }
}

const keepFraction = option({
  key: 'keepFraction',
  flag: '--keep-fraction <f>',
  help: "the toy's fraction of A kept at each redraw",
  what: "the toy's kept fraction",
  ...kinds.fraction,
});

registerMethod(
  defineMethod({
    name: 'toy',
    description: 'random regrowth at every refresh, a test method',
    kind: 'sets',
    reads: [reads(sparsity), reads(refreshInterval, { default: 1 }), reads(keepFraction, { default: 0.5 })],
    create: (o) => new RandomRegrowth(o),
  }),
);

const root = mkdtempSync(join(tmpdir(), 'topkast-toy-method-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const run = ['train', '--dataset', 'mnist', '--hidden', '16,16', '--steps', '6', '--batch-size', '32'];

describe('a method registered by a library user', () => {
  it('gets its flag and --help line, its config key and the refusal of its flag with another method', async () => {
    const help = (await cli('train', '--help')).out.replace(/\s+/g, ' ');
    expect(help).toContain('toy (random regrowth at every refresh, a test method)');
    expect(help).toContain("--keep-fraction <f> the toy's fraction of A kept at each redraw (default: 0.5)");
    const compareHelp = (await cli('compare', '--help')).out.replace(/\s+/g, ' ');
    expect(compareHelp).toContain(
      "--keep-fraction <f> the toy's fraction of A kept at each redraw (default: 0.5)",
    );
    expect(compareHelp).toContain(
      '--methods <names> comma-separated, of: dense, static, topkast, gmp, ste, set, rigl, spartan, toy',
    );
    const file = join(root, 'toy.json');
    const dir = join(root, 'checkpoints');
    const trained = await cli(
      ...run,
      ...['--method', 'toy', '--sparsity', '0.8', '--keep-fraction', '0.25', '--refresh-interval', '2'],
      ...['--no-progress', '--json', file, '--checkpoint-dir', dir],
    );
    expect(trained.err).toBe('');
    expect(trained.code).toBe(0);
    expect(trained.out).toMatch(/^toy 80% mlp 784-16-16-10 relu on mnist/);
    const summary = JSON.parse(readFileSync(file, 'utf8')) as RunSummary;
    expect(summary.config).toMatchObject({
      method: 'toy',
      sparsity: 0.8,
      refreshInterval: 2,
      keepFraction: 0.25,
    });
    expect(summary.sparsity.config).toEqual({ sparsity: 0.8, refreshInterval: 2, keepFraction: 0.25 });
    expect(summary.sparsity.churn.length).toBe(3);

    const refused = await cli(...run, '--method', 'static', '--keep-fraction', '0.5', '--no-progress');
    expect(refused.code).toBe(1);
    expect(refused.err).toContain("--keep-fraction is the toy's kept fraction: drop it, or use --method toy");
    const bad = await cli(...run, '--method', 'toy', '--keep-fraction', '1.5', '--no-progress');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain(
      "option '--keep-fraction <f>' argument '1.5' is invalid. expected a number in [0, 1)",
    );

    // Saved → loaded: the checkpoint's config is the run's, and it rebuilds the same method.
    const saved = JSON.parse(JSON.stringify(loadLatestCheckpoint(dir).checkpoint.state.config));
    expect(saved).toEqual({ ...summary.config, epochs: undefined }); // the summary's epochs: what --steps took
    expect(JSON.parse(JSON.stringify(savedTrainConfig(saved, 'toy checkpoint')))).toEqual(saved);
    expect(methodFromConfig('toy', summary.sparsity.config).config).toEqual(summary.sparsity.config);
    const contradicted = await cli('train', '--resume', dir, '--keep-fraction', '0.5', '--no-progress');
    expect(contradicted.err).toContain('--keep-fraction 0.5 contradicts the run being resumed');
  });
});

describeConformance(['toy'], ['toy']);

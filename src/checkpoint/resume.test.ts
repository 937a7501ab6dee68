import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runTraining } from '../run/runTraining.js';
import { resolveTrainConfig, type TrainFlags } from '../run/trainConfig.js';
import { withoutTiming } from '../train/summary.js';
import { checkpointFileName, listCheckpoints, readCheckpoint } from './checkpointDir.js';
import { checkpointedRun } from './checkpointedRun.js';

const root = mkdtempSync(join(tmpdir(), 'topkast-resume-'));
afterAll(() => {
  if (!process.env.KEEP) rmSync(root, { recursive: true, force: true });
});

function config(overrides: Partial<TrainFlags>) {
  return resolveTrainConfig({
    dataset: 'mnist',
    model: 'mlp',
    hidden: [32],
    activation: 'relu',
    steps: 40,
    batchSize: 64,
    optimizer: 'sgd',
    schedule: 'cosine',
    seed: 5,
    method: 'dense',
    distribution: 'uniform',
    denseLayers: ['none'],
    ...overrides,
  });
}

/**
 * Runs the config to the end saving every 5 steps (keeping all), then resumes a fresh process-equivalent (new
 * model, optimizer, controller) from each saved checkpoint into its own directory: every resumed run must end
 * with the same final checkpoint bytes and the same summary (timing aside) as the uninterrupted run.
 */
function checkEveryResumePoint(name: string, flags: Partial<TrainFlags>) {
  const cfg = config(flags);
  const full = join(root, `${name}-full`);
  const summary = runTraining(cfg, {
    extension: checkpointedRun({ checkpoint: { dir: full, saveEvery: 5, keep: 100 } }),
  });
  const saved = listCheckpoints(full);
  const last = summary.steps;
  const expected = [last, ...[35, 30, 25, 20, 15, 10, 5].filter((step) => step < last)];
  expect(saved.map((entry) => entry.step)).toEqual(expected);
  const finalBytes = readFileSync(join(full, checkpointFileName(last)));
  for (const { file, step } of saved.slice(1)) {
    const dir = join(root, `${name}-from-${step}`);
    const resumed = runTraining(cfg, {
      extension: checkpointedRun({
        checkpoint: { dir, saveEvery: 5, keep: 100 },
        resume: { checkpoint: readCheckpoint(file), file },
      }),
    });
    expect(withoutTiming(resumed)).toEqual(withoutTiming(summary));
    expect(JSON.stringify(withoutTiming(resumed))).toBe(JSON.stringify(withoutTiming(summary)));
    expect(Buffer.compare(readFileSync(join(dir, checkpointFileName(last))), finalBytes)).toBe(0);
    expect(listCheckpoints(dir).map((entry) => entry.step)).toEqual(expected.filter((s) => s > step));
  }
  return { summary, final: readCheckpoint(join(full, checkpointFileName(last))) };
}

describe('resume from a checkpoint', () => {
  it('dense SGD with momentum: every resume point ends bit-identical to the uninterrupted run', () => {
    const { summary, final } = checkEveryResumePoint('dense', {
      epochs: 3,
      steps: undefined,
      batchSize: 1000,
    });
    expect([summary.steps, summary.epochs, summary.history.length]).toEqual([27, 3, 3]);
    expect(summary.steps).toBe(final.state.progress.step);
    expect(final.state.progress.history).toEqual(summary.history);
    expect(final.state.optimizer.stepCount).toBe(summary.steps);
    expect(final.tensors.map((t) => t.name)).toContain('fc1.weight.state.velocity');
  });

  it('Top-KAST with AdamW and refreshes every 7 steps (across checkpoints): bit-identical continuations', () => {
    const { summary, final } = checkEveryResumePoint('topkast', {
      method: 'topkast',
      sparsity: 0.9,
      refreshInterval: 7,
      optimizer: 'adamw',
    });
    const churn = final.state.controller.churn;
    // Every 7 steps, and after the last (step 39): the final sets are the top-D of the final θ.
    expect(churn.map((record) => record.step)).toEqual([6, 13, 20, 27, 34, 39]);
    expect(summary.sparsity.layers[0]!.forwardDensity).toBeCloseTo(0.1, 2);
    const names = final.tensors.map((t) => t.name);
    for (const suffix of ['theta', 'forward.indptr', 'backward.indices', 'values', 'state.firstMoment']) {
      expect(names).toContain(`fc1.weight.${suffix}`);
    }
  });
});

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TextRunSummary } from '../train/summary.js';
import { withoutTiming } from '../train/summary.js';
import type { StepBudget } from './stepBudget.js';
import { cli, tinyTransformer } from './testing.js';

const root = mkdtempSync(join(tmpdir(), 'topkast-budget-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

type Budgeted = TextRunSummary & { budget: StepBudget };

describe('topkast compare --budget-seconds', () => {
  it('gives each run S over its own step time, records it, and a train with those --steps reproduces the run', async () => {
    const out = join(root, 'cmp');
    const common = [...tinyTransformer, '--eval-every', '100', '--eval-chars', '256', '--no-progress'];
    const result = await cli(
      'compare',
      ...common,
      '--methods',
      'dense,topkast',
      '--sparsities',
      '0.9',
      '--budget-seconds',
      '0.4',
      '--out',
      out,
    );
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/ms\/step over its first 20 steps: \d+ steps in 0.4 s/);
    const runs = ['dense-seed0', 'topkast-0.9-seed0'].map(
      (label) => JSON.parse(readFileSync(join(out, 'runs', `${label}.json`), 'utf8')) as Budgeted,
    );
    for (const run of runs) {
      expect(run.budget.seconds).toBe(0.4);
      expect(run.budget.calibrationSteps).toBe(20);
      expect(run.budget.steps).toBe(Math.max(1, Math.floor(400 / run.budget.stepMs)));
      expect(run.steps).toBe(run.budget.steps);
    }
    const sparse = runs[1];
    const again = await cli(
      'train',
      ...common,
      '--method',
      'topkast',
      '--sparsity',
      '0.9',
      '--steps',
      String(sparse.budget.steps),
      '--json',
      join(root, 'again.json'),
    );
    expect(again.code).toBe(0);
    const { budget: _budget, ...trained } = sparse;
    expect(withoutTiming(JSON.parse(readFileSync(join(root, 'again.json'), 'utf8')))).toEqual(
      withoutTiming(trained),
    );
  });

  it('refuses a budget that is not a positive number, and --steps with it', async () => {
    for (const bad of ['0', '-1', 'abc']) {
      const result = await cli('compare', '--budget-seconds', bad, '--out', join(root, 'x'));
      expect(result.code).not.toBe(0);
      expect(result.err).toMatch(/--budget-seconds.*expected a number/);
    }
    const both = await cli(
      'compare',
      ...tinyTransformer,
      '--budget-seconds',
      '1',
      '--steps',
      '10',
      '--out',
      join(root, 'y'),
    );
    expect(both.code).not.toBe(0);
    expect(both.err).toMatch(/--budget-seconds sets each run's steps .*drop --steps/);
  });
});

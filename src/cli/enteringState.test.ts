import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../train/summary.js';
import { cli } from './testing.js';

const root = mkdtempSync(join(tmpdir(), 'topkast-entering-state-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/**
 * 30 AdamW steps of Top-KAST 90%/85% on a 784-32-32-10 MLP at lr 0.02, its sets refreshed every step: B gains
 * entries (B \ A moves by about lr a step, so C's entries overtake some).
 */
async function topkast(...extra: string[]): Promise<RunSummary> {
  const file = join(root, `run-${extra.join('-') || 'default'}.json`);
  const { code, err } = await cli(
    ...['train', '--dataset', 'mnist', '--hidden', '32,32', '--steps', '30', '--batch-size', '64'],
    ...['--method', 'topkast', '--sparsity', '0.9', '--bwd-sparsity', '0.85', '--optimizer', 'adamw'],
    ...['--lr', '0.02', '--no-progress', '--json', file],
    ...extra,
  );
  expect(err).toBe('');
  expect(code).toBe(0);
  return JSON.parse(readFileSync(file, 'utf8')) as RunSummary;
}

describe('--entering-state (issue #13: the optimizer state of entries entering B)', () => {
  it('zero is the default; mean gives entering entries the mean state of those that stayed', async () => {
    const byDefault = await topkast();
    const zero = await topkast('--entering-state', 'zero');
    const mean = await topkast('--entering-state', 'mean');
    expect(byDefault.config).not.toHaveProperty('enteringState');
    expect(zero.config.enteringState).toBe('zero');
    expect(mean.config.enteringState).toBe('mean');
    expect(zero.history).toEqual(byDefault.history);
    expect(zero.sparsity.churn.some((record) => record.forwardChurn.some((c) => c > 0))).toBe(true);
    expect(mean.testLoss).not.toBe(zero.testLoss);
  });
});

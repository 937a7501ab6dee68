import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  argmaxes,
  EXAMPLES,
  maxDifference,
  pixels,
  topkastLogits,
} from '../../src/checkpoint/portable/testing.js';
import { cli } from '../../src/cli/testing.js';

const PYTHON = '/usr/bin/python3';
const script = join(import.meta.dirname, 'topkast_torch.py');
const hasTorch = spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
const root = mkdtempSync(join(tmpdir(), 'topkast-torch-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function python(...args: string[]): string {
  const result = spawnSync(PYTHON, [script, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return result.stdout;
}

describe.skipIf(!hasTorch)("the README's PyTorch loader (examples/pytorch/topkast_torch.py)", () => {
  it('runs a dense export of a sparse cnn with topkast’s logits, and its state_dict starts a topkast run', async () => {
    const run = join(root, 'cnn');
    const train = ['train', '--dataset', 'mnist', '--model', 'cnn', '--batch-size', '32', '--no-progress'];
    expect((await cli(...train, '--steps', '6', '--method', 'topkast', '--checkpoint-dir', run)).err).toBe(
      '',
    );
    const exported = join(root, 'cnn.safetensors');
    expect((await cli('export', '--from', run, '--format', 'dense', '--out', exported)).err).toBe('');

    const input = join(root, 'pixels.f32');
    writeFileSync(input, pixels);
    const rows = JSON.parse(python('predict', exported, input, String(EXAMPLES))) as number[][];
    const fromTorch = Float32Array.from(rows.flat());
    const expected = topkastLogits(run);
    expect(maxDifference(fromTorch, expected)).toBeLessThan(1e-4);
    expect(argmaxes(fromTorch, 10)).toEqual(argmaxes(expected, 10));

    const resaved = join(root, 'torch-bf16.safetensors');
    python('resave', exported, resaved, 'bf16');
    const tuned = await cli(...train, '--steps', '2', '--method', 'topkast', '--init', resaved);
    expect(tuned.err).toBe(
      `note: ${resaved} carries no topkast checksum (written by another tool?), so its integrity is not checked\n`,
    );
    expect(tuned.out).toContain(`starting from the weights of ${resaved}`);
  }, 120_000);
});

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type RunSummary, withoutTiming } from '../train/summary.js';
import type { CliIo } from './io.js';
import { runCli } from './program.js';

/** Runs the CLI in-process with captured output. */
async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string; progress: string }> {
  const captured = { out: '', err: '', progress: '' };
  const io: CliIo = {
    out: (text) => {
      captured.out += text;
    },
    err: (text) => {
      captured.err += text;
    },
    progress: {
      write: (text: string) => {
        captured.progress += text;
      },
      isTTY: false,
    },
  };
  const code = await runCli(argv, io);
  return { code, ...captured };
}

const quickRun = ['train', '--dataset', 'mnist', '--hidden', '32', '--steps', '40', '--batch-size', '64'];

describe('topkast CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'topkast-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    [['train', '--foo'], "error: unknown option '--foo' (see `topkast train --help`)"],
    [
      ['train', '--sed', '1'],
      "error: unknown option '--sed' (Did you mean --seed?) (see `topkast train --help`)",
    ],
    [['train', '--batch-size', '0'], "argument '0' is invalid. expected a whole number ≥ 1, like 128."],
    [['train', '--epochs', '-2'], "option '--epochs <n>' argument '-2' is invalid"],
    [
      ['train', '--lr', '0'],
      "option '--lr <rate>' argument '0' is invalid. expected a number > 0, like 0.05.",
    ],
    [['train', '--lr', 'fast'], 'expected a number, like 0.05.'],
    [['train', '--hidden', '1024,x'], 'expected comma-separated widths ≥ 1, like 1024,1024.'],
    [
      ['train', '--dataset', 'cifar'],
      'Allowed choices are fashion-mnist, fashion-mnist-subset, mnist, austen.',
    ],
    [['train', '--optimizer', 'adamw', '--nesterov'], '--momentum and --nesterov apply to SGD only'],
    [['train', '--dataset', 'mnist', '--batch-size', '10000'], 'use --batch-size 9001 or less'],
    [
      ['train', '--json', 'a.json', '--metrics', 'a.json'],
      '--json a.json and --metrics a.json are the same file',
    ],
    [['fly'], "error: unknown command 'fly' (see `topkast --help`)"],
  ])('rejects %j with one line naming the problem and the fix', async (argv, message) => {
    const json = join(dir, `rejected-${argv.join('_').replace(/[^\w-]/g, '')}.json`);
    const { code, out, err } = await cli(...argv, ...(argv.includes('--json') ? [] : ['--json', json]));
    expect(code).not.toBe(0);
    expect(err).toContain(message);
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(out).toBe('');
    expect(existsSync(json)).toBe(false);
  });

  it('prints help and exits 0', async () => {
    const { code, out } = await cli('train', '--help');
    expect(code).toBe(0);
    expect(out).toContain('--batch-size <n>');
    expect(out).toContain('--schedule <name>');
  });

  it('trains the convnet with --model cnn, sparse under Top-KAST', async () => {
    const file = join(dir, 'cnn.json');
    const run = await cli(
      'train',
      '--dataset',
      'mnist',
      '--model',
      'cnn',
      '--steps',
      '6',
      '--batch-size',
      '32',
      '--method',
      'topkast',
      '--sparsity',
      '0.9',
      '--json',
      file,
    );
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    const summary = JSON.parse(readFileSync(file, 'utf8')) as RunSummary;
    expect(summary.model).toBe('cnn 1×28×28 conv32-conv64-fc128-10');
    expect(summary.parameters.total).toBe(421_642);
    // Default dense layers first and last: conv2 and fc1 are sparse at 10% / 20%.
    expect(summary.sparsity.layers.map((l) => [l.name, l.forwardCount, l.backwardCount])).toEqual([
      ['conv2.weight', 1843, 3686],
      ['fc1.weight', 40141, 80282],
    ]);
    expect(summary.testAccuracy).toBeGreaterThan(0.1);
  });

  it('trains, prints the result, writes the summary and metrics; the same seed gives the same summary', async () => {
    const first = join(dir, 'first.json');
    const metrics = join(dir, 'metrics.jsonl');
    const run = await cli(...quickRun, '--json', first, '--metrics', metrics);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/^dense mlp 784-32-10 relu on mnist \(25,450 parameters\)/);
    expect(run.out).toMatch(/test accuracy 0\.\d{4} \| test loss \d\.\d{4} \| 40 steps \(1 epoch\)/);
    expect(run.progress).toContain('step 40/40 | epoch 1/1');
    const summary = JSON.parse(readFileSync(first, 'utf8')) as RunSummary;
    expect(summary).toMatchObject({
      method: 'dense',
      model: 'mlp 784-32-10 relu',
      dataset: 'mnist',
      seed: 0,
      epochs: 1,
      steps: 40,
      parameters: { total: 25_450 },
      config: { optimizer: 'sgd', lr: 0.05, momentum: 0.9, schedule: 'cosine', batchSize: 64, steps: 40 },
    });
    expect(summary.testAccuracy).toBeGreaterThan(0.7);
    expect(summary.timing.stepMsMedian).toBeGreaterThan(0);
    expect(typeof summary.backend).toBe('string');
    const lines = readFileSync(metrics, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => line.type)).toEqual(['step', 'step', 'step', 'step', 'epoch']);

    const second = join(dir, 'second.json');
    expect((await cli(...quickRun, '--json', second, '--no-progress')).code).toBe(0);
    const again = JSON.parse(readFileSync(second, 'utf8')) as RunSummary;
    expect(withoutTiming(again)).toEqual(withoutTiming(summary));
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});

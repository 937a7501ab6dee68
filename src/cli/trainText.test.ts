import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TextRunSummary } from '../train/summary.js';
import { withoutTiming } from '../train/summary.js';
import { cli, tinyTransformer } from './testing.js';

const root = mkdtempSync(join(tmpdir(), 'topkast-text-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const tiny = ['train', ...tinyTransformer, '--eval-every', '100', '--eval-chars', '4096', '--no-progress'];

function readSummary(file: string): TextRunSummary {
  return JSON.parse(readFileSync(file, 'utf8')) as TextRunSummary;
}

describe('topkast train --dataset austen (language model)', () => {
  it('trains a tiny transformer: validation BPC drops, the summary has BPC, the same seed gives the same numbers', async () => {
    const first = await cli(...tiny, '--steps', '300', '--json', join(root, 'a.json'));
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    expect(first.out).toMatch(
      /^dense transformer 1×16 2 heads context 16 vocab 81 on austen \([\d,]+ parameters\): adamw lr 0.01 cosine, batch 16, 300 steps/,
    );
    expect(first.out).toMatch(/validation bpc \d\.\d{4} \| test bpc \d\.\d{4} \| 300 steps in/);
    const summary = readSummary(join(root, 'a.json'));
    expect(summary.steps).toBe(300);
    expect(summary.history.map((m) => m.step)).toEqual([100, 200, 300]);
    // log2(81) = 6.34 bits guessing uniformly, about 4.4 with the characters' frequencies alone; 300 steps
    // learn some context (measured: 3.93, 3.77, 3.71 on the first 4096 validation characters; 3.66 / 3.68).
    const [start, , end] = summary.history.map((m) => m.validationBpc);
    expect(start!).toBeLessThan(4.2);
    expect(end!).toBeLessThan(start! - 0.15);
    expect(summary.bitsPerCharacter.validation).toBeLessThan(3.9);
    expect(summary.bitsPerCharacter.test).toBeLessThan(3.9);
    expect(summary.bitsPerCharacter.test).toBeCloseTo(summary.loss.test / Math.LN2, 10);
    expect(summary.config).toMatchObject({
      model: 'transformer',
      layers: 1,
      dModel: 16,
      heads: 2,
      context: 16,
    });
    expect(summary.config).not.toHaveProperty('hidden');
    expect(summary.parameters.total).toBeGreaterThan(0);
    expect(summary.memory.hotBytes).toBeGreaterThan(0);
    expect(summary.timing.stepMsMedian).toBeGreaterThan(0);

    const again = await cli(...tiny, '--steps', '300', '--json', join(root, 'b.json'));
    expect(again.code).toBe(0);
    expect(withoutTiming(readSummary(join(root, 'b.json')))).toEqual(withoutTiming(summary));
  });

  it('trains Top-KAST sparse and resumes from a checkpoint to the same numbers', async () => {
    const sparse = ['--method', 'topkast', '--sparsity', '0.8', '--refresh-interval', '5'];
    const whole = await cli(...tiny, ...sparse, '--steps', '30', '--json', join(root, 'whole.json'));
    expect(whole.code).toBe(0);
    const summary = readSummary(join(root, 'whole.json'));
    expect(summary.sparsity.layers.length).toBe(6); // query, key, value, output, fc1, fc2 (the head stays dense)
    expect(summary.sparsity.layers[0]!.forwardDensity).toBeCloseTo(0.2, 2);

    const dir = join(root, 'ckpt');
    const part = await cli(...tiny, ...sparse, '--steps', '30', '--checkpoint-dir', dir, '--save-every', '7');
    expect(part.code).toBe(0);
    // Resume from step 28 (the newest before the end is the last one; remove it to resume mid-run).
    rmSync(join(dir, 'step-00000030.safetensors'));
    const resumed = await cli(
      'train',
      '--resume',
      dir,
      '--no-progress',
      '--json',
      join(root, 'resumed.json'),
    );
    expect(resumed.err).toBe('');
    expect(resumed.out).toContain('resuming from');
    expect(withoutTiming(readSummary(join(root, 'resumed.json')))).toEqual(withoutTiming(summary));
  });

  it('compares methods on a language model in a table of bits per character', async () => {
    const out = join(root, 'compare');
    const flags = tiny.slice(1).filter((flag) => flag !== '--no-progress');
    const compared = await cli(
      'compare',
      ...flags,
      '--steps',
      '20',
      '--methods',
      'dense,static',
      '--sparsities',
      '0.5',
      '--seeds',
      '2',
      '--no-progress',
      '--out',
      out,
    );
    expect(compared.err).toBe('');
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as {
      rows: { method: string; seeds: number; validationBpcMean: number; testBpcStd: number }[];
      runs: TextRunSummary[];
    };
    expect(results.rows.map((row) => [row.method, row.seeds])).toEqual([
      ['dense', 2],
      ['static', 2],
    ]);
    const dense = results.runs.filter((run) => run.method === 'dense');
    const mean = (dense[0]!.bitsPerCharacter.validation + dense[1]!.bitsPerCharacter.validation) / 2;
    expect(results.rows[0]!.validationBpcMean).toBeCloseTo(mean, 12);
    expect(results.rows[0]!.testBpcStd).toBeGreaterThan(0);
    const table = readFileSync(join(out, 'results.md'), 'utf8').split('\n');
    expect(table[0]).toBe(
      '| method | sparsity (fwd/bwd) | model sparsity | validation bits/char (mean ± std) | test bits/char (mean ± std) | seeds | training FLOPs vs dense | executed FLOPs vs dense | step ms (median) | total memory vs dense | hot memory vs dense |',
    );
    expect(table[2]).toMatch(
      /^\| dense \| — \| 0% \| \d\.\d{4} ± \d\.\d{4} \| \d\.\d{4} ± \d\.\d{4} \| 2 \| 1\.000 \|/,
    );
    expect(table[3]).toMatch(/^\| static \| 50% \| \d+(\.\d)?% \| /);
  });

  it('refuses flags that do not fit a language model, with the fix', async () => {
    const cases: [string[], string][] = [
      [['--model', 'mlp'], '--model mlp classifies images and austen is text: use --model transformer'],
      [['--model', 'cnn'], '--model cnn classifies images and austen is text'],
      [
        ['--d-model', '18', '--heads', '4'],
        '--d-model 18 does not split into 4 heads: use --heads 3, or --d-model 20',
      ],
      [
        ['--epochs', '2'],
        '--epochs applies to --model mlp or cnn, not transformer: a language model trains for --steps',
      ],
      [['--hidden', '64'], '--hidden applies to --model mlp or cnn, not transformer: drop it'],
      [['--eval-chars', '8'], '--eval-chars 8 holds no window of --context 16: use --eval-chars 16 or more'],
    ];
    for (const [flags, message] of cases) {
      const result = await cli(...tiny, ...flags);
      expect(result.code).toBe(1);
      expect(result.err).toContain(message);
      expect(result.err.trim().split('\n')).toHaveLength(1);
    }
    const image = await cli('train', '--dataset', 'mnist', '--model', 'transformer', '--no-progress');
    expect(image.err).toContain(
      '--model transformer is a language model and mnist is images: use --dataset austen, or --model mlp or cnn',
    );
    const layers = await cli('train', '--dataset', 'mnist', '--layers', '2', '--no-progress');
    expect(layers.err).toContain('--layers applies to --model transformer, not mlp');
  });
});

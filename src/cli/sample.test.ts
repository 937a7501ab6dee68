import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inferenceModel } from '../checkpoint/inferenceModel.js';
import { readModelFile } from '../checkpoint/modelFile.js';
import { loadTextDataset } from '../data/registry.js';
import { encodeText } from '../data/textDataset.js';
import { recordTape } from '../tensor/tape.js';
import { Tensor } from '../tensor/tensor.js';
import type { TextRunSummary } from '../train/summary.js';
import { cli, tinyTransformer } from './testing.js';

const root = mkdtempSync(join(tmpdir(), 'topkast-sample-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const run = join(root, 'run');
const prompt = 'It is a truth universally acknowledged, that';

/** A tiny Top-KAST transformer (1 block of width 16, context 16), trained for 300 steps with checkpoints. */
beforeAll(async () => {
  const trained = await cli(
    'train',
    ...tinyTransformer,
    '--steps',
    '300',
    '--eval-every',
    '300',
    '--eval-chars',
    '1024',
    '--method',
    'topkast',
    '--sparsity',
    '0.5',
    '--bwd-sparsity',
    '0.2',
    '--no-progress',
    '--checkpoint-dir',
    run,
    '--json',
    join(root, 'run.json'),
  );
  expect(trained.err).toBe('');
}, 60_000);

describe('topkast sample', () => {
  it('is deterministic for a seed, and the seed matters', async () => {
    const args = ['sample', '--model', run, '--prompt', prompt, '--length', '60', '--temperature', '1'];
    const first = await cli(...args, '--seed', '3');
    expect(first.err).toBe('');
    expect(first.out.startsWith(prompt)).toBe(true);
    expect([...first.out].length).toBe([...prompt].length + 60 + 1); // the continuation and a newline
    expect((await cli(...args, '--seed', '3')).out).toBe(first.out);
    expect((await cli(...args, '--seed', '4')).out).not.toBe(first.out);
  });

  it('is greedy at temperature 0: every seed gives the most likely next character', async () => {
    const greedy = async (seed: string) =>
      (
        await cli(
          'sample',
          '--model',
          run,
          '--prompt',
          prompt,
          '--length',
          '20',
          '--temperature',
          '0',
          '--seed',
          seed,
        )
      ).out;
    const text = await greedy('1');
    expect(await greedy('2')).toBe(text);
    // The first generated character is the argmax of the logits at the prompt's last position.
    const { file, source } = readModelFile(run);
    const { model } = inferenceModel(file, source);
    const { vocabulary } = loadTextDataset('austen');
    const ids = encodeText(prompt, vocabulary).subarray(-16);
    const tokens = Tensor.zeros([16, 1]);
    tokens.data.set(ids);
    const { tape, result } = recordTape(() => model.forward(tokens));
    let best = 0;
    for (let v = 1; v < vocabulary.length; v++)
      if (result.data[v * 16 + 15]! > result.data[best * 16 + 15]!) best = v;
    tape.dispose();
    tokens.dispose();
    model.dispose?.();
    expect(text[prompt.length]).toBe(vocabulary[best]);
  });

  it('gives the same text from the export as from the checkpoints, whose BPC eval reproduces', async () => {
    const exported = join(root, 'model.safetensors');
    expect((await cli('export', '--from', run, '--format', 'csr', '--out', exported)).err).toBe('');
    const args = ['--prompt', prompt, '--length', '40', '--seed', '7'];
    const fromExport = await cli('sample', '--model', exported, ...args);
    expect(fromExport.err).toBe('');
    expect(fromExport.out).toBe((await cli('sample', '--model', run, ...args)).out);
    const summary = JSON.parse(readFileSync(join(root, 'run.json'), 'utf8')) as TextRunSummary;
    const evaluated = await cli('eval', '--model', exported);
    expect(evaluated.err).toBe('');
    expect(evaluated.out).toMatch(
      `validation bpc ${summary.bitsPerCharacter.validation.toFixed(4)} | test bpc ${summary.bitsPerCharacter.test.toFixed(4)} | `,
    );
    expect(summary.bitsPerCharacter.test).toBeLessThan(4);
    const images = await cli('eval', '--model', exported, '--dataset', 'mnist');
    expect(images.err).toContain(`${exported} is a language model and mnist is images: use --dataset austen`);
  });

  it('refuses characters outside the vocabulary, an empty prompt, and an image model', async () => {
    const unknown = await cli('sample', '--model', run, '--prompt', 'Emma paid 5€ — ☃');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toBe(
      'error: --prompt has characters outside the 81-character vocabulary of austen: "€", "—", "☃"; use only characters of its text\n',
    );
    expect((await cli('sample', '--model', run, '--prompt', '')).err).toContain('--prompt is empty');
    const mlp = join(root, 'mlp');
    await cli(
      'train',
      '--dataset',
      'mnist',
      '--hidden',
      '8',
      '--steps',
      '2',
      '--no-progress',
      '--checkpoint-dir',
      mlp,
    );
    expect((await cli('sample', '--model', mlp, '--prompt', 'a')).err).toContain(
      'is a mlp image classifier: sample needs a language model (topkast train --dataset austen)',
    );
  });
});

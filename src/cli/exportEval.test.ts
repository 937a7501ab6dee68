import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readInferenceFile } from '../checkpoint/modelFile.js';
import { decodeSafetensors } from '../checkpoint/safetensors.js';
import type { RunSummary } from '../train/summary.js';
import { cli } from './testing.js';

const root = mkdtempSync(join(tmpdir(), 'topkast-export-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('export and eval', () => {
  const run = join(root, 'run');
  const base = ['train', '--dataset', 'mnist', '--hidden', '64,32', '--steps', '60', '--no-progress'];
  const sparse = ['--method', 'topkast', '--refresh-interval', '7', '--dense-layers', 'none'];

  it('eval of a dense and a csr export reproduces the run final test accuracy and loss', async () => {
    const trained = await cli(...base, ...sparse, '--checkpoint-dir', run, '--json', join(root, 'run.json'));
    expect(trained.code).toBe(0);
    const summary = JSON.parse(readFileSync(join(root, 'run.json'), 'utf8')) as RunSummary;
    const sizes: Record<string, number> = {};
    for (const format of ['dense', 'csr']) {
      const out = join(root, `model-${format}.safetensors`);
      const exported = await cli('export', '--from', run, '--format', format, '--out', out);
      expect(exported.err).toBe('');
      expect(exported.out).toContain(`from ${join(run, 'step-00000060.safetensors')}, step 60`);
      sizes[format] = statSync(out).size;
      const evaluated = await cli('eval', '--model', out);
      expect(evaluated.err).toBe('');
      expect(evaluated.out).toBe(
        `test accuracy ${summary.testAccuracy.toFixed(4)} | test loss ${summary.testLoss.toFixed(4)} | 999 examples of mnist\n`,
      );
    }
    const csr = readInferenceFile(join(root, 'model-csr.safetensors'));
    const fc1 = summary.sparsity.layers[0]!;
    expect(csr.tensors.get('fc1.weight.values')!.data.length).toBe(fc1.forwardCount);
    expect(csr.tensors.get('fc1.weight.indptr')!.data.length).toBe(65);
    expect([...csr.tensors.keys()].some((name) => name.includes('state') || name.includes('theta'))).toBe(
      false,
    );
    // CSR of a 90%-sparse model: about a fifth of the dense file (values and column indices of 10% of entries).
    expect(sizes.csr! / sizes.dense!).toBeLessThan(0.25);
  });

  it('eval of an exported cnn reproduces its final test accuracy and loss', async () => {
    const cnnRun = join(root, 'cnn');
    const trained = await cli(
      'train',
      '--dataset',
      'mnist',
      '--model',
      'cnn',
      '--batch-size',
      '32',
      '--steps',
      '20',
      '--method',
      'topkast',
      '--no-progress',
      '--checkpoint-dir',
      cnnRun,
      '--json',
      join(root, 'cnn.json'),
    );
    expect(trained.err).toBe('');
    const summary = JSON.parse(readFileSync(join(root, 'cnn.json'), 'utf8')) as RunSummary;
    expect(summary.sparsity.layers.map((layer) => layer.name)).toEqual(['conv2.weight', 'fc1.weight']);
    for (const format of ['dense', 'csr']) {
      const out = join(root, `cnn-${format}.safetensors`);
      expect((await cli('export', '--from', cnnRun, '--format', format, '--out', out)).err).toBe('');
      const evaluated = await cli('eval', '--model', out);
      expect(evaluated.err).toBe('');
      expect(evaluated.out).toBe(
        `test accuracy ${summary.testAccuracy.toFixed(4)} | test loss ${summary.testLoss.toFixed(4)} | 999 examples of mnist\n`,
      );
    }
    const dense = decodeSafetensors(readFileSync(join(root, 'cnn-dense.safetensors')), 'cnn-dense');
    const shapes = Object.fromEntries(dense.tensors.map((tensor) => [tensor.name, tensor.shape]));
    expect(shapes['conv1.weight']).toEqual([32, 1, 3, 3]);
    expect(shapes['conv2.weight']).toEqual([64, 32, 3, 3]);
    expect(JSON.parse(dense.metadata.normalization!)).toEqual({
      mean: 0.1307,
      std: 0.3081,
      formula: '(x - mean) / std',
    });
    const architecture = JSON.parse(dense.metadata.architecture!) as { kind: string }[];
    expect(architecture.map((layer) => layer.kind).join(' ')).toBe(
      'normalize unflatten conv2d relu maxpool2d conv2d relu maxpool2d flatten linear relu linear',
    );
    const text = await cli('eval', '--model', join(root, 'cnn-csr.safetensors'), '--dataset', 'austen');
    expect(text.err).toContain('is an image classifier and austen is text: use --dataset mnist');
  });

  it('refuses a damaged model file, a checkpoint given as a model, and a directory without checkpoints', async () => {
    const damaged = join(root, 'damaged.safetensors');
    const bytes = readFileSync(join(root, 'model-csr.safetensors'));
    bytes[bytes.length - 5]! ^= 1;
    writeFileSync(damaged, bytes);
    expect((await cli('eval', '--model', damaged)).err).toContain(
      `${damaged} is corrupt: its checksum does not match`,
    );
    const checkpoint = join(run, 'step-00000060.safetensors');
    expect((await cli('eval', '--model', checkpoint)).err).toContain(
      `${checkpoint} is not a topkast model file of version 1`,
    );
    const missing = await cli('export', '--from', join(root, 'none'), '--out', join(root, 'x.safetensors'));
    expect(missing.err).toContain('holds no checkpoint');
  });
});

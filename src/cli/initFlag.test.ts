import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readInferenceFile } from '../checkpoint/modelFile.js';
import { decodeSafetensors, encodeSafetensors, type NamedTensor } from '../checkpoint/safetensors.js';
import { float32Values } from '../checkpoint/tensorValues.js';
import { Random } from '../util/random.js';
import { cli } from './testing.js';

const root = mkdtempSync(join(tmpdir(), 'topkast-init-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Random weights of an mlp 784-32-10 as PyTorch would save them (no metadata), in mixed dtypes. */
function pytorchLikeFile(overrides: Record<string, NamedTensor | null> = {}): string {
  const random = new Random(7);
  const normal = (n: number) => Float32Array.from({ length: n }, () => random.normal() * 0.05);
  const bfloat16 = (values: Float32Array) =>
    Uint16Array.from(new Uint32Array(values.buffer), (bits) => bits >>> 16);
  const tensors: Record<string, NamedTensor> = {
    'fc1.weight': { name: 'fc1.weight', dtype: 'BF16', shape: [32, 784], data: bfloat16(normal(32 * 784)) },
    'fc1.bias': { name: 'fc1.bias', dtype: 'F64', shape: [32], data: Float64Array.from(normal(32)) },
    'out.weight': { name: 'out.weight', dtype: 'F32', shape: [10, 32], data: normal(320) },
    'out.bias': { name: 'out.bias', dtype: 'F32', shape: [10], data: normal(10) },
  };
  for (const [name, tensor] of Object.entries(overrides)) {
    if (tensor === null) delete tensors[name];
    else tensors[name] = tensor;
  }
  const file = join(root, `weights-${Object.keys(overrides).join('-') || 'ok'}.safetensors`);
  writeFileSync(file, encodeSafetensors(Object.values(tensors), {}));
  return file;
}

const flags = ['--dataset', 'mnist', '--hidden', '32', '--batch-size', '64', '--no-progress'];

describe('topkast train --init', () => {
  it("starts Top-KAST from another tool's weights: its first forward set is their top-k magnitudes", async () => {
    const file = pytorchLikeFile();
    const run = join(root, 'run');
    // The sets are refreshed after the last step (the spec's top-D of the final θ): a learning rate far below
    // float32 resolution keeps θ as loaded, so the exported forward set is the loaded weights' top-k.
    const sparse = [
      '--method',
      'topkast',
      '--dense-layers',
      'none',
      '--refresh-interval',
      '1000',
      '--lr',
      '1e-30',
    ];
    const trained = await cli(
      'train',
      ...flags,
      ...sparse,
      '--steps',
      '3',
      '--init',
      file,
      '--checkpoint-dir',
      run,
    );
    expect(trained.err).toBe(
      `note: ${file} carries no topkast checksum (written by another tool?), so its integrity is not checked\n`,
    );
    expect(trained.out).toContain(`; starting from the weights of ${file}\n`);
    const exported = join(root, 'export.safetensors');
    expect((await cli('export', '--from', run, '--format', 'csr', '--out', exported)).err).toBe('');
    const model = readInferenceFile(exported);
    const saved = decodeSafetensors(readFileSync(file), file).tensors.find((t) => t.name === 'fc1.weight')!;
    const loaded = float32Values(saved, file);
    const indptr = model.tensors.get('fc1.weight.indptr')!.data as Int32Array;
    const indices = model.tensors.get('fc1.weight.indices')!.data as Int32Array;
    const kept = new Set<number>();
    for (let r = 0; r < 32; r++)
      for (let p = indptr[r]!; p < indptr[r + 1]!; p++) kept.add(r * 784 + indices[p]!);
    expect(kept.size).toBe(Math.round(0.1 * 32 * 784));
    let smallestKept = Number.POSITIVE_INFINITY;
    let largestDropped = 0;
    loaded.forEach((value, flat) => {
      if (kept.has(flat)) smallestKept = Math.min(smallestKept, Math.abs(value));
      else largestDropped = Math.max(largestDropped, Math.abs(value));
    });
    expect(smallestKept).toBeGreaterThanOrEqual(largestDropped);
  });

  it('refuses a file whose names or shapes do not match, listing every mismatch on one line', async () => {
    const file = pytorchLikeFile({
      'out.bias': null,
      'fc1.weight': { name: 'fc1.weight', dtype: 'F32', shape: [16, 784], data: new Float32Array(16 * 784) },
      'layer9.weight': { name: 'layer9.weight', dtype: 'F32', shape: [1], data: new Float32Array(1) },
    });
    const refused = await cli('train', ...flags, '--steps', '1', '--init', file);
    expect(refused.code).toBe(1);
    expect(refused.out).toBe('');
    expect(refused.err.split('\n')).toHaveLength(3); // the note, the error, the final newline
    expect(refused.err).toContain(
      `error: --init ${file} does not match the model: missing out.bias; unexpected layer9.weight; fc1.weight is [16,784] in the file, [32,784] in the model: give weights`,
    );
  });

  it('refuses --init with --resume, and a missing file', async () => {
    const both = await cli('train', ...flags, '--init', 'a.safetensors', '--resume', root);
    expect(both.err).toBe(
      'error: --init and --resume both given: a resumed run continues from its checkpoint; drop --init\n',
    );
    const missing = await cli('train', ...flags, '--init', join(root, 'none.safetensors'));
    expect(missing.code).toBe(1);
    expect(missing.err).toBe(
      `error: ${join(root, 'none.safetensors')} does not exist: give to --init a safetensors file (from \`topkast export\`, or a PyTorch state_dict)\n`,
    );
  });
});

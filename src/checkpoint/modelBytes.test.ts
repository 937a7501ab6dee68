/**
 * Checkpoints and exports as bytes (the main entry's persistence, for pages): the same bytes as the files Node
 * writes, byte for byte, whether the checksum is node:crypto's or the portable SHA-256 a browser uses; a round
 * trip through a rebuilt model gives the checkpoint's bytes back; damaged bytes are refused in one line.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../cli/testing.js';
import { loadFashionMnistSubset } from '../data/registry.js';
import { buildModel } from '../run/buildModel.js';
import { sparsifyRun } from '../run/runParts.js';
import { runTraining } from '../run/runTraining.js';
import { resolveTrainConfig } from '../run/trainConfig.js';
import { evaluate } from '../train/evaluate.js';
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint.js';
import { checkpointFileName } from './checkpointDir.js';
import { checkpointedRun } from './checkpointedRun.js';
import { inferenceModel } from './inferenceModel.js';
import { decodeModelFile, encodeModelExport } from './modelBytes.js';
import { restoreModel } from './modelTensors.js';

const dir = mkdtempSync(join(tmpdir(), 'topkast-model-bytes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const config = resolveTrainConfig({
  dataset: 'fashion-mnist-subset',
  model: 'mlp',
  hidden: [32],
  activation: 'relu',
  steps: 12,
  batchSize: 64,
  optimizer: 'adamw',
  schedule: 'constant',
  seed: 3,
  method: 'topkast',
  sparsity: 0.8,
  distribution: 'uniform',
  denseLayers: ['none'],
});
const checkpointFile = join(dir, 'run', checkpointFileName(12));
let fileBytes: Uint8Array;

/** Runs `encode` as a browser would: no process.getBuiltinModule, so SHA-256 is the portable one. */
function withoutNodeCrypto<T>(encode: () => T): T {
  const original = process.getBuiltinModule;
  Object.assign(process, { getBuiltinModule: undefined });
  try {
    return encode();
  } finally {
    Object.assign(process, { getBuiltinModule: original });
  }
}

beforeAll(() => {
  runTraining(config, {
    progress: false,
    extension: checkpointedRun({ checkpoint: { dir: join(dir, 'run'), saveEvery: 6, keep: 2 } }),
  });
  fileBytes = new Uint8Array(readFileSync(checkpointFile));
});

describe('checkpoints and exports as bytes', () => {
  it('a checkpoint read from bytes, restored into a fresh model, encodes to the same bytes (either SHA-256)', () => {
    const checkpoint = decodeCheckpoint(fileBytes, 'step 12');
    expect(checkpoint.state.progress.step).toBe(12);
    const { model } = buildModel(checkpoint.state.config, 784, 10);
    sparsifyRun(model, config, 12);
    restoreModel(model, checkpoint.tensors, 'step 12');
    expect(Buffer.compare(encodeCheckpoint(model, checkpoint.state), fileBytes)).toBe(0);
    const portable = withoutNodeCrypto(() => encodeCheckpoint(model, checkpoint.state));
    expect(Buffer.compare(portable, fileBytes)).toBe(0);
    model.dispose?.();
  });

  it('an export made from bytes is the file `topkast export` writes, dense and CSR (either SHA-256)', async () => {
    const checkpoint = decodeCheckpoint(fileBytes, 'step 12');
    for (const storage of ['dense', 'csr'] as const) {
      const out = join(dir, `${storage}.safetensors`);
      const run = await cli('export', '--from', join(dir, 'run'), '--format', storage, '--out', out);
      expect(run.code, run.err).toBe(0);
      const written = readFileSync(out);
      expect(Buffer.compare(encodeModelExport(checkpoint, storage, checkpointFile), written)).toBe(0);
      const portable = withoutNodeCrypto(() => encodeModelExport(checkpoint, storage, checkpointFile));
      expect(Buffer.compare(portable, written)).toBe(0);
    }
  });

  it('export bytes and checkpoint bytes load as the same trained model', () => {
    const dataset = loadFashionMnistSubset();
    const exported = decodeModelFile(encodeModelExport(decodeCheckpoint(fileBytes, 'x'), 'csr'), 'export');
    const fromCheckpoint = decodeModelFile(fileBytes, 'checkpoint');
    expect(exported.storage).toBe('csr');
    const accuracy = (file: typeof exported) => {
      const { model } = inferenceModel(file, 'bytes', 784);
      try {
        return evaluate(model, dataset.test, { inputSize: 784, normalization: dataset.normalization });
      } finally {
        model.dispose?.();
      }
    };
    const a = accuracy(exported);
    expect(a.accuracy).toBeGreaterThan(0.3);
    expect(accuracy(fromCheckpoint)).toEqual(a);
  });

  it('refuses damaged, truncated or foreign bytes with one line naming them', () => {
    const flipped = Uint8Array.from(fileBytes);
    flipped[flipped.length - 10]! ^= 0x40;
    const oneLine = (run: () => unknown, message: RegExp) => {
      expect(run).toThrow(message);
      try {
        run();
      } catch (error) {
        expect((error as Error).message).not.toContain('\n');
      }
    };
    oneLine(
      () => decodeCheckpoint(flipped, 'saved.safetensors'),
      /^saved\.safetensors is corrupt: its checksum does not match its contents/,
    );
    oneLine(() => decodeModelFile(flipped, 'upload'), /^upload is corrupt: its checksum does not match/);
    oneLine(() => decodeCheckpoint(fileBytes.subarray(0, 1000), 'cut'), /^cut/);
    oneLine(() => decodeModelFile(new TextEncoder().encode('not a model'), 'page'), /^page/);
    const exported = encodeModelExport(decodeCheckpoint(fileBytes, 'x'), 'dense');
    oneLine(
      () => decodeCheckpoint(exported, 'model.safetensors'),
      /^model\.safetensors is not a topkast checkpoint/,
    );
  });
});

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-web';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, tinyTransformer } from '../../cli/testing.js';
import { loadTextDataset } from '../../data/registry.js';
import { recordTape } from '../../tensor/tape.js';
import { Tensor } from '../../tensor/tensor.js';
import { inferenceModel } from '../inferenceModel.js';
import { readModelFile } from '../modelFile.js';
import { argmaxes, EXAMPLES, maxDifference, pixels, topkastLogits } from './testing.js';

const root = mkdtempSync(join(tmpdir(), 'topkast-portable-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
ort.env.wasm.numThreads = 1;

async function onnxLogits(file: string): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(readFileSync(file), { executionProviders: ['wasm'] });
  const input = new ort.Tensor('float32', pixels, [EXAMPLES, 784]);
  const { logits } = await session.run({ pixels: input });
  await session.release();
  return logits!.data as Float32Array;
}

/** Loads model.json and the weight files it lists from `dir`, as tf.loadLayersModel does over HTTP. */
async function tfjsLogits(dir: string): Promise<Float32Array> {
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
  const handler: tf.io.IOHandler = {
    load: async () => {
      const [group] = json.weightsManifest;
      const data = Buffer.concat(group.paths.map((path: string) => readFileSync(join(dir, path))));
      return {
        modelTopology: json.modelTopology,
        weightSpecs: group.weights,
        weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength),
      };
    },
  };
  const model = await tf.loadLayersModel(handler);
  const output = model.predict(tf.tensor2d(pixels, [EXAMPLES, 784])) as tf.Tensor;
  const logits = (await output.data()) as Float32Array;
  output.dispose();
  model.dispose();
  return logits;
}

describe('ONNX and TensorFlow.js exports, run by their own runtimes', () => {
  const cases = {
    mlp: ['--hidden', '64,32', '--activation', 'gelu', '--steps', '40', '--dense-layers', 'none'],
    cnn: ['--model', 'cnn', '--batch-size', '32', '--steps', '8'],
  };
  for (const [name, flags] of Object.entries(cases)) {
    it(`a sparse ${name}: onnxruntime-web and tfjs give topkast's logits (to 1e-4) and predictions`, async () => {
      const run = join(root, name);
      const trained = await cli(
        'train',
        '--dataset',
        'mnist',
        ...flags,
        '--method',
        'topkast',
        '--no-progress',
        '--checkpoint-dir',
        run,
      );
      expect(trained.err).toBe('');
      const expected = topkastLogits(run);
      const predictions = argmaxes(expected, 10);
      expect(new Set(predictions).size).toBeGreaterThan(3);

      const onnxFile = join(root, `${name}.onnx`);
      const onnx = await cli('export', '--from', run, '--format', 'onnx', '--out', onnxFile);
      expect(onnx.err).toBe('');
      expect(onnx.out).toMatch(new RegExp(`^wrote ${onnxFile} \\(onnx, [\\d,]+ bytes\\) from `));
      const fromOnnx = await onnxLogits(onnxFile);
      expect(maxDifference(fromOnnx, expected)).toBeLessThan(1e-4);
      expect(argmaxes(fromOnnx, 10)).toEqual(predictions);

      const tfjsDir = join(root, `${name}-tfjs`);
      expect((await cli('export', '--from', run, '--format', 'tfjs', '--out', tfjsDir)).err).toBe('');
      const onFile = await cli('export', '--from', run, '--format', 'tfjs', '--out', onnxFile);
      expect(onFile.err).toBe(
        `error: --out ${onnxFile} is a file: --format tfjs writes a directory (model.json, weights.bin); give a directory path\n`,
      );
      const fromTfjs = await tfjsLogits(tfjsDir);
      expect(maxDifference(fromTfjs, expected)).toBeLessThan(1e-4);
      expect(argmaxes(fromTfjs, 10)).toEqual(predictions);
    }, 120_000);
  }

  for (const tied of [false, true]) {
    it(`a sparse transformer language model${tied ? ' with tied embeddings' : ''}: onnxruntime-web gives topkast's logits to 1e-4`, async () => {
      const run = join(root, `lm-${tied}`);
      const trained = await cli(
        'train',
        ...tinyTransformer,
        ...(tied ? ['--tied'] : []),
        '--steps',
        '3',
        '--method',
        'topkast',
        '--dense-layers',
        'none',
        '--no-progress',
        '--checkpoint-dir',
        run,
      );
      expect(trained.err).toBe('');
      const onnxFile = join(root, `lm-${tied}.onnx`);
      const exported = await cli('export', '--from', run, '--format', 'onnx', '--out', onnxFile);
      expect(exported.err).toBe('');

      const { test, vocabulary } = loadTextDataset('austen');
      const [T, B] = [16, 4];
      const windows = Array.from({ length: B }, (_, b) => test.subarray(b * 1000, b * 1000 + T));
      const { file, source } = readModelFile(run);
      const { model } = inferenceModel(file, source);
      const ids = Tensor.fromArray(
        Float32Array.from({ length: T * B }, (_, c) => windows[c % B]![Math.floor(c / B)]!),
        [T, B],
      );
      const { tape, result } = recordTape(() => model.forward(ids));
      const vocab = vocabulary.length;
      const expected = new Float32Array(B * T * vocab);
      for (let b = 0; b < B; b++)
        for (let t = 0; t < T; t++)
          for (let v = 0; v < vocab; v++)
            expected[(b * T + t) * vocab + v] = result.data[v * T * B + t * B + b]!;
      tape.dispose();
      model.dispose?.();

      const session = await ort.InferenceSession.create(readFileSync(onnxFile), {
        executionProviders: ['wasm'],
      });
      expect(readFileSync(onnxFile).includes(JSON.stringify(vocabulary))).toBe(true); // metadata_props
      const tokens = new ort.Tensor(
        'int64',
        BigInt64Array.from(windows.flatMap((w) => Array.from(w, BigInt))),
        [B, T],
      );
      const { logits } = await session.run({ tokens });
      await session.release();
      expect(logits!.dims).toEqual([B, T, vocab]);
      expect(maxDifference(logits!.data as Float32Array, expected)).toBeLessThan(1e-4);

      const refused = await cli('export', '--from', run, '--format', 'tfjs', '--out', join(root, 'lm-tfjs'));
      expect(refused.code).toBe(1);
      expect(refused.err).toMatch(
        /is a language model: --format tfjs exports image models \(mlp, cnn\); use --format onnx, dense or csr\n$/,
      );
    });
  }
});

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-web';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../../cli/testing.js';
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
      const fromTfjs = await tfjsLogits(tfjsDir);
      expect(maxDifference(fromTfjs, expected)).toBeLessThan(1e-4);
      expect(argmaxes(fromTfjs, 10)).toEqual(predictions);
    }, 120_000);
  }

  it('refuses a language model with one line naming the formats that take it', async () => {
    const { tinyTransformer } = await import('../../cli/testing.js');
    const run = join(root, 'lm');
    const trained = await cli(
      'train',
      ...tinyTransformer,
      '--steps',
      '2',
      '--no-progress',
      '--checkpoint-dir',
      run,
    );
    expect(trained.err).toBe('');
    const refused = await cli('export', '--from', run, '--format', 'onnx', '--out', join(root, 'lm.onnx'));
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(
      /is a language model: --format onnx exports image models \(mlp, cnn\); use --format dense or csr\n$/,
    );
  });
});

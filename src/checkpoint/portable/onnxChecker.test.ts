import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cnn } from '../../nn/cnn.js';
import { mlp } from '../../nn/mlp.js';
import { transformer } from '../../nn/transformer.js';
import { exportOnnx } from './exportOnnx.js';
import { exportTransformerOnnx } from './exportOnnxTransformer.js';
import { layerGraph } from './layerGraph.js';

const PYTHON = '/usr/bin/python3';
const hasOnnx = spawnSync(PYTHON, ['-c', 'import onnx'], { stdio: 'ignore' }).status === 0;
const root = mkdtempSync(join(tmpdir(), 'topkast-onnx-check-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe.skipIf(!hasOnnx)("ONNX's own checker (Debian's python3-onnx) accepts every export", () => {
  it('an mlp with GELU, a cnn and a tied transformer pass check_model with full shape inference', () => {
    const input = { features: 784, mean: 0.1307, std: 0.3081 };
    const models = {
      mlp: exportOnnx(
        layerGraph(mlp({ inputs: 784, hidden: [8], outputs: 10, activation: 'gelu', seed: 1 }), input),
        input,
        10,
        {},
      ),
      cnn: exportOnnx(
        layerGraph(
          cnn({ inputShape: [1, 28, 28], classes: 10, seed: 1, channels: [2, 3], hidden: 8 }),
          input,
        ),
        input,
        10,
        {},
      ),
      transformer: exportTransformerOnnx(
        transformer({ vocab: 11, layers: 2, dModel: 8, heads: 2, context: 5, tiedEmbeddings: true, seed: 1 }),
        { vocabulary: '[]' },
      ),
    };
    const files = Object.entries(models).map(([name, bytes]) => {
      const file = join(root, `${name}.onnx`);
      writeFileSync(file, bytes);
      return file;
    });
    const check = [
      'import onnx, sys',
      'for path in sys.argv[1:]:',
      '    model = onnx.load(path)',
      '    onnx.checker.check_model(model, full_check=True)',
      '    print(path, model.ir_version, model.opset_import[0].version)',
    ].join('\n');
    const result = spawnSync(PYTHON, ['-c', check, ...files], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.stdout.trim().split('\n')).toEqual([
      `${files[0]} 7 13`,
      `${files[1]} 7 13`,
      `${files[2]} 8 17`,
    ]);
  });
});

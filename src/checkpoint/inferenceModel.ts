import { imageDefaults, type TrainConfig } from '../cli/trainConfig.js';
import { mlp } from '../nn/mlp.js';
import type { Sequential } from '../nn/sequential.js';
import { allModules, isSparsifiable } from '../nn/sparsifiable.js';
import { flatFromCsr } from './csrTensors.js';
import type { InferenceFile } from './exportModel.js';
import { savedTrainConfig } from './savedConfig.js';

/**
 * The model of an inference file (exportModel.ts), ready to evaluate: the MLP its config describes, with its
 * weights. A weight that was sparse in training runs sparse again, on the forward set the file keeps (csr:
 * the stored set; dense: the non-zero entries), so evaluation takes the same kernels as it did in training.
 */
export function inferenceModel(
  file: InferenceFile,
  source: string,
): { model: Sequential; config: TrainConfig; inputs: number } {
  const config = savedTrainConfig(file.config as unknown as TrainConfig, source);
  if (config.model !== 'mlp') {
    throw new Error(
      `${source}: export and eval rebuild MLPs only, and this is a ${config.model}: evaluate it with \`topkast train --resume\` on its checkpoints instead`,
    );
  }
  const shapes = new Map(file.layers.map((layer) => [layer.name, layer]));
  const first = shapes.get('fc1.weight') ?? shapes.get('out.weight');
  const last = shapes.get('out.weight');
  if (!first || !last || first.shape.length !== 2 || last.shape.length !== 2) {
    throw new Error(`${source}: its layers do not describe an MLP (fc1.weight ... out.weight)`);
  }
  const model = mlp({
    inputs: first.shape[1]!,
    hidden: config.hidden ?? imageDefaults.hidden,
    outputs: last.shape[0]!,
    activation: config.activation ?? imageDefaults.activation,
    seed: 0,
  });
  try {
    for (const layer of allModules(model).filter(isSparsifiable)) {
      const name = `${layer.name}.weight`;
      const entry = shapes.get(name);
      const [rows, cols] = layer.weightDims as [number, number];
      if (!entry || entry.shape[0] !== rows || entry.shape[1] !== cols) {
        throw new Error(
          `${source}: ${name} is missing or not ${rows}×${cols}: the file does not match its config`,
        );
      }
      const dense = layer.weight.values;
      dense.set(denseWeight(file, name, rows, cols, source));
      if (entry.sparse) {
        const kept = nonZeroOrStored(file, name, dense, rows, cols, source);
        layer.makeSparse(kept, kept);
      }
    }
    for (const trainable of model.trainables()) {
      if (!trainable.name.endsWith('.bias')) continue;
      const tensor = file.tensors.get(trainable.name);
      if (tensor?.dtype !== 'F32' || tensor.data.length !== trainable.values.length) {
        throw new Error(`${source}: ${trainable.name} is missing or has the wrong size`);
      }
      trainable.values.set(tensor.data);
    }
  } catch (error) {
    model.dispose();
    throw error;
  }
  return { model, config, inputs: first.shape[1]! };
}

/** The weight as a dense rows×cols matrix (csr storage: scattered from the stored set). */
function denseWeight(
  file: InferenceFile,
  name: string,
  rows: number,
  cols: number,
  source: string,
): Float32Array {
  const stored = file.tensors.get(name);
  if (stored) {
    if (stored.dtype !== 'F32' || stored.data.length !== rows * cols) {
      throw new Error(`${source}: ${name} is not an F32 ${rows}×${cols} matrix`);
    }
    return stored.data as Float32Array;
  }
  const flat = storedSet(file, name, rows, cols, source);
  const values = file.tensors.get(`${name}.values`);
  if (values?.dtype !== 'F32' || values.data.length !== flat.length) {
    throw new Error(`${source}: ${name}.values is missing or does not match ${name}.indices`);
  }
  const dense = new Float32Array(rows * cols);
  for (let p = 0; p < flat.length; p++) dense[flat[p]!] = values.data[p]!;
  return dense;
}

function storedSet(
  file: InferenceFile,
  name: string,
  rows: number,
  cols: number,
  source: string,
): Int32Array {
  const indptr = file.tensors.get(`${name}.indptr`);
  const indices = file.tensors.get(`${name}.indices`);
  if (indptr?.dtype !== 'I32' || indices?.dtype !== 'I32') {
    throw new Error(`${source}: ${name} has neither a dense matrix nor I32 indptr and indices`);
  }
  return flatFromCsr(indptr.data as Int32Array, indices.data as Int32Array, rows, cols, `${source}: ${name}`);
}

/** The forward set: the stored one (csr), or the non-zero entries of the dense matrix (at least one). */
function nonZeroOrStored(
  file: InferenceFile,
  name: string,
  dense: Float32Array,
  rows: number,
  cols: number,
  source: string,
): Int32Array {
  if (file.storage === 'csr') return storedSet(file, name, rows, cols, source);
  const kept: number[] = [];
  for (let i = 0; i < dense.length; i++) if (dense[i] !== 0) kept.push(i);
  return Int32Array.from(kept.length > 0 ? kept : [0]);
}

import { layersToSparsify } from '../methods/sparsify.js';
import type { Module } from '../nn/module.js';
import { allModules, isSparsifiable } from '../nn/sparsifiable.js';
import { buildModel, buildTextModel } from '../run/buildModel.js';
import type { TrainConfig } from '../run/trainConfig.js';
import { escapeControl } from '../util/safeText.js';
import { flatFromCsr } from './csrTensors.js';
import type { InferenceFile, LayerEntry } from './exportModel.js';
import { trainableShape } from './modelTensors.js';
import type { NamedTensor } from './safetensors.js';
import { sameShape } from './tensorChecks.js';
import { float32Values, int32Values } from './tensorValues.js';

/** A model rebuilt from an inference file, with what its data must match. */
export interface RebuiltModel {
  readonly model: Module;
  readonly config: TrainConfig;
  /** Image models: inputs per example. */
  readonly inputs?: number;
  /** Language models: characters in the vocabulary. */
  readonly vocab?: number;
}

/**
 * The model of an inference file (exportModel.ts), ready to evaluate: the mlp, cnn or transformer its config
 * describes (built as training built it, src/run/buildModel.ts), with its weights. A weight that was sparse in
 * training runs sparse again, on the forward set the file keeps (csr: the stored set; dense: the non-zero
 * entries), so evaluation takes the same kernels as it did in training. The sizes come from the file's layers
 * (an mlp's inputs, the classes, a transformer's vocabulary); a cnn's image size is not in its weights, so
 * `inputs` (the data's inputs per example) is needed for one, and checked against an mlp's.
 */
export function inferenceModel(file: InferenceFile, source: string, inputs?: number): RebuiltModel {
  const { config } = file;
  const shapes = new Map(file.layers.map((layer) => [layer.name, layer]));
  const rebuilt = buildFromLayers(config, shapes, source, inputs);
  try {
    loadWeights(rebuilt.model, file, shapes, source);
  } catch (error) {
    rebuilt.model.dispose?.();
    throw error;
  }
  return rebuilt;
}

function buildFromLayers(
  config: TrainConfig,
  shapes: ReadonlyMap<string, LayerEntry>,
  source: string,
  inputs: number | undefined,
): RebuiltModel {
  const matrix = (name: string, what: string): readonly number[] => {
    const shape = shapes.get(name)?.shape;
    if (!shape || shape.length < 2) {
      throw new Error(`${source}: it has no ${name} matrix, so its layers do not describe ${what}`);
    }
    return shape;
  };
  if (config.model === 'transformer') {
    const vocab = matrix('embedding.weight', 'a transformer')[0]!;
    return { model: buildTextModel(config, vocab).model, config, vocab };
  }
  const classes = matrix('out.weight', `a ${config.model}`)[0]!;
  if (config.model === 'cnn') {
    const side = inputs ?? cnnInputs(shapes, source);
    return { model: buildModel(config, side, classes).model, config, inputs: side };
  }
  const first = shapes.has('fc1.weight') ? matrix('fc1.weight', 'an MLP') : matrix('out.weight', 'an MLP');
  const features = first[1]!;
  if (inputs !== undefined && inputs !== features) {
    throw new Error(
      `${source} takes ${features} inputs but the data has ${inputs}: use --dataset ${config.dataset}`,
    );
  }
  return { model: buildModel(config, features, classes).model, config, inputs: features };
}

/**
 * Inputs of a square image that give a cnn these weights (its parameters fix the image size only up to the
 * pooling: each conv block halves the side, and fc1 reads filters × side² features): for checking a cnn's
 * weights against its config without its data.
 */
function cnnInputs(shapes: ReadonlyMap<string, LayerEntry>, source: string): number {
  const convs = [...shapes.keys()].filter((name) => /^conv\d+\.weight$/.test(name)).sort();
  const filters = shapes.get(convs[convs.length - 1] ?? '')?.shape[0];
  const features = shapes.get('fc1.weight')?.shape[1];
  const pooled = Math.round(Math.sqrt((features ?? 0) / (filters ?? 1)));
  if (
    filters === undefined ||
    features === undefined ||
    pooled < 1 ||
    pooled * pooled * filters !== features
  ) {
    throw new Error(
      `${escapeControl(source)}: its conv and fc1 weights do not describe a cnn of square images`,
    );
  }
  return (pooled * 2 ** convs.length) ** 2;
}

/**
 * Every trainable's values from the file: the weights of sparsifiable layers (made sparse again where they
 * were), then everything else (biases, norms, embeddings, dense layers) by name, each checked for its size.
 */
function loadWeights(
  model: Module,
  file: InferenceFile,
  shapes: ReadonlyMap<string, LayerEntry>,
  source: string,
): void {
  const loaded = new Set<string>();
  const mismatch = (
    name: string,
    found: readonly number[] | undefined,
    expected: readonly number[],
  ): never => {
    throw new Error(
      `${escapeControl(source)}: ${name} ${found ? `is [${found}]` : 'is missing'}, but the model of its config has [${expected}]: the file does not match its config`,
    );
  };
  const { config } = file;
  const trainedSparse = sparseInTraining(model, config, source);
  for (const layer of allModules(model).filter(isSparsifiable)) {
    const { name } = layer.weight;
    const entry = shapes.get(name);
    if (entry && entry.sparse !== trainedSparse.has(name)) {
      throw new Error(
        `${escapeControl(source)}: ${name} is listed as ${entry.sparse ? 'sparse' : 'dense'} in training, but its config (--method ${config.method}, --dense-layers ${config.denseLayers.join(',')}) trains it ${entry.sparse ? 'dense' : 'sparse'}: the file does not match its config`,
      );
    }
    const [rows, ...rest] = layer.weightDims as [number, ...number[]];
    const cols = rest.reduce((a, b) => a * b, 1);
    // An export made for other frameworks keeps a convolution's [out, C, kh, kw] (exportModel.ts).
    const expected = entry?.sparse ? [rows, cols] : trainableShape(layer.weight);
    const fits = entry && (sameShape(entry.shape, expected) || sameShape(entry.shape, layer.weightDims));
    if (!fits) mismatch(name, entry?.shape, expected);
    const dense = layer.weight.values;
    dense.set(denseWeight(file.tensors, name, rows, cols, source));
    if (entry!.sparse) {
      const kept = nonZeroOrStored(file, name, dense, rows, cols, source);
      layer.makeSparse(kept, kept);
    }
    loaded.add(name);
  }
  for (const trainable of model.trainables()) {
    if (loaded.has(trainable.name)) continue;
    const tensor = file.tensors.get(trainable.name);
    const expected = trainableShape(trainable);
    if (tensor?.dtype !== 'F32' || !sameShape(tensor.shape, expected))
      mismatch(trainable.name, tensor?.shape, expected);
    trainable.values.set(tensor!.data as Float32Array);
    loaded.add(trainable.name);
  }
  const extra = file.layers.find((layer) => !loaded.has(layer.name));
  if (extra) {
    throw new Error(
      `${escapeControl(source)}: it has ${extra.name}, which the model of its config does not have${config.tied ? ' (config.tied: the output projection is the embedding)' : ''}: the file does not match its config`,
    );
  }
}

/** The names of the weights a run of `config` trains sparse (its method and --dense-layers). */
function sparseInTraining(model: Module, config: TrainConfig, source: string): Set<string> {
  if (config.method === 'dense') return new Set();
  try {
    return new Set(layersToSparsify(model, config.denseLayers).map((layer) => layer.weight.name));
  } catch (error) {
    throw new Error(`${escapeControl(source)}: its config's ${escapeControl((error as Error).message)}`);
  }
}

/**
 * The weight `name` of `tensors` as a dense rows×cols matrix: its own tensor (any shape of that size, any float
 * dtype), or scattered from `<name>.values` at the CSR set `<name>.indptr`, `<name>.indices`.
 */
export function denseWeight(
  tensors: ReadonlyMap<string, NamedTensor>,
  name: string,
  rows: number,
  cols: number,
  source: string,
): Float32Array {
  const stored = tensors.get(name);
  if (stored) {
    if (stored.data.length !== rows * cols) {
      throw new Error(`${source}: ${name} is not a ${rows}×${cols} matrix`);
    }
    return float32Values(stored, source);
  }
  const flat = storedSet(tensors, name, rows, cols, source);
  const values = tensors.get(`${name}.values`);
  if (values?.data.length !== flat.length) {
    throw new Error(`${source}: ${name}.values is missing or does not match ${name}.indices`);
  }
  const kept = float32Values(values, source);
  const dense = new Float32Array(rows * cols);
  for (let p = 0; p < flat.length; p++) dense[flat[p]!] = kept[p]!;
  return dense;
}

function storedSet(
  tensors: ReadonlyMap<string, NamedTensor>,
  name: string,
  rows: number,
  cols: number,
  source: string,
): Int32Array {
  const indptr = tensors.get(`${name}.indptr`);
  const indices = tensors.get(`${name}.indices`);
  if (indptr === undefined || indices === undefined) {
    throw new Error(`${source}: ${name} has neither a dense matrix nor indptr and indices`);
  }
  return flatFromCsr(
    int32Values(indptr, source),
    int32Values(indices, source),
    rows,
    cols,
    `${source}: ${name}`,
  );
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
  if (file.storage === 'csr') return storedSet(file.tensors, name, rows, cols, source);
  const kept: number[] = [];
  for (let i = 0; i < dense.length; i++) if (dense[i] !== 0) kept.push(i);
  return Int32Array.from(kept.length > 0 ? kept : [0]);
}

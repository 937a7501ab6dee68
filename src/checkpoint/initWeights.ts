/**
 * Starting weights from a safetensors file (`topkast train --init`): a PyTorch state_dict saved with
 * safetensors, a topkast export (dense or CSR) or a checkpoint (its forward weights). Tensors are matched to
 * the model's trainables by name (fc1.weight, fc1.bias, conv1.weight, ...: PyTorch's names for modules named
 * as topkast names its layers) and shape, in PyTorch's layouts (a linear weight [out, in], a convolution's
 * [out, C, kh, kw]; its [out, C·kh·kw] matrix is accepted too); any float dtype (F32, F64, F16, BF16).
 *
 * The weights are loaded into the dense model before a sparsity method attaches, so a method's first sets are
 * chosen from them: with Top-KAST, the top-k magnitudes of the pretrained weights (sparse fine-tuning).
 */
import type { Module } from '../nn/module.js';
import { Parameter } from '../nn/parameter.js';
import { allModules, isSparsifiable } from '../nn/sparsifiable.js';
import { checkedCheckpoint } from './checkpoint.js';
import { checkpointInferenceFile, inferenceFile, MODEL_FORMAT } from './exportModel.js';
import { denseWeight } from './inferenceModel.js';
import { readSafetensors } from './readSafetensors.js';
import { CHECKPOINT_FORMAT } from './runState.js';
import type { NamedTensor } from './safetensors.js';
import { requireFinite, sameShape } from './tensorChecks.js';

export interface InitWeights {
  readonly source: string;
  /** False when the file has no topkast checksum (another tool wrote it). */
  readonly checksummed: boolean;
  readonly tensors: ReadonlyMap<string, NamedTensor>;
}

/**
 * Reads the weights of `file`; throws, naming it, when it is not a valid safetensors file, when a checkpoint
 * or export in it does not pass their checks (checkpoint.ts, exportModel.ts), or when a value is not finite.
 */
export function readInitWeights(file: string): InitWeights {
  const { tensors, metadata, checksummed } = readSafetensors(
    file,
    'to --init a safetensors file (from `topkast export`, or a PyTorch state_dict)',
  );
  if (metadata.format === CHECKPOINT_FORMAT) {
    const checkpoint = checkedCheckpoint(tensors, metadata, file);
    return { source: file, checksummed, tensors: checkpointInferenceFile(checkpoint, file).tensors };
  }
  if (metadata.format === MODEL_FORMAT) {
    return {
      source: file,
      checksummed,
      tensors: inferenceFile(tensors, metadata, file, checksummed).tensors,
    };
  }
  for (const tensor of tensors) requireFinite(tensor, file);
  return { source: file, checksummed, tensors: new Map(tensors.map((tensor) => [tensor.name, tensor])) };
}

/**
 * Sets every trainable of the dense `model` from `init`; throws one line listing every missing, unexpected
 * and mis-shaped tensor (and changes nothing) unless all of them match.
 */
export function loadInitWeights(model: Module, init: InitWeights): void {
  const { tensors, source } = init;
  const layerDims = new Map(
    allModules(model)
      .filter(isSparsifiable)
      .map((layer) => [layer.weight.name, layer.weightDims]),
  );
  const missing: string[] = [];
  const misshaped: string[] = [];
  const used = new Set<string>();
  const loads: (() => void)[] = [];
  for (const trainable of model.trainables()) {
    const { name } = trainable;
    const stored = trainable instanceof Parameter ? trainable.tensor.shape : [trainable.values.length];
    const shape = layerDims.get(name) ?? stored;
    const tensor = tensors.get(name);
    const parts = [`${name}.values`, `${name}.indptr`, `${name}.indices`];
    if (tensor === undefined && !parts.every((part) => tensors.has(part))) {
      missing.push(name);
      continue;
    }
    if (tensor !== undefined && !sameShape(tensor.shape, shape) && !sameShape(tensor.shape, stored)) {
      misshaped.push(`${name} is [${tensor.shape}] in the file, [${shape}] in the model`);
      used.add(name);
      continue;
    }
    for (const part of tensor ? [name] : parts) used.add(part);
    const rows = shape[0] ?? 1;
    const cols = trainable.values.length / rows;
    loads.push(() => trainable.values.set(denseWeight(tensors, name, rows, cols, source)));
  }
  const unexpected = [...tensors.keys()].filter((name) => !used.has(name));
  if (missing.length + misshaped.length + unexpected.length > 0) {
    const list = (what: string, names: string[]) =>
      names.length === 0
        ? []
        : [
            `${what} ${names.slice(0, 8).join(', ')}${names.length > 8 ? ` (+${names.length - 8} more)` : ''}`,
          ];
    const problems = [
      ...list('missing', missing),
      ...list('unexpected', unexpected),
      ...misshaped.slice(0, 8),
    ].join('; ');
    throw new Error(
      `--init ${source} does not match the model: ${problems}: give weights saved from a model built with the same flags (tensor names as in \`topkast export\`)`,
    );
  }
  for (const load of loads) load();
}

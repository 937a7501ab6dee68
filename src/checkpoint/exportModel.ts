/**
 * Inference files from checkpoints (`topkast export`): only what the forward pass uses, in a checksummed
 * safetensors file (checksummedFile.ts). Each sparse weight `<name>` is stored
 *   dense:  `<name>` F32 in its layer's shape ([out, in]; a convolution's [out, C, kh, kw], PyTorch's layout),
 *           A's values and zeros elsewhere;
 *   csr:    `<name>.values` F32 (A's values in CSR order), `<name>.indptr`, `<name>.indices` I32, the CSR of
 *           the [out, in·kh·kw] matrix;
 * dense parameters (biases, dense layers) under their names. No θ, no backward set, no optimizer state.
 * `__metadata__`: format "topkast-model", format_version "1", storage, the run's config (JSON), layers
 * (JSON: [{ name, shape, sparse }], sparse when the weight was sparse in training) and, for an image model
 * (ExportLayout), `input`, `normalization` and `architecture` (portable/layerGraph.ts: the layers in order,
 * enough to rebuild the model in another framework).
 */

import { describeProblem, schemaProblem } from '../run/configSchema.js';
import type { TrainConfig } from '../run/trainConfig.js';
import { escapeControl, quoteValue } from '../util/safeText.js';
import type { Checkpoint } from './checkpoint.js';
import { decodeChecksummed, encodeChecksummed } from './checksummedFile.js';
import { csrTensors, flatFromCsr } from './csrTensors.js';
import { layersSchema, portableEntries, portableEntrySchemas } from './exportMetadata.js';
import type { NamedTensor } from './safetensors.js';
import { savedTrainConfig } from './savedConfig.js';
import { requireFinite, requireTensor } from './tensorChecks.js';

export const MODEL_FORMAT = 'topkast-model';
export const MODEL_VERSION = 1;
export const storageNames = ['dense', 'csr'] as const;
export type Storage = (typeof storageNames)[number];

export interface LayerEntry {
  readonly name: string;
  readonly shape: readonly number[];
  /** Sparse in training: its forward set is what the file keeps. */
  readonly sparse: boolean;
}

/** What an image model's export adds (portable/portableModel.ts): weight shapes and metadata entries. */
export interface ExportLayout {
  /** A weight's shape by name when it is not the matrix (a convolution's [out, C, kh, kw]). */
  readonly shapes: ReadonlyMap<string, readonly number[]>;
  readonly metadata: Readonly<Record<string, string>>;
}

const matrixLayout: ExportLayout = { shapes: new Map(), metadata: {} };

/** The bytes of the inference file of a checkpoint. */
export function exportModel(
  checkpoint: Checkpoint,
  storage: Storage,
  source: string,
  layout: ExportLayout = matrixLayout,
): Uint8Array {
  const { tensors, metadata } = inferenceContents(checkpoint, storage, source, layout);
  return encodeChecksummed(tensors, metadata);
}

/** The inference file of a checkpoint, in memory (what reading back its export gives). */
export function checkpointInferenceFile(checkpoint: Checkpoint, source: string): InferenceFile {
  const { tensors, metadata } = inferenceContents(checkpoint, 'csr', source, matrixLayout);
  return inferenceFile(tensors, metadata, source, true);
}

/** An inference file's tensors and metadata. */
function inferenceContents(
  checkpoint: Checkpoint,
  storage: Storage,
  source: string,
  layout: ExportLayout,
): { tensors: NamedTensor[]; metadata: Record<string, string> } {
  const byName = new Map(checkpoint.tensors.map((tensor) => [tensor.name, tensor]));
  const layers: LayerEntry[] = [];
  const tensors: NamedTensor[] = [];
  for (const tensor of checkpoint.tensors) {
    const { name } = tensor;
    if (name.includes('.state.') || !(name.endsWith('.theta') || !isSparsePart(name, byName))) continue;
    if (!name.endsWith('.theta')) {
      const shape = layout.shapes.get(name) ?? tensor.shape;
      layers.push({ name, shape, sparse: false });
      tensors.push({ ...tensor, shape });
      continue;
    }
    const weight = name.slice(0, -'.theta'.length);
    const [rows, cols] = tensor.shape as [number, number];
    const get = (suffix: string) => byName.get(`${weight}.${suffix}`)!.data;
    const forward = flatFromCsr(
      get('forward.indptr') as Int32Array,
      get('forward.indices') as Int32Array,
      rows,
      cols,
      `${source}: ${weight}.forward`,
    );
    const theta = tensor.data as Float32Array;
    const shape = layout.shapes.get(weight) ?? tensor.shape;
    layers.push({ name: weight, shape, sparse: true });
    if (storage === 'dense') {
      const dense = new Float32Array(rows * cols);
      for (const flat of forward) dense[flat] = theta[flat]!;
      tensors.push({ name: weight, dtype: 'F32', shape, data: dense });
    } else {
      const values = Float32Array.from(forward, (flat) => theta[flat]!);
      tensors.push(
        { name: `${weight}.values`, dtype: 'F32', shape: [values.length], data: values },
        ...csrTensors(weight, forward, rows, cols),
      );
    }
  }
  const metadata = {
    format: MODEL_FORMAT,
    format_version: String(MODEL_VERSION),
    storage,
    config: JSON.stringify(checkpoint.state.config),
    layers: JSON.stringify(layers),
    ...layout.metadata,
  };
  return { tensors, metadata };
}

/** A sparse weight's tensor other than θ (`w.forward.indptr`, `w.values`, ...), given the file's tensors. */
function isSparsePart(name: string, byName: ReadonlyMap<string, NamedTensor>): boolean {
  const parts = ['.forward.indptr', '.forward.indices', '.backward.indptr', '.backward.indices', '.values'];
  return parts.some((part) => name.endsWith(part) && byName.has(`${name.slice(0, -part.length)}.theta`));
}

export interface InferenceFile {
  /** False for a file without a checksum (written by another tool), read where that is allowed. */
  readonly checksummed: boolean;
  readonly storage: Storage;
  /** The run's config, checked and resolved (savedConfig.ts). */
  readonly config: TrainConfig;
  readonly layers: readonly LayerEntry[];
  readonly tensors: ReadonlyMap<string, NamedTensor>;
}

/** Decodes and checks the bytes of an inference file topkast wrote (checksum required); throws, naming `source`. */
export function decodeInferenceFile(bytes: Uint8Array, source: string): InferenceFile {
  const { tensors, metadata } = decodeChecksummed(bytes, source);
  return inferenceFile(tensors, metadata, source, true);
}

/**
 * Checks an inference file's decoded contents: its format, known metadata keys, the config (the config
 * schema), the layers (each listed once), an image model's input, normalization and architecture entries
 * (exportMetadata.ts), every layer's tensors of their dtype and exact shape (csr: a valid set, one value per
 * entry), every value finite, and no tensor outside the layers. Throws, naming `file`.
 */
export function inferenceFile(
  tensors: readonly NamedTensor[],
  metadata: Readonly<Record<string, string>>,
  file: string,
  checksummed: boolean,
): InferenceFile {
  const source = escapeControl(file);
  if (metadata.format === undefined) {
    throw new Error(
      `${source} has no topkast metadata (format, config, layers), so it does not say what model it is: use a file written by \`topkast export\`, or start training from its weights with \`topkast train --init\``,
    );
  }
  if (metadata.format !== MODEL_FORMAT || metadata.format_version !== String(MODEL_VERSION)) {
    throw new Error(
      `${source} is not a topkast model file of version ${MODEL_VERSION} (format ${quoteValue(metadata.format ?? null)}, version ${quoteValue(metadata.format_version ?? null)}): make one with \`topkast export\``,
    );
  }
  const known = ['format', 'format_version', 'storage', 'config', 'layers', 'checksum', ...portableEntries];
  const unknown = Object.keys(metadata).find((key) => !known.includes(key));
  if (unknown !== undefined)
    throw new Error(`${source}: metadata entry ${quoteValue(unknown)} is not one topkast writes`);
  const storage = metadata.storage as Storage;
  if (!storageNames.includes(storage)) {
    throw new Error(
      `${source}: storage ${quoteValue(metadata.storage ?? null)} is not one of ${storageNames.join(', ')}`,
    );
  }
  const json = (key: string): unknown => {
    try {
      return JSON.parse(metadata[key] ?? '');
    } catch {
      throw new Error(`${source}: metadata entry ${key} is missing or not valid JSON`);
    }
  };
  const config = savedTrainConfig(json('config'), file);
  const layers = json('layers');
  const problem = schemaProblem(layersSchema, layers);
  if (problem) throw new Error(`${source}: metadata entry ${describeProblem('layers', problem)}`);
  for (const key of portableEntries) {
    if (metadata[key] === undefined) continue;
    const entryProblem = schemaProblem(portableEntrySchemas[key], json(key));
    if (entryProblem) throw new Error(`${source}: metadata entry ${describeProblem(key, entryProblem)}`);
  }
  const byName = new Map(tensors.map((tensor) => [tensor.name, tensor]));
  const owned = new Set<string>();
  for (const layer of layers as LayerEntry[]) {
    if (owned.has(layer.name) || owned.has(`${layer.name}.values`)) {
      throw new Error(`${source}: layer ${layer.name} is listed twice`);
    }
    for (const name of layerTensors(layer, storage, byName, file)) owned.add(name);
  }
  for (const tensor of tensors) {
    if (!owned.has(tensor.name)) {
      throw new Error(
        `${source}: tensor ${escapeControl(tensor.name)} belongs to no layer of the file: it is not a file topkast writes`,
      );
    }
    requireFinite(tensor, file);
  }
  return { checksummed, storage, config, layers: layers as LayerEntry[], tensors: byName };
}

/**
 * Checks one layer's tensors; returns their names. A sparse layer is a matrix [rows, cols] or a convolution
 * [out, C, kh, kw] (its CSR set is of the [out, C·kh·kw] matrix).
 */
function layerTensors(
  layer: LayerEntry,
  storage: Storage,
  byName: ReadonlyMap<string, NamedTensor>,
  file: string,
): string[] {
  const { name, shape, sparse } = layer;
  if (sparse && shape.length !== 2 && shape.length !== 4) {
    throw new Error(
      `${escapeControl(file)}: sparse layer ${name} has shape [${shape}]; it must be [rows, cols] or [out, C, kh, kw]`,
    );
  }
  if (!sparse || storage === 'dense') {
    requireTensor(byName.get(name), name, 'F32', shape, file);
    return [name];
  }
  const [rows, ...rest] = shape as [number, ...number[]];
  const cols = rest.reduce((a, b) => a * b, 1);
  const indptr = requireTensor(byName.get(`${name}.indptr`), `${name}.indptr`, 'I32', [rows + 1], file);
  const indices = byName.get(`${name}.indices`);
  const count = indices?.data.length ?? 0;
  requireTensor(indices, `${name}.indices`, 'I32', [count], file);
  requireTensor(byName.get(`${name}.values`), `${name}.values`, 'F32', [count], file);
  flatFromCsr(
    indptr.data as Int32Array,
    indices!.data as Int32Array,
    rows,
    cols,
    `${escapeControl(file)}: ${name}`,
  );
  return [`${name}.values`, `${name}.indptr`, `${name}.indices`];
}

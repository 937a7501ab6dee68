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
import type { Checkpoint } from './checkpoint.js';
import { decodeChecksummed, encodeChecksummed } from './checksummedFile.js';
import { csrTensors, flatFromCsr } from './csrTensors.js';
import { readExisting } from './readExisting.js';
import type { NamedTensor } from './safetensors.js';

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
  readonly config: Readonly<Record<string, unknown>>;
  readonly layers: readonly LayerEntry[];
  readonly tensors: ReadonlyMap<string, NamedTensor>;
}

/**
 * Reads and checks an inference file; throws, naming it, unless it is whole and of this format. A file
 * without a checksum (re-saved by another tool) is read when its metadata says it is one (checksummed false).
 */
export function readInferenceFile(file: string): InferenceFile {
  const bytes = readExisting(file, 'a file written by `topkast export`');
  const { tensors, metadata, checksummed } = decodeChecksummed(bytes, file, { required: false });
  return inferenceFile(tensors, metadata, file, checksummed);
}

/** The inference file of decoded contents; throws, naming `file`, unless the metadata is of this format. */
export function inferenceFile(
  tensors: readonly NamedTensor[],
  metadata: Readonly<Record<string, string>>,
  file: string,
  checksummed: boolean,
): InferenceFile {
  if (metadata.format === undefined) {
    throw new Error(
      `${file} has no topkast metadata (format, config, layers), so it does not say what model it is: use a file written by \`topkast export\`, or start training from its weights with \`topkast train --init\``,
    );
  }
  if (metadata.format !== MODEL_FORMAT || metadata.format_version !== String(MODEL_VERSION)) {
    throw new Error(
      `${file} is not a topkast model file of version ${MODEL_VERSION} (format ${metadata.format}, version ${metadata.format_version}): make one with \`topkast export\``,
    );
  }
  const storage = metadata.storage as Storage;
  if (!storageNames.includes(storage)) throw new Error(`${file}: unknown storage ${metadata.storage}`);
  return {
    checksummed,
    storage,
    config: JSON.parse(metadata.config ?? 'null'),
    layers: JSON.parse(metadata.layers ?? '[]'),
    tensors: new Map(tensors.map((tensor) => [tensor.name, tensor])),
  };
}

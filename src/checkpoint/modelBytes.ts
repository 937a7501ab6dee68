/**
 * Trained models as bytes, in memory: the export `topkast export` writes for a checkpoint, and an export or a
 * checkpoint read back as an inference file. They are the same safetensors bytes as the files (the CLI's
 * export and Node's readers, modelFile.ts, call these), checked the same way; platform-neutral, so a page can
 * keep a model in IndexedDB, offer it as a download, or load one a user picks.
 */

import type { Checkpoint } from './checkpoint.js';
import { checkedCheckpoint } from './checkpoint.js';
import { type CheckedContents, decodeChecksummed } from './checksummedFile.js';
import {
  checkpointInferenceFile,
  exportModel,
  type InferenceFile,
  inferenceFile,
  type Storage,
} from './exportModel.js';
import { portableModel, weightShapes } from './portable/portableModel.js';
import { CHECKPOINT_FORMAT } from './runState.js';
import { widened } from './tensorValues.js';

/**
 * The bytes of `checkpoint`'s inference file, as `topkast export --format <storage>` writes them: the forward
 * weights (dense, or CSR), the config, the layers and, for an image model, its input, normalisation and
 * architecture. `source` names the checkpoint in errors.
 */
export function encodeModelExport(
  checkpoint: Checkpoint,
  storage: Storage = 'dense',
  source = 'the checkpoint',
): Uint8Array {
  const portable = portableModel(checkpointInferenceFile(checkpoint, source), source);
  const layout = portable && { shapes: weightShapes(portable.layers), metadata: portable.metadata };
  return exportModel(checkpoint, storage, source, layout ?? undefined);
}

/**
 * The inference file in `bytes`: an export, or a checkpoint (its forward weights, as its export holds them).
 * Everything is checked as when reading a file; bytes without a checksum (re-saved by another tool) are read
 * when their metadata says what they are (`checksummed` is then false). Throws, naming `source`.
 */
export function decodeModelFile(bytes: Uint8Array, source = 'the model bytes'): InferenceFile {
  const { tensors, metadata, checksummed } = decodeForeignSafetensors(bytes, source);
  if (metadata.format === CHECKPOINT_FORMAT) {
    const checkpoint = checkedCheckpoint(tensors, metadata, source);
    return { ...checkpointInferenceFile(checkpoint, source), checksummed };
  }
  return inferenceFile(tensors, metadata, source, checksummed);
}

/**
 * Safetensors bytes where another tool's are accepted (evaluation, sampling, export, --init; never a resume):
 * the checksum verified when there is one (checksummedFile.ts), and the tensors widened to the dtypes topkast
 * checks and computes in (F64, F16, BF16 → F32; I64 → I32: tensorValues.ts).
 */
export function decodeForeignSafetensors(bytes: Uint8Array, source: string): CheckedContents {
  const contents = decodeChecksummed(bytes, source, { required: false });
  return { ...contents, tensors: contents.tensors.map((tensor) => widened(tensor, source)) };
}

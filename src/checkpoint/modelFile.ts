import { existsSync, statSync } from 'node:fs';
import { loadLatestCheckpoint } from './checkpointDir.js';
import { decodeChecksummed } from './checksummedFile.js';
import { checkpointInferenceFile, type InferenceFile, inferenceFile } from './exportModel.js';
import { readExisting } from './readExisting.js';
import { CHECKPOINT_FORMAT, decodeRunState } from './runState.js';

/**
 * The trained model at `path`, as an inference file: an export (`topkast export`), one checkpoint file, or a
 * checkpoint directory (its newest checkpoint); a checkpoint's forward weights are taken in memory, as its
 * export would hold them. A file without a checksum (re-saved by another tool) is read when its metadata says
 * what it is (`file.checksummed` is then false). Returns the file and the name of where it came from.
 */
export function readModelFile(path: string): { file: InferenceFile; source: string } {
  if (existsSync(path) && statSync(path).isDirectory()) {
    const { file, checkpoint } = loadLatestCheckpoint(path);
    return { file: checkpointInferenceFile(checkpoint, file), source: file };
  }
  const bytes = readExisting(
    path,
    'a checkpoint directory, a checkpoint file or a file written by `topkast export`',
  );
  const { tensors, metadata, checksummed } = decodeChecksummed(bytes, path, { required: false });
  if (metadata.format === CHECKPOINT_FORMAT) {
    const checkpoint = { state: decodeRunState(metadata, path), tensors };
    return { file: { ...checkpointInferenceFile(checkpoint, path), checksummed }, source: path };
  }
  return { file: inferenceFile(tensors, metadata, path, checksummed), source: path };
}

import { statOrUndefined } from '../util/files.js';
import { checkedCheckpoint } from './checkpoint.js';
import { loadLatestCheckpoint } from './checkpointDir.js';
import { checkpointInferenceFile, type InferenceFile, inferenceFile } from './exportModel.js';
import { readSafetensors } from './readSafetensors.js';
import { CHECKPOINT_FORMAT } from './runState.js';

/**
 * The trained model at `path`, as an inference file: an export (`topkast export`), one checkpoint file, or a
 * checkpoint directory (its newest checkpoint); a checkpoint's forward weights are taken in memory, as its
 * export would hold them. Only a directory or a regular file is read (readSafetensors.ts), and everything is
 * checked (checkpoint.ts, exportModel.ts); a file without a checksum (re-saved by another tool) is read, and
 * checked as fully, when its metadata says what it is (`file.checksummed` is then false).
 * Returns the file and the name of where it came from, for messages.
 */
export function readModelFile(path: string): { file: InferenceFile; source: string } {
  if (statOrUndefined(path)?.isDirectory()) {
    const { file, checkpoint } = loadLatestCheckpoint(path);
    return { file: checkpointInferenceFile(checkpoint, file), source: file };
  }
  const { tensors, metadata, checksummed } = readSafetensors(
    path,
    'a checkpoint directory, a checkpoint file or a file written by `topkast export`',
  );
  if (metadata.format === CHECKPOINT_FORMAT) {
    const checkpoint = checkedCheckpoint(tensors, metadata, path);
    return { file: { ...checkpointInferenceFile(checkpoint, path), checksummed }, source: path };
  }
  return { file: inferenceFile(tensors, metadata, path, checksummed), source: path };
}

import { readRegularFile, statOrUndefined } from '../util/files.js';
import { decodeCheckpoint } from './checkpoint.js';
import { loadLatestCheckpoint } from './checkpointDir.js';
import { decodeChecksummed } from './checksummedFile.js';
import { checkpointInferenceFile, decodeInferenceFile, type InferenceFile } from './exportModel.js';
import { CHECKPOINT_FORMAT } from './runState.js';

/**
 * The trained model at `path`, as an inference file: an export (`topkast export`), one checkpoint file, or a
 * checkpoint directory (its newest checkpoint); a checkpoint's forward weights are taken in memory, as its
 * export would hold them. Only a directory or a regular file is read (a pipe or device is refused before any
 * read); everything is checked (checkpoint.ts, exportModel.ts). Returns the file and the name of where it came
 * from, for messages.
 */
export function readModelFile(path: string): { file: InferenceFile; source: string } {
  if (statOrUndefined(path)?.isDirectory()) {
    const { file, checkpoint } = loadLatestCheckpoint(path);
    return { file: checkpointInferenceFile(checkpoint, file), source: file };
  }
  const bytes = readRegularFile(path);
  if (decodeChecksummed(bytes, path).metadata.format === CHECKPOINT_FORMAT) {
    return { file: checkpointInferenceFile(decodeCheckpoint(bytes, path), path), source: path };
  }
  return { file: decodeInferenceFile(bytes, path), source: path };
}

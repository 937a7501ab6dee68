import { existsSync, readFileSync, statSync } from 'node:fs';
import { decodeCheckpoint } from './checkpoint.js';
import { loadLatestCheckpoint } from './checkpointDir.js';
import { decodeChecksummed } from './checksummedFile.js';
import { checkpointInferenceFile, type InferenceFile, readInferenceFile } from './exportModel.js';
import { CHECKPOINT_FORMAT } from './runState.js';

/**
 * The trained model at `path`, as an inference file: an export (`topkast export`), one checkpoint file, or a
 * checkpoint directory (its newest checkpoint); a checkpoint's forward weights are taken in memory, as its
 * export would hold them. Returns the file and the name of where it came from, for messages.
 */
export function readModelFile(path: string): { file: InferenceFile; source: string } {
  if (existsSync(path) && statSync(path).isDirectory()) {
    const { file, checkpoint } = loadLatestCheckpoint(path);
    return { file: checkpointInferenceFile(checkpoint, file), source: file };
  }
  const bytes = readFileSync(path);
  if (decodeChecksummed(bytes, path).metadata.format === CHECKPOINT_FORMAT) {
    return { file: checkpointInferenceFile(decodeCheckpoint(bytes, path), path), source: path };
  }
  return { file: readInferenceFile(path), source: path };
}

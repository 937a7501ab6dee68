/**
 * Trained models on disk (Node): the byte readers of modelBytes.ts on files and checkpoint directories.
 */
import { readRegularFile, statOrUndefined } from '../util/files.js';
import { loadLatestCheckpoint } from './checkpointDir.js';
import { checkpointInferenceFile, type InferenceFile, inferenceFile } from './exportModel.js';
import { decodeModelFile } from './modelBytes.js';
import { readSafetensors } from './readSafetensors.js';

/**
 * The trained model at `path`, as an inference file: an export (`topkast export`), one checkpoint file, or a
 * checkpoint directory (its newest checkpoint); a checkpoint's forward weights are taken in memory, as its
 * export would hold them. Only a directory or a regular file is read (util/files.ts), and everything is
 * checked (modelBytes.ts); a file without a checksum (re-saved by another tool) is read, and checked as fully,
 * when its metadata says what it is (`file.checksummed` is then false).
 * Returns the file and the name of where it came from, for messages.
 */
export function readModelFile(path: string): { file: InferenceFile; source: string } {
  if (statOrUndefined(path)?.isDirectory()) {
    const { file, checkpoint } = loadLatestCheckpoint(path);
    return { file: checkpointInferenceFile(checkpoint, file), source: file };
  }
  const bytes = readRegularFile(
    path,
    'a checkpoint directory, a checkpoint file or a file written by `topkast export`',
  );
  return { file: decodeModelFile(bytes, path), source: path };
}

/**
 * Reads and checks an inference file (a regular file only); throws, naming it, unless it is valid. A file
 * without a checksum (re-saved by another tool) is read, and checked as fully (`checksummed` is then false).
 */
export function readInferenceFile(file: string): InferenceFile {
  const { tensors, metadata, checksummed } = readSafetensors(file, 'a file written by `topkast export`');
  return inferenceFile(tensors, metadata, file, checksummed);
}

/**
 * Reading a safetensors file where one written by another tool is accepted (eval, sample, export, --init;
 * never --resume): a regular file only (util/files.ts), its checksum verified when it has one
 * (checksummedFile.ts), and its tensors widened to the dtypes topkast checks and computes in (F64, F16, BF16
 * → F32; I64 → I32: tensorValues.ts). The caller then checks the contents as fully as a topkast file's
 * (exportModel.ts, checkpoint.ts).
 */
import { readRegularFile } from '../util/files.js';
import { type CheckedContents, decodeChecksummed } from './checksummedFile.js';
import { widened } from './tensorValues.js';

/** The contents of the file at `path`; `expected` says what to give instead when it is missing or not a file. */
export function readSafetensors(path: string, expected: string): CheckedContents {
  const contents = decodeChecksummed(readRegularFile(path, expected), path, { required: false });
  return { ...contents, tensors: contents.tensors.map((tensor) => widened(tensor, path)) };
}

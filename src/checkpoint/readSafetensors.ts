/**
 * Reading a safetensors file where one written by another tool is accepted (eval, sample, export, --init;
 * never --resume): a regular file only (util/files.ts), decoded as modelBytes.ts's decodeForeignSafetensors
 * does. The caller then checks the contents as fully as a topkast file's (exportModel.ts, checkpoint.ts).
 */
import { readRegularFile } from '../util/files.js';
import type { CheckedContents } from './checksummedFile.js';
import { decodeForeignSafetensors } from './modelBytes.js';

/** The contents of the file at `path`; `expected` says what to give instead when it is missing or not a file. */
export function readSafetensors(path: string, expected: string): CheckedContents {
  return decodeForeignSafetensors(readRegularFile(path, expected), path);
}

import { existsSync, readFileSync, statSync } from 'node:fs';

/**
 * The bytes of the file at `path`; throws one line naming it and what to give instead (`expected`, e.g. "a file
 * written by `topkast export`") when it does not exist or is a directory.
 */
export function readExisting(path: string, expected: string): Uint8Array {
  if (!existsSync(path)) throw new Error(`${path} does not exist: give ${expected}`);
  if (statSync(path).isDirectory()) throw new Error(`${path} is a directory: give ${expected}`);
  return readFileSync(path);
}

import { randomBytes } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { makeDirectory } from './files.js';

/**
 * Writes a file so that readers see either the old file or the whole new one, never part of it: the bytes go
 * to a temporary file beside it, which is then renamed into place (atomic on one file system). Creates the
 * directory when missing; on failure removes the temporary file and rethrows.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  makeDirectory(dirname(file));
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(temporary, data);
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { makeDirectory } from '../util/files.js';

/**
 * Writes a file that survives a crash or power loss at any moment whole or not at all: the bytes go to a
 * temporary file beside it (name ending in .tmp), which is flushed to disk (fsync), renamed over `file`
 * (atomic on one file system), and then the directory is flushed so the rename itself is durable. Readers see
 * the old file or the new one, never a torn one; on failure the temporary file is removed and the error rethrown.
 */
export function writeFileDurable(file: string, data: Uint8Array): void {
  const directory = dirname(file);
  makeDirectory(directory);
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const fd = openSync(temporary, 'w');
    try {
      let written = 0;
      while (written < data.length) written += writeSync(fd, data, written, data.length - written);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  syncDirectory(directory);
}

/** Flushes a directory's entries (renames, removals) to disk. */
export function syncDirectory(directory: string): void {
  const fd = openSync(directory, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

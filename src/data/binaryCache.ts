/**
 * The compact on-disk form of a dataset's splits (splitsBytes.ts), so the JSON a dataset package ships is
 * parsed only once. A file whose size, header or checksum does not match is rejected, and the caller rebuilds
 * it. Files are written atomically (a temporary file renamed into place), so a reader never sees half a file
 * even when two processes build the cache at once.
 */
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../util/writeFileAtomic.js';
import { decodeSplits, encodeSplits, type Splits, type SplitsShape } from './splitsBytes.js';

/** Writes the splits to `file` atomically, creating its directory. */
export function writeSplitsCache(file: string, shape: SplitsShape, splits: Splits): void {
  writeFileAtomic(file, encodeSplits(shape, splits));
}

/**
 * Reads splits written by writeSplitsCache. Returns null when the file is missing, truncated, of another
 * format or shape, or fails its checksum: the caller then rebuilds it.
 */
export function readSplitsCache(file: string, shape: SplitsShape): Splits | null {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch {
    return null;
  }
  try {
    return decodeSplits(bytes, shape, file);
  } catch {
    return null;
  }
}

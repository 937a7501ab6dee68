/**
 * The compact on-disk form of a dataset's splits, so the JSON a dataset package ships is parsed only once.
 *
 * Layout (little-endian): a 64-byte header — magic "TKDS", format version, input size, classes, train count,
 * test count (u32 each), then the SHA-256 of the payload — followed by the payload: train pixels, train labels,
 * test pixels, test labels (all bytes). A file whose size, header or checksum does not match is rejected, and
 * the caller rebuilds it. Files are written atomically (a temporary file renamed into place), so a reader never
 * sees half a file even when two processes build the cache at once.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../util/writeFileAtomic.js';
import type { Split } from './dataset.js';

const MAGIC = 0x53444b54; // "TKDS" read as a little-endian u32
const FORMAT_VERSION = 1;
const HEADER_BYTES = 64;
const DIGEST_OFFSET = 24;
const DIGEST_BYTES = 32;

/** What the cached splits must describe; a file made for another shape is rejected. */
export interface CacheShape {
  readonly inputSize: number;
  readonly classes: number;
}

export interface CachedSplits {
  readonly train: Split;
  readonly test: Split;
}

/** Writes the splits to `file` atomically, creating its directory. */
export function writeSplitsCache(file: string, shape: CacheShape, splits: CachedSplits): void {
  const parts = [splits.train.images, splits.train.labels, splits.test.images, splits.test.labels];
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt32LE(MAGIC, 0);
  header.writeUInt32LE(FORMAT_VERSION, 4);
  header.writeUInt32LE(shape.inputSize, 8);
  header.writeUInt32LE(shape.classes, 12);
  header.writeUInt32LE(splits.train.labels.length, 16);
  header.writeUInt32LE(splits.test.labels.length, 20);
  digest(parts).copy(header, DIGEST_OFFSET);
  writeFileAtomic(file, Buffer.concat([header, ...parts]));
}

/**
 * Reads splits written by writeSplitsCache. Returns null when the file is missing, truncated, of another
 * format or shape, or fails its checksum: the caller then rebuilds it.
 */
export function readSplitsCache(file: string, shape: CacheShape): CachedSplits | null {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return null;
  }
  if (bytes.length < HEADER_BYTES) return null;
  if (bytes.readUInt32LE(0) !== MAGIC || bytes.readUInt32LE(4) !== FORMAT_VERSION) return null;
  if (bytes.readUInt32LE(8) !== shape.inputSize || bytes.readUInt32LE(12) !== shape.classes) return null;
  const trainCount = bytes.readUInt32LE(16);
  const testCount = bytes.readUInt32LE(20);
  if (bytes.length !== HEADER_BYTES + (trainCount + testCount) * (shape.inputSize + 1)) return null;
  // Copy the payload out of the Buffer pool into one owned ArrayBuffer, then cut views.
  const payload = new Uint8Array(bytes.subarray(HEADER_BYTES));
  let at = 0;
  const take = (n: number): Uint8Array => {
    const view = payload.subarray(at, at + n);
    at += n;
    return view;
  };
  const train = { images: take(trainCount * shape.inputSize), labels: take(trainCount) };
  const test = { images: take(testCount * shape.inputSize), labels: take(testCount) };
  const stored = bytes.subarray(DIGEST_OFFSET, DIGEST_OFFSET + DIGEST_BYTES);
  if (!digest([train.images, train.labels, test.images, test.labels]).equals(stored)) return null;
  if (train.labels.some((label) => label >= shape.classes) || test.labels.some((l) => l >= shape.classes)) {
    return null;
  }
  return { train, test };
}

function digest(parts: readonly Uint8Array[]): Buffer {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

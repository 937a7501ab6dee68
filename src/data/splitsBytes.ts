/**
 * A dataset's train and test splits as bytes: the format of the binary dataset cache (binaryCache.ts) and of
 * the shipped Fashion-MNIST subset (fashionMnistSubset.ts). Platform-neutral.
 *
 * Layout (little-endian): a 64-byte header — magic "TKDS", format version, input size, classes, train count,
 * test count (u32 each), then the SHA-256 of the payload — followed by the payload: train pixels, train labels,
 * test pixels, test labels (all bytes).
 */
import { sha256 } from '../util/sha256.js';
import type { Split } from './dataset.js';

const MAGIC = 0x53444b54; // "TKDS" read as a little-endian u32
const FORMAT_VERSION = 1;
const HEADER_BYTES = 64;
const DIGEST_OFFSET = 24;
const DIGEST_BYTES = 32;

/** What the splits must describe; bytes made for another shape are refused. */
export interface SplitsShape {
  readonly inputSize: number;
  readonly classes: number;
}

export interface Splits {
  readonly train: Split;
  readonly test: Split;
}

/** The bytes of `splits`: header (with the payload's SHA-256), then the payload. */
export function encodeSplits(shape: SplitsShape, splits: Splits): Uint8Array {
  const parts = [splits.train.images, splits.train.labels, splits.test.images, splits.test.labels];
  const bytes = new Uint8Array(HEADER_BYTES + parts.reduce((sum, part) => sum + part.length, 0));
  const header = new DataView(bytes.buffer);
  const words = [MAGIC, FORMAT_VERSION, shape.inputSize, shape.classes];
  [...words, splits.train.labels.length, splits.test.labels.length].forEach((word, i) => {
    header.setUint32(i * 4, word, true);
  });
  bytes.set(digest(parts), DIGEST_OFFSET);
  let at = HEADER_BYTES;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.length;
  }
  return bytes;
}

/**
 * The splits in `bytes` (copied out, so the caller's buffer can go). Throws, naming `source` and the problem,
 * when the bytes are not of this format, of another shape, truncated or extended, fail their checksum, or hold
 * a label outside [0, classes).
 */
export function decodeSplits(bytes: Uint8Array, shape: SplitsShape, source: string): Splits {
  const refuse = (problem: string): never => {
    throw new Error(`${source} is not a valid dataset file: ${problem}`);
  };
  if (bytes.length < HEADER_BYTES) refuse(`${bytes.length} bytes is shorter than its header`);
  const header = new DataView(bytes.buffer, bytes.byteOffset, HEADER_BYTES);
  const word = (i: number) => header.getUint32(i * 4, true);
  if (word(0) !== MAGIC || word(1) !== FORMAT_VERSION) refuse('it does not start with TKDS version 1');
  if (word(2) !== shape.inputSize || word(3) !== shape.classes) {
    refuse(
      `it holds ${word(2)} inputs and ${word(3)} classes per example, not ${shape.inputSize} and ${shape.classes}`,
    );
  }
  const trainCount = word(4);
  const testCount = word(5);
  const expected = HEADER_BYTES + (trainCount + testCount) * (shape.inputSize + 1);
  if (bytes.length !== expected) refuse(`it has ${bytes.length} bytes; its header promises ${expected}`);
  // A copy into a fresh Uint8Array (a Node Buffer's slice() would be a view into the whole file).
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
  const actual = digest([train.images, train.labels, test.images, test.labels]);
  if (!actual.every((byte, i) => byte === stored[i])) refuse('its checksum does not match (damaged)');
  const outside = (labels: Uint8Array) => labels.some((label) => label >= shape.classes);
  if (outside(train.labels) || outside(test.labels)) refuse(`a label is not below ${shape.classes}`);
  return { train, test };
}

function digest(parts: readonly Uint8Array[]): Uint8Array {
  const hash = sha256();
  for (const part of parts) hash.update(part);
  return hash.bytes();
}

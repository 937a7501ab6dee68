import { describe, expect, it } from 'vitest';
import { decodeSplits, encodeSplits } from './splitsBytes.js';

const shape = { inputSize: 4, classes: 3 };
const splits = {
  train: { images: Uint8Array.from([0, 1, 2, 3, 250, 251, 252, 255]), labels: Uint8Array.from([2, 0]) },
  test: { images: Uint8Array.from([9, 8, 7, 6]), labels: Uint8Array.from([1]) },
};

describe('splits as bytes', () => {
  it('round-trips through a 64-byte header, copying out of the given buffer', () => {
    const bytes = encodeSplits(shape, splits);
    expect(bytes.length).toBe(64 + 3 * (4 + 1));
    expect(new TextDecoder().decode(bytes.subarray(0, 4))).toBe('TKDS');
    const decoded = decodeSplits(bytes, shape, 'toy');
    bytes.fill(0);
    expect(Array.from(decoded.train.images)).toEqual([0, 1, 2, 3, 250, 251, 252, 255]);
    expect(Array.from(decoded.train.labels)).toEqual([2, 0]);
    expect(Array.from(decoded.test.images)).toEqual([9, 8, 7, 6]);
    expect(Array.from(decoded.test.labels)).toEqual([1]);
  });

  it('refuses another format, another shape, a wrong length, a flipped byte and a label out of range', () => {
    const bytes = encodeSplits(shape, splits);
    const refuse = (changed: Uint8Array, problem: string, of = shape) =>
      expect(() => decodeSplits(changed, of, 'toy.bin')).toThrow(
        `toy.bin is not a valid dataset file: ${problem}`,
      );
    refuse(
      Uint8Array.from(bytes, (b, i) => (i === 0 ? 0 : b)),
      'it does not start with TKDS version 1',
    );
    refuse(bytes, 'it holds 4 inputs and 3 classes per example, not 4 and 10', { inputSize: 4, classes: 10 });
    refuse(bytes.subarray(0, bytes.length - 1), 'it has 78 bytes; its header promises 79');
    refuse(
      Uint8Array.from(bytes, (b, i) => (i === 70 ? b ^ 1 : b)),
      'its checksum does not match (damaged)',
    );
    const outOfRange = { ...splits, test: { ...splits.test, labels: Uint8Array.from([3]) } };
    refuse(encodeSplits(shape, outOfRange), 'a label is not below 3');
  });
});

import { describe, expect, it } from 'vitest';
import { bitsPerCharacter, buildTextDataset, decodeTokens, encodeText } from './textDataset.js';

describe('text datasets', () => {
  it('sorts the characters into a vocabulary and splits the ids 90/5/5 by contiguous ranges', () => {
    const text = 'ba£c'.repeat(50);
    const dataset = buildTextDataset('tiny', text);
    expect(dataset.vocabulary).toEqual(['a', 'b', 'c', '£']);
    expect([dataset.train.length, dataset.validation.length, dataset.test.length]).toEqual([180, 10, 10]);
    const all = [...dataset.train, ...dataset.validation, ...dataset.test];
    expect(decodeTokens(all, dataset.vocabulary)).toBe(text);
    expect(Array.from(dataset.train.subarray(0, 4))).toEqual([1, 0, 3, 2]);
  });

  it('names a character outside the vocabulary, and converts nats to bits', () => {
    expect(() => encodeText('abz', ['a', 'b'])).toThrow(/character "z" at 2 is not in the vocabulary/);
    expect(bitsPerCharacter(Math.LN2 * 1.5)).toBeCloseTo(1.5, 12);
  });
});

import { describe, expect, it } from 'vitest';
import { loadAusten } from './austen.js';
import { loadDataset, loadTextDataset, textDatasetNames } from './registry.js';
import { decodeTokens } from './textDataset.js';

describe('austen', () => {
  it('loads the six novels from the shipped file, split 90/5/5 with an 81-character vocabulary', () => {
    const dataset = loadAusten();
    const { train, validation, test, vocabulary } = dataset;
    expect(train.length + validation.length + test.length).toBe(4_025_028);
    expect(vocabulary).toHaveLength(81);
    expect(vocabulary.slice(0, 3)).toEqual(['\n', ' ', '!']);
    expect(decodeTokens(train.subarray(0, 21), vocabulary)).toBe('SENSE AND SENSIBILITY');
    expect(validation.length).toBe(201_252);
    expect(test.length).toBe(201_251);
    expect(textDatasetNames).toEqual(['austen']);
    expect(loadTextDataset('austen').train.length).toBe(train.length);
  });

  it('is found by name, and explains the two kinds of dataset', () => {
    expect(() => loadDataset('austen')).toThrow(/'austen' is text, not images: load it with loadTextDataset/);
    expect(() => loadTextDataset('mnist')).toThrow("unknown text dataset 'mnist': use one of austen");
  });
});

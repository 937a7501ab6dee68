import { beforeAll, describe, expect, it } from 'vitest';
import { createEngine, useEngine } from '../kernels/engine.js';
import { Random } from '../util/random.js';
import { TextBatcher } from './textBatches.js';

describe('TextBatcher', () => {
  beforeAll(() => useEngine(createEngine('reference')));
  const ids = Uint8Array.from({ length: 23 }, (_, i) => i);

  it('visits consecutive windows once, position-major, with the next id as target', () => {
    const batches = new TextBatcher(ids, { context: 5, batchSize: 3 });
    expect(batches.windows).toBe(4);
    const first = batches.next();
    expect(first.tokens.shape).toEqual([5, 3]);
    // Row t holds position t of windows starting at 0, 5, 10.
    expect(Array.from(first.tokens.data.subarray(0, 6))).toEqual([0, 5, 10, 1, 6, 11]);
    expect(Array.from(first.targets.subarray(0, 6))).toEqual([1, 6, 11, 2, 7, 12]);
    const last = batches.next();
    expect(last.size).toBe(1);
    expect(Array.from(last.tokens.data)).toEqual([15, 16, 17, 18, 19]);
    expect(Array.from(last.targets)).toEqual([16, 17, 18, 19, 20]);
    expect(batches.hasNext()).toBe(false);
    expect(() => batches.next()).toThrow(/call rewind\(\)/);
    batches.rewind();
    expect(batches.next().tokens.data[1]).toBe(5);
    batches.dispose();
  });

  it('draws random windows from the seed, reusing its buffers', () => {
    const draw = () => {
      const batches = new TextBatcher(ids, { context: 4, batchSize: 6, random: new Random(3) });
      const a = batches.next();
      const firstTokens = Array.from(a.tokens.data);
      const b = batches.next();
      expect(b.tokens.data).toBe(a.tokens.data);
      for (let c = 0; c < 24; c++) expect(b.targets[c]).toBe(b.tokens.data[c] + 1);
      batches.dispose();
      return firstTokens;
    };
    expect(draw()).toEqual(draw());
  });

  it('explains a split too short for the context', () => {
    expect(() => new TextBatcher(ids, { context: 23, batchSize: 1 })).toThrow(/use a context below 23/);
  });
});

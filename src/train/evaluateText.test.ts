import { beforeAll, describe, expect, it } from 'vitest';
import { createEngine, useEngine } from '../kernels/engine.js';
import type { Linear } from '../nn/linear.js';
import { transformer } from '../nn/transformer.js';
import { evaluateText } from './evaluateText.js';

describe('evaluateText', () => {
  beforeAll(() => useEngine(createEngine('reference')));

  it('gives log2(vocab) bits per character for a model that predicts uniformly', () => {
    const model = transformer({
      vocab: 5,
      layers: 1,
      dModel: 8,
      heads: 2,
      context: 4,
      dropout: 0.2,
      seed: 1,
    });
    (model.head as Linear).weight.values.fill(0);
    const ids = Uint8Array.from({ length: 30 }, (_, i) => i % 5);
    const result = evaluateText(model, ids, { context: 4, batchSize: 3 });
    expect(result.characters).toBe(28);
    expect(result.bitsPerCharacter).toBeCloseTo(Math.log2(5), 5);
    model.dispose();
  });
});

import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../train/summary.js';
import { comparisonMarkdown, comparisonRows } from './comparison.js';

function summary(method: string, sparsity: number, accuracy: number, stepMs: number): RunSummary {
  return {
    method,
    testAccuracy: accuracy,
    timing: { stepMsMedian: stepMs, evalSeconds: 0 },
    config: { sparsity },
    sparsity: {
      method,
      config: method === 'topkast' ? { backwardSparsity: 0.8 } : {},
      distribution: 'uniform',
      modelSparsity: sparsity * 0.9,
      layers: [],
      relativeTrainingFlops: 1 - sparsity,
      executedTrainingFlops: 1 - sparsity / 2,
    },
    memory: { hotBytes: 25, totalBytes: 60, denseEquivalentBytes: 100 },
  } as unknown as RunSummary;
}

describe('comparison', () => {
  it('groups by method and sparsity with mean ± sample std over seeds', () => {
    const rows = comparisonRows([
      summary('dense', 0, 0.9, 10),
      summary('topkast', 0.9, 0.8, 4),
      summary('dense', 0, 0.92, 12),
      summary('topkast', 0.9, 0.84, 6),
      summary('topkast', 0.9, 0.82, 5),
    ]);
    expect(rows.map((r) => [r.method, r.sparsity, r.seeds])).toEqual([
      ['dense', 0, 2],
      ['topkast', 0.9, 3],
    ]);
    expect(rows[0].accuracyMean).toBeCloseTo(0.91, 12);
    expect(rows[0].accuracyStd).toBeCloseTo(Math.sqrt(2e-4), 12);
    expect(rows[1].accuracyMean).toBeCloseTo(0.82, 12);
    expect(rows[1].accuracyStd).toBeCloseTo(0.02, 12);
    expect(rows[1].stepMsMedian).toBe(5);
    expect(rows[1].backwardSparsity).toBe(0.8);
    expect(rows[1].hotMemoryRatio).toBe(0.25);
    expect(rows[1].totalMemoryRatio).toBe(0.6);
    expect(rows[1].executedTrainingFlops).toBeCloseTo(0.55, 12);
    const table = comparisonMarkdown(rows);
    expect(table).toContain(
      '| topkast | 90% / 80% | 81% | 0.8200 ± 0.0200 | 3 | 0.100 | 0.550 | 5.0 | 0.600 | 0.250 |',
    );
    expect(table).toContain(
      '| dense | — | 0% | 0.9100 ± 0.0141 | 2 | 1.000 | 1.000 | 11.0 | 0.600 | 0.250 |',
    );
  });
});

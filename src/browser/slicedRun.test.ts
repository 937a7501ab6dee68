import { describe, expect, it } from 'vitest';
import { decodeInferenceFile } from '../checkpoint/exportModel.js';
import { inferenceModel } from '../checkpoint/inferenceModel.js';
import type { Dataset } from '../data/dataset.js';
import { evaluate } from '../train/evaluate.js';
import { SlicedRun } from './slicedRun.js';
import { smallMnist, topkastFlags } from './testing.js';
import type { RunFinished, RunProgress } from './trainerMessages.js';

/** Runs to the end in slices of `sliceMs`, collecting every progress message. */
function runAll(
  dataset: Dataset,
  sliceMs: number,
  flags = topkastFlags,
): { slices: RunProgress[]; done: RunFinished } {
  const run = new SlicedRun({ flags }, dataset);
  const slices: RunProgress[] = [];
  try {
    while (!run.finished) slices.push(run.runSlice(sliceMs));
    return { slices, done: run.finish() };
  } finally {
    run.dispose();
  }
}

describe('SlicedRun', () => {
  const dataset = smallMnist();

  it('takes the steps, losses and evaluations of one uninterrupted run, whatever the slices', () => {
    const whole = runAll(dataset, Number.POSITIVE_INFINITY);
    const stepwise = runAll(dataset, 0);
    expect(whole.slices).toHaveLength(1);
    // a 0 ms slice is one step
    expect(stepwise.slices).toHaveLength(60);
    const losses = (slices: RunProgress[]) => slices.flatMap((s) => s.steps.map((r) => [r.step, r.loss]));
    expect(losses(stepwise.slices)).toEqual(losses(whole.slices));
    expect(losses(whole.slices).map(([step]) => step)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    const evaluations = (slices: RunProgress[]) => slices.flatMap((s) => s.evaluations);
    expect(evaluations(stepwise.slices)).toEqual(evaluations(whole.slices));
    expect(evaluations(whole.slices).map((e) => e.step)).toEqual([40, 60]);
    // refreshes after steps 10, 20, … 60 (0-based step 9, 19, …): one churn record each, per sparse layer
    const churn = (slices: RunProgress[]) => slices.flatMap((s) => s.churn);
    expect(churn(stepwise.slices)).toEqual(churn(whole.slices));
    expect(churn(whole.slices).map((c) => c.step)).toEqual([9, 19, 29, 39, 49, 59]);
    expect(churn(whole.slices).every((c) => c.forwardChurn.length === 2)).toBe(true);
    // a new mask picture follows each slice with a refresh, and only those
    expect(stepwise.slices.filter((s) => s.mask !== null).map((s) => s.steps[0]!.step)).toEqual([
      10, 20, 30, 40, 50, 60,
    ]);
    expect(stepwise.done).toMatchObject({ stopped: false, steps: 60, testAccuracy: whole.done.testAccuracy });
    expect(whole.done.testAccuracy).toBeGreaterThan(0.7);
    expect(stepwise.done.model).toEqual(whole.done.model);
  });

  it('reports the layers, their densities and the first layer’s mask before the first step', () => {
    const run = new SlicedRun({ flags: topkastFlags, picture: { maxHeight: 16, maxWidth: 98 } }, dataset);
    try {
      const started = run.started();
      expect(started).toMatchObject({
        method: 'topkast',
        model: 'mlp 784-32-10 relu',
        parameters: 784 * 32 + 32 + 32 * 10 + 10,
        totalSteps: 60,
        stepsPerEpoch: 40,
        threads: 1,
      });
      expect(started.layers.map((l) => [l.name, l.shape, l.forwardDensity])).toEqual([
        ['fc1.weight', [32, 784], Math.round(0.2 * 784 * 32) / (784 * 32)],
        ['out.weight', [10, 32], Math.round(0.2 * 320) / 320],
      ]);
      expect(started.layers[0]!.backwardDensity).toBeCloseTo(0.5, 3);
      expect(started.mask).toMatchObject({ layer: 'fc1.weight', height: 16, width: 98, cellRows: 2 });
      // the picture holds the density: its cells' mean is A's fraction
      const kept = started.mask!.kept;
      expect(kept.reduce((a, b) => a + b, 0) / kept.length / 255).toBeCloseTo(0.2, 2);
      expect(started.mask!.entered.every((x) => x === 0)).toBe(true);
    } finally {
      run.dispose();
    }
  });

  it('stops where it stands: evaluated there, its export the model it trained', () => {
    const run = new SlicedRun({ flags: topkastFlags }, dataset);
    try {
      for (let i = 0; i < 25; i++) run.runSlice(0);
      const done = run.finish();
      expect(done).toMatchObject({ stopped: true, steps: 25 });
      const file = decodeInferenceFile(done.model!, 'download');
      const rebuilt = inferenceModel(file, 'download');
      try {
        const again = evaluate(rebuilt.model, dataset.test, {
          inputSize: 784,
          normalization: dataset.normalization,
        });
        expect(again.accuracy).toBe(done.testAccuracy);
      } finally {
        rebuilt.model.dispose?.();
      }
      expect(done.testAccuracy).toBeGreaterThan(0.5);
    } finally {
      run.dispose();
    }
  });

  it('refuses a bad config with the flag that is wrong', () => {
    expect(() => new SlicedRun({ flags: { ...topkastFlags, sparsity: 1.5 } }, dataset)).toThrow(
      /--sparsity 1.5/,
    );
    expect(() => new SlicedRun({ flags: { ...topkastFlags, batchSize: 5000 } }, dataset)).toThrow(
      /batch size 5000 is larger than the 2000 training examples/,
    );
  });
});

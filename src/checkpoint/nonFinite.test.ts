import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mlp } from '../nn/mlp.js';
import type { FitProgress } from '../train/callbacks.js';
import { finiteGuard } from '../train/finiteGuard.js';
import { encodeCheckpoint } from './checkpoint.js';
import { checkpointSaver } from './checkpointSaver.js';
import type { RunState } from './runState.js';

const dir = mkdtempSync(join(tmpdir(), 'topkast-nonfinite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const progress = (step: number): FitProgress => ({
  step,
  epoch: 1,
  position: { epoch: 0, index: step },
  dataRandom: [1, 2, 3, 4],
  epochLossSum: 1,
  epochSteps: step,
  history: [],
});

describe('non-finite weights and optimizer state', () => {
  it('stop a run at the next evaluation, naming the step, the trainable and the entry', () => {
    const model = mlp({ inputs: 4, hidden: [3], outputs: 2, activation: 'relu', seed: 1 });
    const guard = finiteGuard(model);
    const metrics = { epoch: 1, step: 7, trainLoss: 1, testAccuracy: 0.5, testLoss: 1 };
    expect(() => guard.onEpochEnd?.(metrics)).not.toThrow();
    const [first, second] = model.trainables();
    first!.values[5] = Number.NaN;
    expect(() => guard.onEpochEnd?.(metrics)).toThrow(
      `step 7: ${first!.name} values hold NaN at entry 5: the run diverged`,
    );
    first!.values[5] = 0;
    second!.state.set('firstMoment', Float32Array.of(0, Number.POSITIVE_INFINITY, 0));
    expect(() => guard.onEpochEnd?.(metrics)).toThrow(
      `step 7: ${second!.name} optimizer state firstMoment hold Infinity at entry 1`,
    );
    model.dispose?.();
  });

  it('are never written into a checkpoint: the save fails and the directory keeps what it had', () => {
    const model = mlp({ inputs: 4, hidden: [3], outputs: 2, activation: 'relu', seed: 1 });
    const state = (step: number) =>
      ({
        config: {},
        progress: progress(step),
        optimizer: { stepCount: step },
        controller: { churn: [], trainingFlops: 0, denseFlops: 0 },
        checkpointing: { saveEvery: 1, keep: 3 },
      }) as unknown as RunState;
    const saver = checkpointSaver({
      dir,
      saveEvery: 1,
      keep: 3,
      encode: (p) => encodeCheckpoint(model, state(p.step)),
    });
    const plan = { epochs: 1, stepsPerEpoch: 10, totalSteps: 10 };
    saver.onProgress?.(progress(1), plan);
    expect(readdirSync(dir)).toEqual(['step-00000001.safetensors']);
    model.trainables()[2]!.values[0] = Number.NEGATIVE_INFINITY;
    expect(() => saver.onProgress?.(progress(2), plan)).toThrow(
      `step 2: tensor ${model.trainables()[2]!.name} holds -Infinity at entry 0: the run diverged; no checkpoint was written`,
    );
    expect(readdirSync(dir)).toEqual(['step-00000001.safetensors']);
    model.dispose?.();
  });
});

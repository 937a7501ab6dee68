import { describe, expect, it } from 'vitest';
import { SGD } from '../optim/sgd.js';
import { runSteps } from '../train/testing.js';
import { type RunSnapshot, restoreRun, snapshotRun, type TinyRun, tinyRun } from './testing.js';
import { TopKast } from './topkast.js';

type Choice = 'sgd-momentum' | 'sgd-nesterov' | 'adamw';

function run(choice: Choice, incrementalRefresh: boolean): TinyRun {
  const method = new TopKast({
    forwardSparsity: 0.7,
    backwardSparsity: 0.3,
    refreshInterval: 1,
    incrementalRefresh,
  });
  const tiny = tinyRun({
    method,
    optimizer: choice === 'adamw' ? 'adamw' : 'sgd-momentum',
    totalSteps: 40,
    widths: [12, 32, 32, 4],
    learningRate: choice === 'adamw' ? 0.02 : 0.2,
  });
  if (choice === 'sgd-nesterov') {
    tiny.optimizer = new SGD(tiny.model.trainables(), { lr: 0.2, momentum: 0.9, nesterov: true });
  }
  return tiny;
}

/** Every number a checkpoint holds, as bits. */
function bits(snapshot: RunSnapshot) {
  const asBits = (x: Float32Array) => Array.from(new Int32Array(Float32Array.from(x).buffer));
  return {
    trainables: snapshot.trainables.map((t) => ({
      values: asBits(t.values),
      forward: t.forward && Array.from(t.forward),
      backward: t.backward && Array.from(t.backward),
      state: [...t.state].map(([key, array]) => [key, asBits(array)]),
    })),
    optimizer: snapshot.optimizer,
    controller: snapshot.controller,
  };
}

describe('Top-KAST incremental refresh in training', () => {
  it.each(['sgd-momentum', 'sgd-nesterov', 'adamw'] as const)(
    '%s, N = 1: the same losses, sets, values, state and checkpoints as refreshing from scratch, with a resume halfway',
    (choice) => {
      const incremental = run(choice, true);
      const scratch = run(choice, false);
      const lossesIncremental = runSteps(incremental, 0, 20);
      const lossesScratch = runSteps(scratch, 0, 20);
      const halfway = snapshotRun(incremental);
      expect(bits(halfway)).toEqual(bits(snapshotRun(scratch)));
      const resumed = run(choice, true);
      restoreRun(resumed, halfway);
      lossesIncremental.push(...runSteps(incremental, 20, 40));
      lossesScratch.push(...runSteps(scratch, 20, 40));
      const lossesResumed = runSteps(resumed, 20, 40);
      expect(lossesIncremental).toEqual(lossesScratch);
      expect(lossesResumed).toEqual(lossesIncremental.slice(20));
      const end = bits(snapshotRun(incremental));
      expect(bits(snapshotRun(scratch))).toEqual(end);
      expect(bits(snapshotRun(resumed))).toEqual(end);
      // The sets did move: the comparison is not of frozen masks.
      const churn = incremental.controller.churn.flatMap((record) => record.forwardChurn);
      expect(Math.max(...churn)).toBeGreaterThan(0);
      for (const r of [incremental, scratch, resumed]) r.dispose();
    },
  );
});

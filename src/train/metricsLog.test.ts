import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { metricsLog } from './metricsLog.js';

describe('metricsLog', () => {
  const dir = mkdtempSync(join(tmpdir(), 'topkast-metrics-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a JSON line every n steps and one per epoch', () => {
    const file = join(dir, 'runs', 'metrics.jsonl');
    const log = metricsLog(file, { every: 2 });
    log.onTrainBegin?.({ epochs: 1, stepsPerEpoch: 5, totalSteps: 5 });
    for (let step = 1; step <= 5; step++)
      log.onBatchEnd?.({ step, epoch: 1, loss: 1 / step, lr: 0.1, stepMs: 3 });
    log.onEpochEnd?.({ epoch: 1, step: 5, trainLoss: 0.5, testAccuracy: 0.75, testLoss: 0.6 });
    log.onTrainEnd?.();
    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toEqual([
      { type: 'step', step: 2, epoch: 1, loss: 0.5, lr: 0.1, stepMs: 3 },
      { type: 'step', step: 4, epoch: 1, loss: 0.25, lr: 0.1, stepMs: 3 },
      { type: 'epoch', epoch: 1, step: 5, trainLoss: 0.5, testAccuracy: 0.75, testLoss: 0.6 },
    ]);
  });

  it('continues a resumed run: keeps the lines up to the resumed step and appends after them', () => {
    const file = join(dir, 'resumed.jsonl');
    const first = metricsLog(file, { every: 1 });
    first.onTrainBegin?.({ epochs: 1, stepsPerEpoch: 6, totalSteps: 6 });
    for (let step = 1; step <= 4; step++)
      first.onBatchEnd?.({ step, epoch: 1, loss: step, lr: 0.1, stepMs: 1 });
    // Killed after step 4; the last checkpoint was at step 2.
    const resumed = metricsLog(file, { every: 1, resume: { step: 2, periods: 0 } });
    resumed.onTrainBegin?.({ epochs: 1, stepsPerEpoch: 6, totalSteps: 6 });
    for (let step = 3; step <= 6; step++)
      resumed.onBatchEnd?.({ step, epoch: 1, loss: step, lr: 0.1, stepMs: 1 });
    resumed.onTrainEnd?.();
    const steps = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line).step);
    expect(steps).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("drops the evaluation of the checkpoint's own step when the checkpoint preceded it", () => {
    const file = join(dir, 'epoch.jsonl');
    const first = metricsLog(file, { every: 2 });
    first.onTrainBegin?.({ epochs: 2, stepsPerEpoch: 2, totalSteps: 4 });
    for (let step = 1; step <= 2; step++)
      first.onBatchEnd?.({ step, epoch: 1, loss: step, lr: 0.1, stepMs: 1 });
    first.onEpochEnd?.({ epoch: 1, step: 2, trainLoss: 1, testAccuracy: 0.5, testLoss: 1 });
    // Killed after epoch 1's evaluation; its checkpoint (step 2) was saved before that evaluation.
    const resumed = metricsLog(file, { every: 2, resume: { step: 2, periods: 0 } });
    resumed.onTrainBegin?.({ epochs: 2, stepsPerEpoch: 2, totalSteps: 4 });
    resumed.onEpochEnd?.({ epoch: 1, step: 2, trainLoss: 1, testAccuracy: 0.5, testLoss: 1 });
    resumed.onTrainEnd?.();
    const types = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line).type);
    expect(types).toEqual(['step', 'epoch']);
  });

  it('refuses to resume into a file that is not a metrics log, naming the line', () => {
    const file = join(dir, 'foreign.jsonl');
    writeFileSync(file, '{"type":"step","step":1,"epoch":1}\nnot json\n');
    const resumed = metricsLog(file, { resume: { step: 1, periods: 0 } });
    expect(() => resumed.onTrainBegin?.({ epochs: 1, stepsPerEpoch: 2, totalSteps: 2 })).toThrow(
      /foreign\.jsonl line 2 is not a metrics record/,
    );
    expect(readFileSync(file, 'utf8')).toBe('{"type":"step","step":1,"epoch":1}\nnot json\n');
  });

  it('rejects a logging interval below one', () => {
    expect(() => metricsLog(join(dir, 'x.jsonl'), { every: 0 })).toThrow(
      'every must be a positive integer, got 0',
    );
  });
});

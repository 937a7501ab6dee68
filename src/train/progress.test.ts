import { describe, expect, it } from 'vitest';
import type { Callbacks } from './callbacks.js';
import { progressReporter } from './progress.js';

const plan = { epochs: 2, stepsPerEpoch: 20, totalSteps: 40 };

/** Feeds a reporter a 2-epoch, 40-step run and returns what it wrote. */
function run(reporter: Callbacks, written: string[]): string {
  reporter.onTrainBegin?.(plan);
  for (let step = 1; step <= 40; step++) {
    const epoch = step <= 20 ? 1 : 2;
    if (step % 20 === 1) reporter.onEpochBegin?.(epoch);
    reporter.onBatchEnd?.({ step, epoch, loss: 2 / step, lr: 0.05, stepMs: 12.34 });
    if (step % 20 === 0) {
      reporter.onEpochEnd?.({ epoch, step, trainLoss: 0.5, testAccuracy: 0.8 + epoch / 100, testLoss: 0.4 });
    }
  }
  reporter.onTrainEnd?.();
  return written.join('');
}

describe('progressReporter', () => {
  it('prints plain lines every tenth of an epoch and one per epoch when not on a terminal', () => {
    const written: string[] = [];
    const text = run(
      progressReporter({ stream: { write: (s: string) => written.push(s), isTTY: false } }),
      written,
    );
    const lines = text.trim().split('\n');
    expect(lines[0]).toBe('training: 40 steps, 2 epochs of 20 steps');
    expect(lines[1]).toBe('step 2/40 | epoch 1/2 | loss 1.0000 | lr 0.05 | 12.3 ms/step');
    expect(lines.filter((l) => l.startsWith('step '))).toHaveLength(20);
    expect(lines).toContain(
      'epoch 2/2 (step 40) | train loss 0.5000 | test accuracy 0.8200 | test loss 0.4000',
    );
  });

  it('draws a live bar on a terminal, with the epoch results above it', () => {
    const written: string[] = [];
    const text = run(
      progressReporter({
        stream: { write: (s: string) => written.push(s), isTTY: true, columns: 120 } as never,
      }),
      written,
    );
    expect(text).toContain('40/40 | epoch 2/2 | loss 0.0500 | lr 0.05 | 12.3 ms/step');
    expect(text).toContain('epoch 1/2 (step 20) | train loss 0.5000 | test accuracy 0.8100');
    expect(text).not.toContain('training: 40 steps');
  });
});

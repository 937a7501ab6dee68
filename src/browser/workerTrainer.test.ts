/**
 * The trainer's protocol end to end on one thread: serveTrainer on one port of a MessageChannel, a
 * WorkerTrainer on the other (a dedicated worker's scope and a Worker are the same two ends; the Chromium test
 * of the demo runs them in real workers).
 */
import { describe, expect, it } from 'vitest';
import { smallMnist, topkastFlags } from './testing.js';
import type { RunProgress, RunStarted } from './trainerMessages.js';
import { serveTrainer, type TrainerPort } from './trainerWorker.js';
import { type WorkerLike, WorkerTrainer } from './workerTrainer.js';

function channel(): { worker: WorkerLike; close: () => void } {
  const { port1, port2 } = new MessageChannel();
  serveTrainer(port2 as unknown as TrainerPort);
  return {
    worker: port1 as unknown as WorkerLike,
    close: () => {
      port1.close();
      port2.close();
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('WorkerTrainer and serveTrainer', () => {
  const dataset = smallMnist();

  it('streams a run to its end, then hands over the trained model', async () => {
    const { worker, close } = channel();
    const started: RunStarted[] = [];
    const progress: RunProgress[] = [];
    const trainer = new WorkerTrainer(worker, {
      onStarted: (s) => started.push(s),
      onProgress: (p) => progress.push(p),
    });
    try {
      const done = await trainer.start({ flags: topkastFlags, sliceMs: 5 }, dataset);
      expect(started).toHaveLength(1);
      expect(started[0]!.totalSteps).toBe(60);
      const steps = progress.flatMap((p) => p.steps.map((s) => s.step));
      expect(steps).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
      expect(progress.flatMap((p) => p.evaluations.map((e) => e.step))).toEqual([40, 60]);
      expect(progress.flatMap((p) => p.churn)).toHaveLength(6);
      expect(done).toMatchObject({ type: 'done', stopped: false, steps: 60 });
      expect(done.testAccuracy).toBe(progress.flatMap((p) => p.evaluations).at(-1)!.testAccuracy);
      expect(done.model!.length).toBeGreaterThan(1000);
      expect(() => trainer.start({ flags: topkastFlags }, dataset)).toThrow(/one run/);
    } finally {
      close();
    }
  });

  it('pauses, resumes and stops between slices', async () => {
    const { worker, close } = channel();
    const states: string[] = [];
    let stepsSeen = 0;
    let trainer: WorkerTrainer | undefined;
    trainer = new WorkerTrainer(worker, {
      onProgress: (p) => {
        if (stepsSeen === 0) trainer!.pause();
        stepsSeen += p.steps.length;
      },
      onState: (state) => states.push(state),
    });
    try {
      const finished = trainer.start({ flags: topkastFlags, sliceMs: 0 }, dataset);
      while (!states.includes('paused')) await sleep(5);
      const atPause = stepsSeen;
      await sleep(100);
      // nothing runs while paused
      expect(stepsSeen).toBe(atPause);
      expect(atPause).toBeLessThan(5);
      trainer.resume();
      while (stepsSeen < 10) await sleep(5);
      trainer.stop();
      const done = await finished;
      expect(states).toEqual(['paused', 'running']);
      expect(done.stopped).toBe(true);
      expect(done.steps).toBe(stepsSeen);
      expect(done.steps).toBeLessThan(60);
      expect(done.testAccuracy).toBeGreaterThan(0.2);
    } finally {
      close();
    }
  });

  it('rejects with the run’s error, naming the bad setting', async () => {
    const { worker, close } = channel();
    try {
      const trainer = new WorkerTrainer(worker);
      await expect(trainer.start({ flags: { ...topkastFlags, hidden: [0] } }, dataset)).rejects.toThrow(
        /--hidden/,
      );
    } finally {
      close();
    }
  });
});

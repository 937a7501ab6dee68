/**
 * One queued run, as a worker runs it: the job's config (already checked, sweep.ts) trained exactly as a local
 * `compare` trains it. With a checkpoint root shared by the workers, the run saves into
 * ROOT/<namespace>/<sweep>/<label> and a retried job (its worker was lost) continues from the newest checkpoint there, so its summary equals
 * the uninterrupted run's (timing aside); without one, a retried job starts again from step 0.
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { listCheckpoints, loadLatestCheckpoint, removeTemporaryFiles } from '../checkpoint/checkpointDir.js';
import { checkpointedRun } from '../checkpoint/checkpointedRun.js';
import { LOCK_FILE_NAME, lockDirectory } from '../checkpoint/directoryLock.js';
import type { Dataset } from '../data/dataset.js';
import { runTraining } from '../run/runTraining.js';
import type { TrainingSummary } from '../train/summary.js';
import { escapeControl } from '../util/safeText.js';
import type { RunJobData } from './sweep.js';

export interface RunJobOptions {
  /** The queue the job came from (checkpoints go to ROOT/<namespace>/<sweep>/<label>). */
  readonly namespace: string;
  /** Shared directory of every run's checkpoints, or undefined for none. */
  readonly checkpointRoot?: string;
  /** Steps between checkpoints (with checkpointRoot). */
  readonly saveEvery: number;
  /**
   * The job was taken from a lost worker (BullMQ's stalled-job check gave it to us): a lock left in its
   * checkpoint directory is that worker's, even on another machine or under a pid alive again, and is removed.
   */
  readonly lostWorker: boolean;
  /** Receives the run's announcement and progress lines. */
  readonly log: (line: string) => void;
  /** An image run's dataset, already loaded (the worker's shared copy). */
  readonly dataset?: Dataset;
}

/** Checkpoints kept per run: the newest is all a retried job needs, one more guards against a torn write. */
const KEEP = 2;

export function runJob(data: RunJobData, options: RunJobOptions): TrainingSummary {
  const { config, label, sweep } = data;
  const progress = { stream: { write: (text: string) => options.log(text.trimEnd()) }, bar: false };
  const announce = (line: string) => options.log(line);
  const { dataset } = options;
  if (options.checkpointRoot === undefined) return runTraining(config, { progress, announce, dataset });
  const dir = join(options.checkpointRoot, options.namespace, sweep, label);
  const lockFile = join(dir, LOCK_FILE_NAME);
  if (options.lostWorker && existsSync(lockFile)) {
    options.log(`removed the lock of the lost worker's run in ${escapeControl(dir)}`);
    rmSync(lockFile, { force: true });
  }
  const lock = lockDirectory(dir, options.log);
  try {
    removeTemporaryFiles(dir);
    const checkpoint = { dir, saveEvery: options.saveEvery, keep: KEEP };
    if (listCheckpoints(dir).length === 0) {
      return runTraining(config, { progress, announce, dataset, extension: checkpointedRun({ checkpoint }) });
    }
    const resume = loadLatestCheckpoint(dir);
    if (JSON.stringify(resume.checkpoint.state.config) !== JSON.stringify(config)) {
      throw new Error(
        `${escapeControl(resume.file)} holds a run of another config than job ${label}: remove ${escapeControl(dir)} or use another --sweep name`,
      );
    }
    return runTraining(config, {
      progress,
      announce,
      dataset,
      extension: checkpointedRun({ checkpoint, resume }),
    });
  } finally {
    lock.release();
  }
}

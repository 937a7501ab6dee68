import type { Callbacks, FitProgress, PeriodMetrics, TrainPlan } from '../train/callbacks.js';
import { saveCheckpoint } from './checkpointDir.js';
import type { Checkpointing } from './runState.js';

export interface CheckpointSaverOptions<M extends PeriodMetrics> extends Checkpointing {
  readonly dir: string;
  /** The checkpoint's bytes at this point of the run (encodeCheckpoint with the run's current state). */
  readonly encode: (progress: FitProgress<M>) => Uint8Array;
}

/**
 * The fit callback that saves checkpoints: after every `saveEvery`-th step (before that epoch's evaluation, if
 * it is the epoch's last step) and after the last epoch's evaluation, so the newest checkpoint of a finished
 * run holds its whole history. Files are named by step and all but the newest `keep` are removed.
 */
export function checkpointSaver<M extends PeriodMetrics>(options: CheckpointSaverOptions<M>): Callbacks<M> {
  const { dir, saveEvery, keep, encode } = options;
  return {
    onProgress(progress: FitProgress<M>, plan: TrainPlan) {
      const evaluated = progress.history.length === progress.epoch;
      const finished = evaluated && progress.epoch === plan.epochs;
      if (finished || (!evaluated && progress.step % saveEvery === 0)) {
        saveCheckpoint(dir, progress.step, encode(progress), keep);
      }
    },
  };
}

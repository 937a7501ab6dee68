/**
 * A run's checkpoint side, as the RunExtension of src/run/runTraining.ts: start from --init weights, continue
 * a saved run exactly where it stood (weights, sets, optimizer and controller state, the loop's progress), and
 * save checkpoints while training. Used by `topkast train` and queue workers.
 */
import type { BuiltRun, RunExtension } from '../run/runTraining.js';
import type { FitProgress, PeriodMetrics } from '../train/callbacks.js';
import { type Checkpoint, encodeCheckpoint } from './checkpoint.js';
import { checkpointSaver } from './checkpointSaver.js';
import { type InitWeights, loadInitWeights } from './initWeights.js';
import { restoreModel } from './modelTensors.js';
import type { Checkpointing } from './runState.js';

export interface CheckpointedRunOptions {
  /** Save checkpoints into `dir` (see checkpointSaver). */
  readonly checkpoint?: Checkpointing & { readonly dir: string };
  /** Continue the run this checkpoint (of the run's config, read from `file`) saved, exactly where it stood. */
  readonly resume?: { readonly checkpoint: Checkpoint; readonly file: string };
  /** Start from these weights (`--init`) instead of the seed's initialisation. */
  readonly init?: InitWeights;
}

export function checkpointedRun({ checkpoint, resume, init }: CheckpointedRunOptions): RunExtension {
  return {
    prepareModel(model) {
      if (init) loadInitWeights(model, init);
    },
    restore<M extends PeriodMetrics>({ model, optimizer, controller }: BuiltRun) {
      if (!resume) return undefined;
      const { state, tensors } = resume.checkpoint;
      restoreModel(model, tensors, resume.file);
      optimizer.setState(state.optimizer);
      controller.setState(state.controller);
      return state.progress as unknown as FitProgress<M>;
    },
    callbacks<M extends PeriodMetrics>({ config, model, optimizer, controller }: BuiltRun) {
      if (!checkpoint) return [];
      const { dir, saveEvery, keep } = checkpoint;
      const encode = (progress: FitProgress<M>) =>
        encodeCheckpoint(model, {
          config,
          progress,
          optimizer: optimizer.getState(),
          controller: controller.getState(),
          checkpointing: { saveEvery, keep },
        });
      return [checkpointSaver({ dir, saveEvery, keep, encode })];
    },
    note:
      (resume ? `; resuming from ${resume.file} at step ${resume.checkpoint.state.progress.step}` : '') +
      (init ? `; starting from the weights of ${init.source}` : ''),
    setupError(error) {
      const message = error instanceof Error ? error.message : String(error);
      if (!resume) return error instanceof Error ? error : new Error(message);
      return new Error(
        message.includes(resume.file) ? message : `cannot resume from ${resume.file}: ${message}`,
      );
    },
  };
}

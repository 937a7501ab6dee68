/**
 * The inference file of a run in memory: the bytes `topkast export --format csr` writes from the run's
 * checkpoint (forward sets only, with the architecture an image model's export carries), so a page can offer
 * them as a download and `topkast eval --model` reads them.
 */
import { decodeCheckpoint, encodeCheckpoint } from '../checkpoint/checkpoint.js';
import { encodeModelExport } from '../checkpoint/modelBytes.js';
import type { MethodController } from '../methods/controller.js';
import type { Module } from '../nn/module.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { TrainConfig } from '../run/trainConfig.js';
import type { FitProgress } from '../train/callbacks.js';

export interface TrainedRun {
  readonly model: Module;
  readonly config: TrainConfig;
  readonly progress: FitProgress;
  readonly optimizer: Optimizer;
  readonly controller: MethodController;
}

/** The CSR inference file of `run` where it stands, checked the way `topkast export` checks a checkpoint. */
export function exportTrainedModel(run: TrainedRun): Uint8Array {
  const source = 'the trained model';
  const checkpoint = decodeCheckpoint(
    encodeCheckpoint(run.model, {
      config: run.config,
      progress: run.progress,
      optimizer: run.optimizer.getState(),
      controller: run.controller.getState(),
      checkpointing: { saveEvery: Math.max(1, run.progress.step), keep: 1 },
    }),
    source,
  );
  return encodeModelExport(checkpoint, 'csr', source);
}

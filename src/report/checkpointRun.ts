/**
 * A run read from its newest checkpoint (`train --checkpoint-dir`): the history and mask churn so far from
 * the run state, and each sparse layer's densities counted from its stored sets. A transformer's run is a
 * language model's: its history holds evaluation periods, and its final bits per character are not known yet.
 */
import { basename, resolve } from 'node:path';
import { listCheckpoints, readCheckpoint } from '../checkpoint/checkpointDir.js';
import type { NamedTensor } from '../checkpoint/safetensors.js';
import type { LayerReport } from '../methods/controller.js';
import type { TextPeriodMetrics } from '../train/callbacks.js';
import type { ReportRun } from './reportRun.js';

/** The run whose checkpoints `dir` holds; null when it holds none. */
export function runFromCheckpointDir(dir: string): ReportRun | null {
  const newest = listCheckpoints(dir)[0];
  if (newest === undefined) return null;
  let checkpoint: ReturnType<typeof readCheckpoint>;
  try {
    checkpoint = readCheckpoint(newest.file);
  } catch (error) {
    throw new Error(
      `cannot read the newest checkpoint: ${(error as Error).message} (move it aside to report the older ones)`,
    );
  }
  const { config, progress, controller } = checkpoint.state;
  const base = {
    id: basename(resolve(dir)),
    method: config.method,
    sparsity: config.sparsity,
    seed: config.seed,
    steps: progress.step,
    modelSparsity: null,
    stepLosses: [],
    layers: sparseLayers(checkpoint.tensors),
    churn: controller.churn,
  };
  if (config.model === 'transformer') {
    // readCheckpoint types every history as epochs; a transformer's run state stores fitText's periods
    const history = progress.history as readonly unknown[] as readonly TextPeriodMetrics[];
    return { ...base, kind: 'text', bitsPerCharacter: null, history };
  }
  const testAccuracy = progress.history.at(-1)?.testAccuracy ?? null;
  return { ...base, kind: 'image', testAccuracy, history: progress.history };
}

/** Every `<name>.theta` with its forward and backward set sizes, in the file's order. */
function sparseLayers(tensors: readonly NamedTensor[]): LayerReport[] {
  const byName = new Map(tensors.map((tensor) => [tensor.name, tensor]));
  return tensors.flatMap((tensor) => {
    if (!tensor.name.endsWith('.theta') || tensor.shape.length !== 2) return [];
    const name = tensor.name.slice(0, -'.theta'.length);
    const forwardCount = byName.get(`${name}.forward.indices`)?.data.length ?? 0;
    const backwardCount = byName.get(`${name}.backward.indices`)?.data.length ?? 0;
    const [rows, cols] = tensor.shape as [number, number];
    const size = rows * cols;
    return [
      {
        name,
        shape: [rows, cols],
        forwardCount,
        backwardCount,
        forwardDensity: forwardCount / size,
        backwardDensity: backwardCount / size,
      },
    ];
  });
}

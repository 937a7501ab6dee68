/**
 * A checkpoint's bytes: the model's tensors (modelTensors.ts) and the run state (runState.ts) in one
 * checksummed safetensors file (checksummedFile.ts). Platform-neutral; Node reads and writes the same bytes
 * as files (checkpointDir.ts).
 */
import type { Module } from '../nn/module.js';
import type { PeriodMetrics } from '../train/callbacks.js';
import { firstNonFinite } from '../util/checks.js';
import { escapeControl } from '../util/safeText.js';
import { decodeChecksummed, encodeChecksummed } from './checksummedFile.js';
import { modelTensors } from './modelTensors.js';
import { decodeRunState, encodeRunState, type RunState } from './runState.js';
import type { NamedTensor } from './safetensors.js';
import { savedTrainConfig } from './savedConfig.js';
import { checkCheckpointTensors } from './tensorChecks.js';

export interface Checkpoint {
  readonly state: RunState;
  /** What restoreModel loads into a model built from state.config. */
  readonly tensors: readonly NamedTensor[];
}

/**
 * The bytes of a checkpoint of `model` at `state`. Throws, naming the step, tensor and entry, when a weight or
 * optimizer state value is not finite: a diverged run must not replace its last good checkpoint.
 */
export function encodeCheckpoint(model: Module, state: RunState<PeriodMetrics>): Uint8Array {
  const tensors = modelTensors(model);
  for (const tensor of tensors) {
    const at = tensor.dtype === 'F32' ? firstNonFinite(tensor.data as Float32Array) : -1;
    if (at >= 0) {
      throw new Error(
        `step ${state.progress.step}: tensor ${tensor.name} holds ${tensor.data[at]} at entry ${at}: the run diverged; no checkpoint was written (the newest one is from before): lower --lr, or resume from it`,
      );
    }
  }
  return encodeChecksummed(tensors, encodeRunState(state));
}

/**
 * Decodes and checks a checkpoint's bytes; throws, naming `source`, unless it is whole (its checksum is
 * required) and valid (checkedCheckpoint).
 */
export function decodeCheckpoint(bytes: Uint8Array, source: string): Checkpoint {
  const { tensors, metadata } = decodeChecksummed(bytes, source);
  return checkedCheckpoint(tensors, metadata, source);
}

/**
 * The checkpoint of decoded contents; throws, naming `source`, unless it is of this format, its run state and
 * config valid (runState.ts, savedConfig.ts: the config is returned as the CLI resolves it) and its tensors
 * valid for any model (tensorChecks.ts: dtypes, shapes, sets, finite values). Whether the tensors fit the
 * model the config describes is checked where a model is built (restoreModel, inferenceModel).
 */
export function checkedCheckpoint(
  tensors: readonly NamedTensor[],
  metadata: Readonly<Record<string, string>>,
  source: string,
): Checkpoint {
  const state = decodeRunState(metadata, source);
  const config = savedTrainConfig(state.config, source);
  if (config.steps !== undefined && state.progress.step > config.steps) {
    throw new Error(
      `${escapeControl(source)}: its run state is at step ${state.progress.step}, past the config's ${config.steps} steps`,
    );
  }
  checkCheckpointTensors(tensors, { ...config, optimizerSteps: state.optimizer.stepCount }, source);
  return { state: { ...state, config }, tensors };
}

/**
 * The run state a checkpoint's `__metadata__` carries, beside the tensors (modelTensors.ts): everything besides
 * weights, sets and optimizer arrays that an exact continuation needs. Each entry is a string (safetensors
 * metadata is a string map), JSON where it is structured:
 *
 *   format            "topkast-checkpoint"
 *   format_version    "1"
 *   config            the resolved run config (TrainConfig)
 *   step, epoch       steps taken; the 1-based epoch in progress
 *   random            { data: the state of the generator the data order is forked from }
 *   data_position     the training batches' position { epoch (0-based), index }
 *   epoch_loss        { sum, steps } of the epoch in progress (its mean training loss)
 *   history           the epochs evaluated so far (EpochMetrics[])
 *   optimizer         the optimizer's getState() (its step count)
 *   controller        the sparsity controller's getState() (refresh history, FLOPs so far)
 *   checkpointing     { saveEvery, keep }: a resumed run keeps saving the same way
 *   checksum          added by checksummedFile.ts
 */
import type { TrainConfig } from '../cli/trainConfig.js';
import type { ControllerState } from '../methods/controller.js';
import type { OptimizerState } from '../optim/optimizer.js';
import type { EpochMetrics, FitProgress, PeriodMetrics } from '../train/callbacks.js';

export const CHECKPOINT_FORMAT = 'topkast-checkpoint';
export const CHECKPOINT_VERSION = 1;

/** How a run saves checkpoints. */
export interface Checkpointing {
  /** Save after every this many steps (and after the last epoch's evaluation). */
  readonly saveEvery: number;
  /** Keep this many newest checkpoints; older ones are removed. */
  readonly keep: number;
}

/** A run's state; `M`: the metrics of its periods (an image run's epochs, a language model's evaluations). */
export interface RunState<M extends PeriodMetrics = EpochMetrics> {
  readonly config: TrainConfig;
  readonly progress: FitProgress<M>;
  readonly optimizer: OptimizerState;
  readonly controller: ControllerState;
  readonly checkpointing: Checkpointing;
}

/** The metadata entries of a run state (without the checksum). */
export function encodeRunState(state: RunState<PeriodMetrics>): Record<string, string> {
  const { progress } = state;
  return {
    format: CHECKPOINT_FORMAT,
    format_version: String(CHECKPOINT_VERSION),
    config: JSON.stringify(state.config),
    step: String(progress.step),
    epoch: String(progress.epoch),
    random: JSON.stringify({ data: progress.dataRandom }),
    data_position: JSON.stringify(progress.position),
    epoch_loss: JSON.stringify({ sum: progress.epochLossSum, steps: progress.epochSteps }),
    history: JSON.stringify(progress.history),
    optimizer: JSON.stringify(state.optimizer),
    controller: JSON.stringify(state.controller),
    checkpointing: JSON.stringify(state.checkpointing),
  };
}

/**
 * The run state in a checkpoint's metadata; throws, naming `source`, for another format or version, or a
 * missing or malformed entry. (Values are checked in depth where they are used: fit, setState, the config.)
 */
export function decodeRunState(metadata: Readonly<Record<string, string>>, source: string): RunState {
  if (metadata.format !== CHECKPOINT_FORMAT) {
    throw new Error(
      `${source} is not a topkast checkpoint (format ${JSON.stringify(metadata.format ?? null)}): give a directory of \`topkast train --checkpoint-dir\``,
    );
  }
  if (metadata.format_version !== String(CHECKPOINT_VERSION)) {
    throw new Error(
      `${source} has checkpoint format version ${metadata.format_version}; this topkast reads version ${CHECKPOINT_VERSION}: resume it with the topkast that wrote it`,
    );
  }
  const json = (key: string): unknown => {
    const text = metadata[key];
    try {
      if (text === undefined) throw new Error('missing');
      return JSON.parse(text);
    } catch (error) {
      throw new Error(
        `${source}: metadata entry ${key} is ${(error as Error).message === 'missing' ? 'missing' : 'not valid JSON'}`,
      );
    }
  };
  const object = (key: string): Record<string, unknown> => {
    const value = json(key);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new Error(`${source}: metadata entry ${key} is not a JSON object`);
    }
    return value as Record<string, unknown>;
  };
  const count = (key: string): number => {
    const value = Number(metadata[key]);
    if (!/^\d+$/.test(metadata[key] ?? '') || !Number.isSafeInteger(value)) {
      throw new Error(`${source}: metadata entry ${key} is not a whole number`);
    }
    return value;
  };
  const random = object('random');
  const loss = object('epoch_loss');
  const history = json('history');
  if (!Array.isArray(history)) throw new Error(`${source}: metadata entry history is not a list`);
  const checkpointing = object('checkpointing');
  if (!isPositiveInteger(checkpointing.saveEvery) || !isPositiveInteger(checkpointing.keep)) {
    throw new Error(`${source}: metadata entry checkpointing needs whole numbers saveEvery and keep ≥ 1`);
  }
  if (!Array.isArray(random.data) || typeof loss.sum !== 'number' || !Number.isInteger(loss.steps)) {
    throw new Error(`${source}: metadata entries random or epoch_loss are malformed`);
  }
  return {
    config: object('config') as unknown as TrainConfig,
    progress: {
      step: count('step'),
      epoch: count('epoch'),
      position: object('data_position') as unknown as FitProgress['position'],
      dataRandom: random.data as number[],
      epochLossSum: loss.sum,
      epochSteps: loss.steps as number,
      history,
    },
    optimizer: object('optimizer') as unknown as OptimizerState,
    controller: object('controller') as unknown as ControllerState,
    checkpointing: { saveEvery: checkpointing.saveEvery, keep: checkpointing.keep },
  };
}

function isPositiveInteger(x: unknown): x is number {
  return Number.isSafeInteger(x) && (x as number) >= 1;
}

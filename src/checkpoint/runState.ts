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

import { z } from 'zod';
import type { ControllerState } from '../methods/controller.js';
import type { OptimizerState } from '../optim/optimizer.js';
import { describeProblem, schemaProblem } from '../run/configSchema.js';
import type { TrainConfig } from '../run/trainConfig.js';
import type { EpochMetrics, FitProgress, PeriodMetrics } from '../train/callbacks.js';
import { escapeControl, quoteValue } from '../util/safeText.js';

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

const count = z.number().int().min(0);
const finite = z.number();

/**
 * The schema of each structured metadata entry (values JSON). The optimizer's and controller's states are
 * loose objects (their own setState checks the rest, and other methods may add fields): the fields read here
 * must be of their type and finite.
 */
const entrySchemas = {
  random: z.strictObject({
    data: z
      .array(
        z
          .number()
          .int()
          .min(0)
          .max(2 ** 32 - 1),
      )
      .length(4),
  }),
  data_position: z.strictObject({ epoch: count, index: count }),
  epoch_loss: z.strictObject({ sum: finite, steps: count }),
  history: z.array(z.object({ epoch: count.min(1), step: count }).catchall(finite)).max(10_000_000),
  optimizer: z.looseObject({ stepCount: count }),
  controller: z.looseObject({
    churn: z.array(z.looseObject({ step: count, forwardChurn: z.array(finite.min(0)) })),
    trainingFlops: finite.min(0),
    denseFlops: finite.min(0),
    softMask: z
      .looseObject({
        beta: finite.min(0),
        kappa: finite.min(0),
        errorSum: finite,
        errorMax: finite,
        errorLast: finite,
        steps: count,
      })
      .optional(),
  }),
  checkpointing: z.strictObject({ saveEvery: count.min(1), keep: count.min(1) }),
  config: z.record(z.string(), z.unknown()),
};

/**
 * The run state in a checkpoint's metadata; throws, naming `source` and the entry, for another format or
 * version, a missing entry, or one that is not of its schema (types, ranges, finite numbers), or whose parts
 * disagree (the history's epochs 1, 2, … up to the epoch in progress; no more steps in the epoch than in the
 * run). The config is checked against the config schema by the caller (decodeCheckpoint).
 */
export function decodeRunState(metadata: Readonly<Record<string, string>>, source: string): RunState {
  const file = escapeControl(source);
  if (metadata.format !== CHECKPOINT_FORMAT) {
    throw new Error(
      `${file} is not a topkast checkpoint (format ${quoteValue(metadata.format ?? null)}): give a directory of \`topkast train --checkpoint-dir\``,
    );
  }
  if (metadata.format_version !== String(CHECKPOINT_VERSION)) {
    throw new Error(
      `${file} has checkpoint format version ${escapeControl(metadata.format_version ?? 'none')}; this topkast reads version ${CHECKPOINT_VERSION}: resume it with the topkast that wrote it`,
    );
  }
  const known = new Set([
    'format',
    'format_version',
    'step',
    'epoch',
    'checksum',
    ...Object.keys(entrySchemas),
  ]);
  const unknown = Object.keys(metadata).find((key) => !known.has(key));
  if (unknown !== undefined)
    throw new Error(`${file}: metadata entry ${quoteValue(unknown)} is not one topkast writes`);
  const entry = <K extends keyof typeof entrySchemas>(key: K): z.infer<(typeof entrySchemas)[K]> => {
    const text = metadata[key];
    if (text === undefined) throw new Error(`${file}: metadata entry ${key} is missing`);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new Error(`${file}: metadata entry ${key} is not valid JSON`);
    }
    const problem = schemaProblem(entrySchemas[key], value);
    if (problem) throw new Error(`${file}: metadata entry ${describeProblem(key, problem)}`);
    return value as z.infer<(typeof entrySchemas)[K]>;
  };
  const whole = (key: 'step' | 'epoch'): number => {
    const text = metadata[key] ?? '';
    if (!/^\d{1,15}$/.test(text))
      throw new Error(`${file}: metadata entry ${key} is ${quoteValue(text)}, not a whole number`);
    return Number(text);
  };
  const step = whole('step');
  const epoch = whole('epoch');
  const loss = entry('epoch_loss');
  const history = entry('history');
  const disagree = (problem: string): never => {
    throw new Error(`${file}: its run state is inconsistent: ${problem}`);
  };
  if (epoch < 1) disagree('epoch 0 (epochs count from 1)');
  if (history.length > epoch)
    disagree(`${history.length} evaluated epochs, but epoch ${epoch} is in progress`);
  history.forEach((period, i) => {
    if (period.epoch !== i + 1 || period.step > step) {
      disagree(
        `history entry ${i} is epoch ${period.epoch} at step ${period.step}; expected epoch ${i + 1} at step ${step} or before`,
      );
    }
  });
  if (loss.steps > step) disagree(`${loss.steps} steps in the epoch, but ${step} in the run`);
  return {
    config: entry('config') as unknown as TrainConfig,
    progress: {
      step,
      epoch,
      position: entry('data_position'),
      dataRandom: entry('random').data,
      epochLossSum: loss.sum,
      epochSteps: loss.steps,
      history: history as unknown as EpochMetrics[],
    },
    optimizer: entry('optimizer') as OptimizerState,
    controller: entry('controller') as unknown as ControllerState,
    checkpointing: entry('checkpointing'),
  };
}

/**
 * `topkast train`'s checkpoint flags: --checkpoint-dir, --save-every, --keep and --resume, and how they turn
 * into the run's config, where it saves and where it resumes from.
 */
import type { Command } from 'commander';
import type { Checkpoint } from '../checkpoint/checkpoint.js';
import { listCheckpoints, loadLatestCheckpoint, removeTemporaryFiles } from '../checkpoint/checkpointDir.js';
import { type DirectoryLock, lockDirectory } from '../checkpoint/directoryLock.js';
import type { Checkpointing } from '../checkpoint/runState.js';
import { resolveTrainConfig, type TrainConfig, type TrainFlags } from '../run/trainConfig.js';
import { realPath } from '../util/files.js';
import { escapeControl, quoteValue } from '../util/safeText.js';
import { parsePositiveInteger } from './parsers.js';

export const DEFAULT_SAVE_EVERY = 100;
export const DEFAULT_KEEP = 3;

export interface CheckpointFlags {
  readonly checkpointDir?: string;
  readonly saveEvery?: number;
  readonly keep?: number;
  readonly resume?: string;
}

/** Options that are not part of the run config: they may differ between a run and its resumption. */
const notConfig = new Set(['checkpointDir', 'saveEvery', 'keep', 'resume', 'json', 'metrics', 'progress']);

export function addCheckpointOptions(command: Command): Command {
  return command
    .option('--checkpoint-dir <dir>', 'save checkpoints into this directory (it must hold none yet)')
    .option(
      '--save-every <n>',
      `save a checkpoint every n steps and at the end (default: ${DEFAULT_SAVE_EVERY})`,
      parsePositiveInteger,
    )
    .option('--keep <k>', `keep the newest k checkpoints (default: ${DEFAULT_KEEP})`, parsePositiveInteger)
    .option(
      '--resume <dir>',
      "continue the run whose checkpoints are in dir from its newest one, with that run's config",
    );
}

/** What a train invocation runs: the config, where it saves, and the checkpoint it continues from. */
export interface TrainPlanFromFlags {
  readonly config: TrainConfig;
  readonly checkpoint?: Checkpointing & { readonly dir: string };
  readonly resume?: { readonly checkpoint: Checkpoint; readonly file: string };
  /** The lock of the checkpoint directory, held from planning to the end of the run: release it then. */
  readonly lock?: DirectoryLock;
}

/**
 * Resolves the flags, before any work starts. The checkpoint directory is locked before anything in it is
 * checked or changed (directoryLock.ts: a second writer is refused, naming the first; a resume reads its
 * checkpoint first, which changes nothing), then a new run with --checkpoint-dir needs it without
 * checkpoints (nothing earlier is overwritten). With --resume the config is the checkpoint's; a config flag
 * given on the command line that differs from it is refused, and the run keeps saving into the resumed
 * directory (or --checkpoint-dir) with the saved --save-every and --keep unless given again. `report` receives
 * a line when a stale lock is taken over.
 */
export function planFromFlags(
  flags: TrainFlags & CheckpointFlags,
  command: Command,
  report?: (line: string) => void,
): TrainPlanFromFlags {
  if (flags.resume === undefined) {
    const config = resolveTrainConfig(flags);
    if (flags.checkpointDir === undefined) {
      if (flags.saveEvery !== undefined || flags.keep !== undefined) {
        throw new Error(
          '--save-every and --keep need --checkpoint-dir: add --checkpoint-dir DIR, or drop them',
        );
      }
      return { config };
    }
    const dir = flags.checkpointDir;
    return withLock(dir, report, (lock) => {
      if (listCheckpoints(dir).length > 0) {
        throw new Error(
          `--checkpoint-dir ${escapeControl(dir)} already holds checkpoints: continue that run with --resume ${escapeControl(dir)}, or choose an empty directory`,
        );
      }
      const saveEvery = flags.saveEvery ?? DEFAULT_SAVE_EVERY;
      return { config, checkpoint: { dir, saveEvery, keep: flags.keep ?? DEFAULT_KEEP }, lock };
    });
  }
  const resumed = flags.resume;
  const dir = flags.checkpointDir ?? resumed;
  const { file, checkpoint } = loadLatestCheckpoint(resumed);
  return withLock(dir, report, (lock) => {
    const { config } = checkpoint.state;
    refuseContradictions(flags, command, config, file);
    const saved = checkpoint.state.checkpointing;
    if (realPath(dir) !== realPath(resumed) && listCheckpoints(dir).length > 0) {
      throw new Error(
        `--checkpoint-dir ${escapeControl(dir)} already holds checkpoints of another run: choose an empty directory, or drop --checkpoint-dir to keep saving into ${escapeControl(resumed)}`,
      );
    }
    removeTemporaryFiles(dir);
    return {
      config,
      checkpoint: { dir, saveEvery: flags.saveEvery ?? saved.saveEvery, keep: flags.keep ?? saved.keep },
      resume: { checkpoint, file },
      lock,
    };
  });
}

/** `plan` under the lock of `dir`; the lock is released when planning fails. */
function withLock(
  dir: string,
  report: ((line: string) => void) | undefined,
  plan: (lock: DirectoryLock) => TrainPlanFromFlags,
): TrainPlanFromFlags {
  if (dir.trim() === '') throw new Error('--checkpoint-dir is empty: give a directory name');
  const lock = lockDirectory(dir, report);
  try {
    return plan(lock);
  } catch (error) {
    lock.release();
    throw error;
  }
}

/** Throws for the first config flag given on the command line whose value differs from the saved config. */
function refuseContradictions(
  flags: TrainFlags & CheckpointFlags,
  command: Command,
  config: TrainConfig,
  file: string,
): void {
  for (const option of command.options) {
    const name = option.attributeName();
    if (notConfig.has(name) || command.getOptionValueSource(name) !== 'cli') continue;
    const given = (flags as unknown as Record<string, unknown>)[name];
    const saved = (config as unknown as Record<string, unknown>)[name];
    if (JSON.stringify(given) !== JSON.stringify(saved)) {
      throw new Error(
        `${option.long} ${quoteValue(given)} contradicts the run being resumed (${escapeControl(file)} has ${quoteValue(saved ?? null)}): a resumed run keeps its config; drop ${option.long}`,
      );
    }
  }
}

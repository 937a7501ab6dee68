/**
 * A directory of checkpoints, one file per saved step: `step-00000060.safetensors`. Saving writes durably
 * (durableWrite.ts) and then removes all but the newest `keep`; the newest file is only ever a whole one.
 *
 * Resuming takes the newest checkpoint. If it does not read back whole (bit flips, a damaged disk, another
 * program's file), the resume is refused rather than silently going back: the error names the damaged file and
 * the newest older checkpoint that is valid, and nothing in the directory is changed, so the user decides (move
 * the damaged file aside and run again to resume from the older one, which ends the same way).
 */
import { readdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { readRegularFile } from '../util/files.js';
import { escapeControl } from '../util/safeText.js';
import { type Checkpoint, decodeCheckpoint } from './checkpoint.js';
import { syncDirectory, writeFileDurable } from './durableWrite.js';

const NAME = /^step-(\d{8,})\.safetensors$/;
const TEMPORARY = /^step-\d{8,}\.safetensors\.\d+\.[0-9a-f]+\.tmp$/;

/** Reads and checks a checkpoint file (a regular file only). */
export function readCheckpoint(file: string): Checkpoint {
  return decodeCheckpoint(readRegularFile(file), file);
}

/** Whether a file name is that of a checkpoint (`step-00000060.safetensors`). */
export function isCheckpointName(name: string): boolean {
  return NAME.test(name);
}

/** The file name of the checkpoint after `step` steps. */
export function checkpointFileName(step: number): string {
  return `step-${String(step).padStart(8, '0')}.safetensors`;
}

export interface CheckpointEntry {
  readonly file: string;
  readonly step: number;
}

/** The checkpoints in `dir`, newest (highest step) first; none when the directory does not exist. */
export function listCheckpoints(dir: string): CheckpointEntry[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return [];
    if (code === 'ENOTDIR')
      throw new Error(`${escapeControl(dir)} is not a directory: give a checkpoint directory`);
    throw new Error(`cannot list ${escapeControl(dir)}: ${code ?? (error as Error).message}`);
  }
  return names
    .flatMap((name) => {
      const match = NAME.exec(name);
      return match ? [{ file: join(dir, name), step: Number(match[1]) }] : [];
    })
    .sort((a, b) => b.step - a.step);
}

/**
 * Writes the checkpoint of `step` durably, then removes all but the newest `keep` checkpoints up to it (a file
 * named after a later step is not this run's: it is left alone, and never makes the run delete its own).
 */
export function saveCheckpoint(dir: string, step: number, bytes: Uint8Array, keep: number): string {
  const file = join(dir, checkpointFileName(step));
  writeFileDurable(file, bytes);
  const stale = listCheckpoints(dir)
    .filter((entry) => entry.step <= step)
    .slice(keep);
  for (const entry of stale) rmSync(entry.file, { force: true });
  if (stale.length > 0) syncDirectory(dir);
  return file;
}

/** Removes temporary files that a killed writer left behind (never a checkpoint). */
export function removeTemporaryFiles(dir: string): void {
  for (const name of listNames(dir)) if (TEMPORARY.test(name)) rmSync(join(dir, name), { force: true });
}

/**
 * The newest checkpoint of `dir`, read and checked. Throws when there is none, or when the newest is damaged:
 * the error says why and which older checkpoint is valid (see the module comment).
 */
export function loadLatestCheckpoint(dir: string): { file: string; checkpoint: Checkpoint } {
  const entries = listCheckpoints(dir);
  if (entries.length === 0) {
    throw new Error(
      `${dir} holds no checkpoint (step-*.safetensors): give the --checkpoint-dir of a run, or start a new run with --checkpoint-dir`,
    );
  }
  const [newest, ...older] = entries as [CheckpointEntry, ...CheckpointEntry[]];
  try {
    return { file: newest.file, checkpoint: readEntry(newest) };
  } catch (error) {
    const fallback = older.find(isReadable);
    const advice = fallback
      ? `the newest valid one is ${escapeControl(fallback.file)} (step ${fallback.step}): move ${escapeControl(newest.file)} aside and run again to resume from it`
      : 'no older checkpoint in the directory is valid either: start the run again';
    throw new Error(`cannot resume: ${(error as Error).message}; ${advice}`);
  }
}

/** Reads and checks a listed checkpoint, refusing one whose content is of another step than its name. */
function readEntry(entry: CheckpointEntry): Checkpoint {
  const checkpoint = readCheckpoint(entry.file);
  const { step } = checkpoint.state.progress;
  if (step !== entry.step) {
    throw new Error(
      `${escapeControl(entry.file)} is named after step ${escapeControl(basename(entry.file).slice(5, -12))} but holds step ${step}: it was renamed or is not this run's`,
    );
  }
  return checkpoint;
}

function isReadable(entry: CheckpointEntry): boolean {
  try {
    readEntry(entry);
    return true;
  } catch {
    return false;
  }
}

function listNames(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * An exclusive lock on a checkpoint directory, so one run at a time writes it: without it, two runs on one
 * directory prune each other's checkpoints, and a --resume of a live run deletes the writer's temporary file.
 *
 * The lock is the file DIR/topkast.lock, created only if absent (O_EXCL, atomic on one file system) and holding
 * its holder as JSON: { pid, host, since, token }. A second writer is refused with who holds it. A lock whose
 * holder is gone (same host, no process with that pid: a run killed before it could release) is stale: it is
 * reported and taken over. A holder on another host cannot be checked from here, so it is reported and the
 * user removes the file if that run has ended. Release removes the file only while it still holds our token.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { makeDirectory, readRegularFile } from '../util/files.js';
import { escapeControl } from '../util/safeText.js';

export const LOCK_FILE_NAME = 'topkast.lock';

const holderSchema = z.strictObject({
  pid: z.number().int().min(1),
  host: z.string().max(256),
  since: z.string().max(64),
  token: z.string().regex(/^[0-9a-f]{32}$/),
});

export type LockHolder = z.infer<typeof holderSchema>;

export interface DirectoryLock {
  readonly file: string;
  /** Removes the lock file if it is still this lock's. */
  release(): void;
}

/** A holder as a phrase: `pid 4242 on host "box" since 2026-12-06T04:00:00.000Z`. */
export function describeHolder(holder: LockHolder): string {
  return `pid ${holder.pid} on host ${escapeControl(JSON.stringify(holder.host))} since ${escapeControl(holder.since)}`;
}

/**
 * Locks `dir` for writing (creating it when missing). Throws, saying who holds it, when another live run
 * does; `report` receives one line when a stale lock is taken over.
 */
export function lockDirectory(dir: string, report: (line: string) => void = () => {}): DirectoryLock {
  makeDirectory(dir);
  const file = join(dir, LOCK_FILE_NAME);
  const holder: LockHolder = {
    pid: process.pid,
    host: hostname(),
    since: new Date().toISOString(),
    token: randomBytes(16).toString('hex'),
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    if (tryCreate(file, holder)) {
      return {
        file,
        release: () => {
          if (readHolder(file, dir, true)?.token === holder.token) rmSync(file, { force: true });
        },
      };
    }
    const current = readHolder(file, dir, false);
    if (current === undefined) continue; // released meanwhile
    if (current.host !== holder.host) {
      throw new Error(
        `${escapeControl(dir)} is locked by ${describeHolder(current)}, another machine: wait for that run to end; if it has ended, remove ${escapeControl(file)}`,
      );
    }
    if (isRunning(current.pid)) {
      throw new Error(
        `${escapeControl(dir)} is in use by another run (${describeHolder(current)}): wait for it to end or stop it, or give another directory`,
      );
    }
    report(
      `removed a stale lock of ${escapeControl(dir)}: ${describeHolder(current)} is no longer running (it was stopped before it could release the directory)`,
    );
    rmSync(file, { force: true });
  }
  throw new Error(
    `${escapeControl(dir)}: could not take its lock ${escapeControl(file)}; another run keeps taking it`,
  );
}

/** Creates the lock file with `holder`; false when it exists. */
function tryCreate(file: string, holder: LockHolder): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new Error(
      `cannot lock ${escapeControl(file)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  try {
    writeSync(fd, `${JSON.stringify(holder)}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * The holder in the lock file; undefined when there is none. A file that is not a lock of topkast is
 * refused (unless `quiet`: then undefined), naming the file.
 */
function readHolder(file: string, dir: string, quiet: boolean): LockHolder | undefined {
  let text: string;
  try {
    text = readRegularFile(file).toString('utf8');
  } catch (error) {
    if (quiet || /does not exist/.test((error as Error).message)) return undefined;
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const result = holderSchema.safeParse(parsed);
  if (result.success) return result.data;
  if (quiet) return undefined;
  const problem =
    text === ''
      ? 'is empty (another run is taking it right now, or one was stopped while taking it)'
      : 'is not a lock of topkast';
  throw new Error(
    `${escapeControl(file)} ${problem}: if no run uses ${escapeControl(dir)}, remove it and run again`,
  );
}

/** Whether a process with this pid exists (EPERM: it does, under another user). */
function isRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

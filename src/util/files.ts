/**
 * File-system access that a hostile path cannot hang or mislead (Node only):
 * - readRegularFile opens only regular files, checked before reading: a named pipe would block the read
 *   forever, a device could stream without end, a directory fails with a bare EISDIR;
 * - makeDirectory creates missing directories one level at a time, a bounded walk (Node's recursive mkdir
 *   loops forever under /proc, where mkdir answers ENOENT for a parent that exists);
 * - outputTarget checks an output path before any work starts, and realPath compares paths by what they name,
 *   so one file given under two spellings is seen as one.
 * Every error names the path (escaped: it may come from a file) and what to do.
 */
import {
  closeSync,
  constants,
  fstatSync,
  mkdirSync,
  openSync,
  readSync,
  realpathSync,
  type Stats,
  statSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { escapeControl } from './safeText.js';

/** What a file-system entry is, for messages. */
export function fileKind(stats: Stats): string {
  if (stats.isFile()) return 'a file';
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a named pipe';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  return 'neither a file nor a directory';
}

/** The stats of `path` (following links), or undefined when nothing is there. */
export function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new Error(`cannot read ${escapeControl(path)}: ${code ?? (error as Error).message}`);
  }
}

/**
 * The bytes of the regular file at `path`. Refuses, before reading, anything else (named pipe, device,
 * socket, directory); the file is opened non-blocking and checked again through its descriptor, so swapping
 * in a pipe after the first check cannot block either. `expected` says what to give instead (e.g. "a file
 * written by `topkast export`"), for a missing path or one that is not a file.
 */
export function readRegularFile(path: string, expected?: string): Buffer {
  const shown = escapeControl(path);
  const stats = statOrUndefined(path);
  if (stats === undefined) {
    throw new Error(`${shown} does not exist: ${expected ? `give ${expected}` : 'check the path'}`);
  }
  if (!stats.isFile()) {
    throw new Error(`${shown} is ${fileKind(stats)}, not a file: give ${expected ?? 'a regular file'}`);
  }
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw new Error(
      `cannot open ${shown}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  try {
    const opened = fstatSync(fd);
    if (!opened.isFile() || opened.ino !== stats.ino || opened.dev !== stats.dev) {
      throw new Error(`${shown} changed while it was opened: give a regular file no other program replaces`);
    }
    const bytes = Buffer.allocUnsafe(opened.size);
    let read = 0;
    while (read < bytes.length) {
      const n = readSync(fd, bytes, read, bytes.length - read, read);
      if (n === 0) break;
      read += n;
    }
    if (read !== bytes.length) throw new Error(`${shown} shrank while it was read: read it again`);
    return bytes;
  } finally {
    closeSync(fd);
  }
}

/** At most this many missing directory levels are created (a bound on the walk, far above real use). */
const MAX_NEW_LEVELS = 64;

/**
 * Creates directory `dir` and its missing parents, one level at a time; returns quietly when it exists.
 * Throws, naming the path, when something in the way is not a directory or a level cannot be created.
 */
export function makeDirectory(dir: string): void {
  const missing: string[] = [];
  let current = resolve(dir);
  for (;;) {
    const stats = statOrUndefined(current);
    if (stats !== undefined) {
      if (!stats.isDirectory()) {
        throw new Error(
          `cannot create directory ${escapeControl(dir)}: ${escapeControl(current)} is ${fileKind(stats)}`,
        );
      }
      break;
    }
    missing.push(current);
    const parent = dirname(current);
    if (parent === current || missing.length > MAX_NEW_LEVELS) {
      throw new Error(`cannot create directory ${escapeControl(dir)}: no existing parent directory`);
    }
    current = parent;
  }
  for (const level of missing.reverse()) {
    try {
      mkdirSync(level);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' && statOrUndefined(level)?.isDirectory()) continue;
      throw new Error(
        `cannot create directory ${escapeControl(level)}${level === resolve(dir) ? '' : ` for ${escapeControl(dir)}`}: ${code ?? (error as Error).message}`,
      );
    }
  }
}

/**
 * The absolute path `path` names with every link resolved, also for a path that does not exist yet (its
 * nearest existing ancestor resolved, the rest appended): two spellings of one file give the same string.
 */
export function realPath(path: string): string {
  const tail: string[] = [];
  let current = resolve(path);
  for (;;) {
    try {
      return join(realpathSync(current), ...tail.reverse());
    } catch {
      const parent = dirname(current);
      if (parent === current) return join(current, ...tail.reverse());
      tail.push(basename(current));
      current = parent;
    }
  }
}

/**
 * Checks an output file before a run starts: the path is not empty, its directory exists or can be created
 * (it is created now), and whatever is already there is a regular file that will be replaced (not a directory,
 * pipe or device). `flag` names the option in errors.
 */
export function outputFile(path: string, flag: string): void {
  if (path.trim() === '') throw new Error(`${flag} is empty: give a file name`);
  const stats = statOrUndefined(path);
  if (stats !== undefined && !stats.isFile()) {
    throw new Error(`${flag} ${escapeControl(path)} is ${fileKind(stats)}: give a file to write`);
  }
  makeDirectory(dirname(resolve(path)));
}

/** Checks an output directory before a run starts: not empty, a directory or creatable (it is created now). */
export function outputDirectory(path: string, flag: string): void {
  if (path.trim() === '') throw new Error(`${flag} is empty: give a directory name`);
  makeDirectory(path);
}

/** A path the command reads or writes, with the flag that gave it. */
export interface NamedPath {
  readonly flag: string;
  readonly path: string;
}

/**
 * Refuses an output that is another output or one of the inputs, compared by real path (so `a.json`,
 * `./a.json` and a link to it are one file): a run must never overwrite what it reads or writes elsewhere.
 */
export function refuseSharedPaths(outputs: readonly NamedPath[], inputs: readonly NamedPath[] = []): void {
  const seen: { entry: NamedPath; real: string; output: boolean }[] = [];
  const all = [
    ...inputs.map((entry) => ({ entry, output: false })),
    ...outputs.map((entry) => ({ entry, output: true })),
  ];
  for (const { entry, output } of all) {
    const real = realPath(entry.path);
    const clash = seen.find((other) => other.real === real && (output || other.output));
    if (clash) {
      throw new Error(
        `${clash.entry.flag} ${escapeControl(clash.entry.path)} and ${entry.flag} ${escapeControl(entry.path)} are the same file (${escapeControl(real)}): give ${entry.flag} another path`,
      );
    }
    seen.push({ entry, real, output });
  }
}

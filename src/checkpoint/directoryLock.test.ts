import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCK_FILE_NAME, lockDirectory } from './directoryLock.js';

const root = mkdtempSync(join(tmpdir(), 'topkast-lock-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const holder = (pid: number, host: string) =>
  JSON.stringify({ pid, host, since: '2026-12-06T04:00:00.000Z', token: 'a'.repeat(32) });

describe('lockDirectory', () => {
  it('gives the directory to one writer at a time and names the holder to the second', () => {
    const dir = join(root, 'one');
    const lock = lockDirectory(dir);
    expect(readdirSync(dir)).toEqual([LOCK_FILE_NAME]);
    expect(() => lockDirectory(dir)).toThrow(
      new RegExp(
        `is in use by another run \\(pid ${process.pid} on host "${hostname()}" since .*\\): wait for it`,
      ),
    );
    lock.release();
    expect(readdirSync(dir)).toEqual([]);
    lockDirectory(dir).release();
  });

  it('reports and takes over the lock of a process that is gone', () => {
    const dir = join(root, 'stale');
    lockDirectory(dir).release();
    const gone = spawnSync(process.execPath, ['-e', '']).pid!;
    writeFileSync(join(dir, LOCK_FILE_NAME), holder(gone, hostname()));
    const lines: string[] = [];
    const lock = lockDirectory(dir, (line) => lines.push(line));
    expect(lines).toEqual([
      `removed a stale lock of ${dir}: pid ${gone} on host "${hostname()}" since 2026-12-06T04:00:00.000Z is no longer running (it was stopped before it could release the directory)`,
    ]);
    lock.release();
  });

  it('refuses a lock held on another machine, and a file that is not a lock, without touching them', () => {
    const dir = join(root, 'other');
    lockDirectory(dir).release();
    const file = join(dir, LOCK_FILE_NAME);
    writeFileSync(file, holder(1, 'elsewhere\u001b[2J'));
    expect(() => lockDirectory(dir)).toThrow(
      `is locked by pid 1 on host "elsewhere\\u001b[2J" since 2026-12-06T04:00:00.000Z, another machine: wait for that run to end; if it has ended, remove ${file}`,
    );
    writeFileSync(file, 'junk');
    expect(() => lockDirectory(dir)).toThrow(
      `${file} is not a lock of topkast: if no run uses ${dir}, remove it`,
    );
    writeFileSync(file, '');
    expect(() => lockDirectory(dir)).toThrow(`${file} is empty`);
    expect(existsSync(file)).toBe(true);
  });

  it('release leaves a lock that another run holds now', () => {
    const dir = join(root, 'taken');
    const lock = lockDirectory(dir);
    writeFileSync(join(dir, LOCK_FILE_NAME), holder(1, 'elsewhere'));
    lock.release();
    expect(existsSync(join(dir, LOCK_FILE_NAME))).toBe(true);
  });
});

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeDirectory, outputFile, readRegularFile, realPath, refuseSharedPaths } from './files.js';

const dir = mkdtempSync(join(tmpdir(), 'topkast-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readRegularFile', () => {
  it('reads a regular file whole', () => {
    const file = join(dir, 'a.bin');
    writeFileSync(file, Buffer.from([1, 2, 3]));
    expect([...readRegularFile(file)]).toEqual([1, 2, 3]);
  });

  it('refuses a named pipe before reading it (no hang), a directory, a device and a missing file', () => {
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    expect(() => readRegularFile(fifo)).toThrow(`${fifo} is a named pipe, not a file: give a regular file`);
    expect(() => readRegularFile(dir)).toThrow(`${dir} is a directory, not a file`);
    expect(() => readRegularFile('/dev/zero')).toThrow('/dev/zero is a device, not a file');
    expect(() => readRegularFile(join(dir, 'none'))).toThrow('none does not exist: check the path');
  });

  it('escapes control characters of the path in its errors', () => {
    expect(() => readRegularFile(join(dir, 'x\u001b[2Jy'))).toThrow('x\\x1b[2Jy does not exist');
  });
});

describe('makeDirectory', () => {
  it('creates missing levels and accepts an existing directory', () => {
    makeDirectory(join(dir, 'p', 'q', 'r'));
    makeDirectory(join(dir, 'p', 'q', 'r'));
    expect(realPath(join(dir, 'p', 'q', 'r'))).toBe(join(realPath(dir), 'p', 'q', 'r'));
  });

  it('fails at once where Node’s recursive mkdir loops (/proc) and where a file is in the way', () => {
    expect(() => makeDirectory('/proc/nonexistent/x')).toThrow(/cannot create directory \/proc\/nonexistent/);
    writeFileSync(join(dir, 'file'), '');
    expect(() => makeDirectory(join(dir, 'file', 'sub'))).toThrow(`${join(dir, 'file')} is a file`);
  });
});

describe('output paths', () => {
  it('refuses an empty path, a directory and a pipe as an output file', () => {
    expect(() => outputFile('', '--json')).toThrow('--json is empty: give a file name');
    expect(() => outputFile(dir, '--json')).toThrow(`--json ${dir} is a directory: give a file to write`);
    expect(() => outputFile(join(dir, 'pipe'), '--metrics')).toThrow('is a named pipe');
    expect(() => outputFile('/proc/nonexistent/x.json', '--json')).toThrow('cannot create directory');
  });

  it('sees one file under two spellings and through a link', () => {
    mkdirSync(join(dir, 'out'));
    symlinkSync(join(dir, 'out'), join(dir, 'link'));
    const a = join(dir, 'out', 'a.json');
    const spelled = relative(process.cwd(), join(dir, 'link', '.', 'a.json'));
    expect(() =>
      refuseSharedPaths([
        { flag: '--json', path: a },
        { flag: '--metrics', path: spelled },
      ]),
    ).toThrow(/--json .* and --metrics .* are the same file/);
    expect(() =>
      refuseSharedPaths(
        [{ flag: '--out', path: a }],
        [{ flag: '--from', path: join(dir, 'link', 'a.json') }],
      ),
    ).toThrow('are the same file');
    expect(() =>
      refuseSharedPaths(
        [{ flag: '--json', path: a }],
        [
          { flag: '--from', path: join(dir, 'b') },
          { flag: '--model', path: join(dir, 'b') },
        ],
      ),
    ).not.toThrow();
  });
});

/**
 * Hostile and careless paths (#16): pipes and devices where files are read, outputs that cannot be written or
 * that are inputs, a second writer on a checkpoint directory, a checkpoint whose name lies, absurd numbers.
 * Every case must be refused at once with one line that names the path, and leave everything as it was.
 */
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCK_FILE_NAME, lockDirectory } from '../checkpoint/directoryLock.js';
import { cli, cliBesidePipe } from './testing.js';

const root = mkdtempSync(join(tmpdir(), 'topkast-hostile-'));
const run = join(root, 'run');
const model = join(root, 'model.safetensors');
const tiny = ['--dataset', 'mnist', '--hidden', '8', '--steps', '6', '--batch-size', '32', '--no-progress'];

beforeAll(async () => {
  const trained = await cli('train', ...tiny, '--checkpoint-dir', run, '--save-every', '3');
  expect(trained.err).toBe('');
  expect((await cli('export', '--from', run, '--out', model)).code).toBe(0);
}, 60_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

function expectOneLine(err: string, ...parts: string[]): void {
  expect(err.split('\n')).toHaveLength(2);
  for (const part of parts) expect(err).toContain(part);
}

describe('hostile paths', () => {
  it('refuses a named pipe given as a model or sitting as the newest checkpoint, without blocking', async () => {
    const fifo = join(root, 'pipe.safetensors');
    execFileSync('mkfifo', [fifo]);
    for (const argv of [
      ['eval', '--model', fifo],
      ['sample', '--model', fifo, '--prompt', 'a'],
    ]) {
      const result = await cliBesidePipe(fifo, ...argv);
      expect(result.seconds).toBeLessThan(2);
      expect(result.code).toBe(1);
      expectOneLine(result.err, `${fifo} is a named pipe, not a file`);
    }
    const dir = join(root, 'fifo-run');
    mkdirSync(dir);
    copyFileSync(join(run, 'step-00000006.safetensors'), join(dir, 'step-00000006.safetensors'));
    const newest = join(dir, 'step-00000009.safetensors');
    execFileSync('mkfifo', [newest]);
    for (const argv of [
      ['train', '--resume', dir, '--no-progress'],
      ['export', '--from', dir, '--out', join(root, 'never.safetensors')],
      ['sample', '--model', dir, '--prompt', 'a'],
    ]) {
      const result = await cliBesidePipe(newest, ...argv);
      expect(result.seconds).toBeLessThan(2);
      expectOneLine(result.err, `${newest} is a named pipe`, 'the newest valid one is', 'step-00000006');
    }
    expect(readdirSync(dir).sort()).toEqual(['step-00000006.safetensors', 'step-00000009.safetensors']);
  });

  it('refuses pipes and self-overwrites in report, and an empty compare --out before any run', async () => {
    const fifo = join(root, 'summary-pipe.json');
    execFileSync('mkfifo', [fifo]);
    const piped = await cliBesidePipe(fifo, 'report', '--from', fifo, '--out', join(root, 'r.html'));
    expect(piped.seconds).toBeLessThan(2);
    expectOneLine(piped.err, `${fifo} is a named pipe, not a file`);
    const summary = join(root, 'summary.json');
    writeFileSync(summary, '{}');
    const self = await cli('report', '--from', summary, '--out', join(root, '.', 'summary.json'));
    expectOneLine(self.err, '--from', '--out', 'are the same file');
    expect(readFileSync(summary, 'utf8')).toBe('{}');
    const compare = await cli('compare', ...tiny, '--methods', 'dense', '--out', '');
    expect(compare.out).toBe('');
    expectOneLine(compare.err, '--out is empty: give a directory name');
  });

  it('refuses outputs under /proc, empty, or a directory before training (no loop, no run)', async () => {
    for (const [flag, path, message] of [
      ['--json', '/proc/nonexistent/x.json', 'cannot create directory /proc/nonexistent'],
      ['--metrics', '/proc/nonexistent/m.jsonl', 'cannot create directory /proc/nonexistent'],
      ['--checkpoint-dir', '/proc/nonexistent/ck', 'cannot create directory /proc/nonexistent'],
      ['--checkpoint-dir', '', '--checkpoint-dir is empty'],
      ['--json', root, `--json ${root} is a directory`],
    ] as const) {
      const result = await cli('train', ...tiny, flag, path);
      expect(result.code).toBe(1);
      expect(result.out).toBe(''); // refused before the run was announced
      expectOneLine(result.err, message);
    }
  });

  it('refuses an export named like a checkpoint (a resumed run would take it for one)', async () => {
    const result = await cli('export', '--from', run, '--out', join(root, 'step-00000099.safetensors'));
    expectOneLine(result.err, 'is named like a checkpoint');
  });

  it('never writes an output over an input or another output, by any spelling', async () => {
    const checkpoint = join(run, 'step-00000006.safetensors');
    const bytes = readFileSync(checkpoint);
    const again = await cli('export', '--from', checkpoint, '--out', relative(process.cwd(), checkpoint));
    expectOneLine(again.err, 'are the same file', '--from');
    expect(readFileSync(checkpoint)).toEqual(bytes);
    const fromDir = await cli('export', '--from', run, '--out', join(run, '.', 'step-00000006.safetensors'));
    expectOneLine(fromDir.err, 'are the same file');
    const metrics = join(root, 'same.json');
    const twice = await cli('train', ...tiny, '--json', metrics, '--metrics', join(root, '.', 'same.json'));
    expectOneLine(twice.err, '--json', '--metrics', 'are the same file');
    const resumed = await cli('train', '--resume', run, '--json', checkpoint);
    expectOneLine(resumed.err, 'are the same file');
    expect(readFileSync(checkpoint)).toEqual(bytes);
  });

  it('gives a checkpoint directory to one writer: a second is refused naming the holder, its files untouched', async () => {
    const dir = join(root, 'locked');
    const lock = lockDirectory(dir);
    try {
      const fresh = await cli('train', ...tiny, '--checkpoint-dir', dir);
      expectOneLine(fresh.err, `${dir} is in use by another run (pid ${process.pid} on host`);
      for (const name of readdirSync(run)) copyFileSync(join(run, name), join(dir, name));
      const inFlight = join(dir, 'step-00000009.safetensors.4242.0badf00d.tmp');
      writeFileSync(inFlight, 'a writer is writing this');
      const resume = await cli('train', '--resume', dir, '--no-progress');
      expectOneLine(resume.err, 'is in use by another run');
      expect(readFileSync(inFlight, 'utf8')).toBe('a writer is writing this');
    } finally {
      lock.release();
    }
  });

  it('creates nothing when a resume finds no checkpoint', async () => {
    const none = join(root, 'no-such-run');
    const result = await cli('train', '--resume', none);
    expectOneLine(result.err, `${none} holds no checkpoint`);
    expect(existsSync(none)).toBe(false);
  });

  it('reports and takes over the lock of a run that was killed', async () => {
    const dir = join(root, 'stale');
    const gone = execFileSync(process.execPath, ['-p', 'process.pid'], { encoding: 'utf8' }).trim();
    mkdirSync(dir);
    const holder = {
      pid: Number(gone),
      host: hostname(),
      since: 'then',
      token: 'f'.repeat(32),
    };
    writeFileSync(join(dir, LOCK_FILE_NAME), JSON.stringify(holder));
    const result = await cli('train', ...tiny, '--checkpoint-dir', dir);
    expect(result.code).toBe(0);
    expectOneLine(result.err, `warning: removed a stale lock of ${dir}: pid ${gone}`);
    expect(readdirSync(dir)).not.toContain(LOCK_FILE_NAME);
  });

  it('refuses a checkpoint whose name and step disagree, pointing at the valid one', async () => {
    const dir = join(root, 'renamed');
    mkdirSync(dir);
    copyFileSync(join(run, 'step-00000006.safetensors'), join(dir, 'step-00000006.safetensors'));
    const liar = join(dir, 'step-99999999999999999999.safetensors');
    copyFileSync(join(run, 'step-00000003.safetensors'), liar);
    const result = await cli('train', '--resume', dir, '--no-progress');
    expectOneLine(
      result.err,
      `${liar} is named after step 99999999999999999999 but holds step 3`,
      `the newest valid one is ${join(dir, 'step-00000006.safetensors')}`,
    );
  });

  it('refuses absurd numbers by flag name, and escapes control characters of paths', async () => {
    const steps = await cli('train', ...tiny, '--steps', '1000000000000');
    expectOneLine(steps.err, '--steps 1000000000000: Too big: expected number to be <=10000000');
    const epochs = await cli('train', '--dataset', 'mnist', '--epochs', '100000', '--batch-size', '1');
    expectOneLine(
      epochs.err,
      '--epochs 100000 of 9001 steps (--batch-size 1) is 900100000 steps, above the 10000000',
    );
    const temperature = await cli('sample', '--model', model, '--prompt', 'a', '--temperature', '1e400');
    expectOneLine(temperature.err, '1e400 is too large: expected a finite number');
    const escaped = await cli('eval', '--model', join(root, 'x\u001b[2J\u202e.safetensors'));
    expectOneLine(escaped.err, 'x\\x1b[2J\\u{202e}.safetensors does not exist');
  });
});

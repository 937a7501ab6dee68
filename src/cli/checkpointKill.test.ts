/**
 * The real thing: `topkast train` as a child process (node dist/src/cli/main.js, compiled by tsc in beforeAll,
 * so the test runs what users run), killed with SIGKILL in the middle of training, resumed with --resume, must
 * end with a final checkpoint byte-identical to an uninterrupted run's, and the same summary (timing aside).
 * And while a run writes its checkpoint directory, a second run on it (fresh or --resume) is refused.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkpointFileName, listCheckpoints } from '../checkpoint/checkpointDir.js';
import { LOCK_FILE_NAME } from '../checkpoint/directoryLock.js';
import { type RunSummary, withoutTiming } from '../train/summary.js';

const main = join(process.cwd(), 'dist/src/cli/main.js');
const root = mkdtempSync(join(tmpdir(), 'topkast-kill-'));
const STEPS = 150;

beforeAll(() => {
  // Compile what the CLI runs; type errors elsewhere in a work tree do not stop tsc from emitting.
  try {
    execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], {
      stdio: 'pipe',
    });
  } catch {}
}, 60_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

function run(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  try {
    const stdout = execFileSync(process.execPath, [main, ...args], { encoding: 'utf8', stdio: 'pipe' });
    return { status: 0, stdout, stderr: '' };
  } catch (error) {
    const e = error as { status: number | null; stdout: string; stderr: string };
    return { status: e.status, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Starts the command and SIGKILLs it as soon as a checkpoint at or after `killAfter` steps exists. */
async function killMidRun(args: readonly string[], dir: string, killAfter: number): Promise<number> {
  const child: ChildProcess = spawn(process.execPath, [main, ...args], { stdio: 'ignore' });
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.on('exit', (_code, signal) => resolve(signal)),
  );
  let done = false;
  void exited.then(() => {
    done = true;
  });
  while (!done && !listCheckpoints(dir).some((entry) => entry.step >= killAfter)) {
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
  return listCheckpoints(dir)[0]?.step ?? 0;
}

async function checkKilledRunsResume(name: string, flags: readonly string[]) {
  const base = [
    'train',
    '--dataset',
    'mnist',
    '--hidden',
    '64',
    '--steps',
    String(STEPS),
    '--no-progress',
    ...flags,
  ];
  const full = join(root, `${name}-full`);
  const uninterrupted = run([
    ...base,
    '--checkpoint-dir',
    full,
    '--save-every',
    '10',
    '--json',
    `${full}.json`,
  ]);
  expect(uninterrupted.stderr).toBe('');
  expect(uninterrupted.status).toBe(0);
  const killed = join(root, `${name}-killed`);
  const reached = await killMidRun(
    [...base, '--checkpoint-dir', killed, '--save-every', '10', '--json', `${killed}.json`],
    killed,
    20,
  );
  expect(reached).toBeGreaterThanOrEqual(20);
  expect(reached).toBeLessThan(STEPS);
  // Killed again during the resumed run, then resumed to the end.
  const again = await killMidRun(['train', '--resume', killed, '--no-progress'], killed, reached + 30);
  expect(again).toBeLessThan(STEPS);
  const resumed = run(['train', '--resume', killed, '--no-progress', '--json', `${killed}.json`]);
  expect(resumed.status).toBe(0);
  expect(resumed.stdout).toContain(
    `resuming from ${join(killed, checkpointFileName(again))} at step ${again}`,
  );
  const final = checkpointFileName(STEPS);
  expect(Buffer.compare(readFileSync(join(killed, final)), readFileSync(join(full, final)))).toBe(0);
  const summary = (file: string) => withoutTiming(JSON.parse(readFileSync(file, 'utf8')) as RunSummary);
  expect(summary(`${killed}.json`)).toEqual(summary(`${full}.json`));
  expect(listCheckpoints(killed).map((entry) => entry.step)).toEqual([150, 140, 130]);
  return summary(`${full}.json`);
}

describe('SIGKILL mid-run, then --resume', () => {
  it('dense: the resumed run ends byte-identical to the uninterrupted one', async () => {
    const summary = await checkKilledRunsResume('dense', []);
    expect(summary.steps).toBe(STEPS);
    expect(summary.testAccuracy).toBeGreaterThan(0.8);
  }, 30_000);

  it('Top-KAST with refreshes every 7 steps: byte-identical after kills across refreshes', async () => {
    const summary = await checkKilledRunsResume('topkast', [
      '--method',
      'topkast',
      '--refresh-interval',
      '7',
      '--dense-layers',
      'none',
      '--optimizer',
      'adamw',
    ]);
    expect(summary.sparsity.layers.map((layer) => layer.forwardCount)).toEqual([5018, 64]);
  }, 30_000);

  it("a second writer on a live run's directory is refused, naming the run, and the run loses nothing", async () => {
    const dir = join(root, 'shared');
    const flags = ['train', '--dataset', 'mnist', '--hidden', '16', '--batch-size', '16', '--no-progress'];
    const live = spawn(
      process.execPath,
      [main, ...flags, '--steps', '15000', '--checkpoint-dir', dir, '--save-every', '500'],
      {
        stdio: 'ignore',
      },
    );
    const exited = new Promise<number | null>((resolve) => live.on('exit', (code) => resolve(code)));
    while (live.exitCode === null && listCheckpoints(dir).length === 0) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const fresh = run([...flags, '--steps', '10', '--checkpoint-dir', dir]);
    const resumed = run(['train', '--resume', dir, '--no-progress']);
    const stillRunning = live.exitCode === null;
    expect(await exited).toBe(0);
    expect(stillRunning).toBe(true);
    for (const refused of [fresh, resumed]) {
      expect(refused.status).toBe(1);
      expect(refused.stderr).toContain(`${dir} is in use by another run (pid ${live.pid} on host`);
      expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(listCheckpoints(dir).map((entry) => entry.step)).toEqual([15000, 14500, 14000]);
    expect(existsSync(join(dir, LOCK_FILE_NAME))).toBe(false);
  }, 60_000);
});

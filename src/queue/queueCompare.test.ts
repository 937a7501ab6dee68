/**
 * compare on a real queue: a real redis-server, `topkast worker` processes (node dist/src/cli/main.js, as
 * users run them), one of them SIGKILLed in the middle of a run. The collected results must equal a local
 * compare of the same grid (timing aside), the lost run resumed from its checkpoint by the other worker;
 * real failures (a config the schema refuses, a run that diverges) are failed once with their error and listed;
 * the sweep's keys are gone after collection.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listCheckpoints } from '../checkpoint/checkpointDir.js';
import { cli } from '../cli/testing.js';
import { type TrainingSummary, withoutTiming } from '../train/summary.js';
import { freePort, redisServer, startRedis, type TestRedis } from './localRedis.js';
import { KEY_PREFIX } from './sweep.js';

const main = join(process.cwd(), 'dist/src/cli/main.js');
const root = mkdtempSync(join(tmpdir(), 'topkast-queue-'));
const grid = [
  '--model',
  'mlp',
  '--hidden',
  '64,32',
  '--steps',
  '400',
  '--methods',
  'dense,topkast',
  '--sparsities',
  '0.8,0.9',
  '--no-progress',
];
let redis: TestRedis;
const workers: ChildProcess[] = [];

if (redisServer === undefined) {
  console.warn('skipping the queue tests: redis-server is not installed (apt-get install redis-server)');
}

describe.skipIf(redisServer === undefined)('compare on a queue (BullMQ on a real redis-server)', () => {
  beforeAll(async () => {
    // Compile what the workers run; type errors elsewhere in a work tree do not stop tsc from emitting.
    try {
      execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], {
        stdio: 'pipe',
      });
    } catch {}
    redis = await startRedis();
  }, 60_000);
  afterAll(async () => {
    for (const worker of workers) worker.kill('SIGKILL');
    await redis?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  /** A `topkast worker` process whose log (stderr) is collected in `log()`. */
  function startWorker(sweep: string, extra: readonly string[] = []) {
    const args = ['worker', '--queue', redis.url, '--sweep', sweep, '--lock-seconds', '1', ...extra];
    const child = spawn(process.execPath, [main, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    workers.push(child);
    let log = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      log += chunk.toString();
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      log += chunk.toString();
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_c, signal) => resolve(signal)),
    );
    return { child, log: () => log, exited };
  }

  async function until(condition: () => boolean, what: string, seconds = 30): Promise<void> {
    const deadline = Date.now() + seconds * 1000;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }

  it('survives a worker killed mid-run: the collected results equal a local compare', async () => {
    const local = join(root, 'local');
    // As users run it (a child process, the CLI's kernels), like the workers.
    execFileSync(process.execPath, [main, 'compare', ...grid, '--out', local], { stdio: 'pipe' });

    const queued = await cli('compare', ...grid, '--queue', redis.url, '--sweep', 'kill', '--detach');
    expect(queued.code).toBe(0);
    expect(queued.out).toContain('3 runs queued');
    const checkpoints = join(root, 'checkpoints');
    const flags = ['--checkpoint-root', checkpoints, '--save-every', '20'];
    const doomed = startWorker('kill', flags);
    const survivor = startWorker('kill', flags);
    // The doomed worker's first run: kill it once that run has saved a checkpoint at step 100 or later.
    await until(() => /\] taken\n/.test(doomed.log()), 'the first worker to take a run');
    const label = /\[kill \d+\/3 ([\w.-]+)\] taken/.exec(doomed.log())![1]!;
    const dir = join(checkpoints, 'kill', label);
    await until(() => listCheckpoints(dir).some((entry) => entry.step >= 100), `a checkpoint of ${label}`);
    doomed.child.kill('SIGKILL');
    expect(await doomed.exited).toBe('SIGKILL');
    expect(listCheckpoints(dir)[0]!.step).toBeLessThan(400);
    const collected = join(root, 'collected');
    const collect = await cli(
      'compare',
      '--collect',
      '--queue',
      redis.url,
      '--sweep',
      'kill',
      '--out',
      collected,
    );
    expect(collect.code, collect.err).toBe(0);
    expect(collect.err).toContain('sweep kill: 3/3 done, 0 running, 0 failed');
    expect(survivor.log()).toContain(`[kill`);
    expect(survivor.log()).toMatch(new RegExp(`${label}\\] taken again \\(its worker was lost\\)`));
    expect(survivor.log()).toMatch(new RegExp(`${label}\\] removed the lock of the lost worker's run`));
    expect(survivor.log()).toMatch(new RegExp(`${label}\\] .*; resuming from .*step-`));

    const read = (dir: string) => JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
    const want = read(local);
    const got = read(collected);
    const runs = (r: { runs: TrainingSummary[] }) => r.runs.map(withoutTiming);
    expect(runs(got)).toEqual(runs(want));
    const rows = (r: { rows: { stepMsMedian: number }[] }) =>
      r.rows.map(({ stepMsMedian: _, ...row }) => row);
    expect(rows(got)).toEqual(rows(want));
    expect(readdirSync(join(collected, 'runs')).sort()).toEqual(readdirSync(join(local, 'runs')).sort());

    const keys = new Redis(redis.port, '127.0.0.1');
    expect(await keys.keys(`${KEY_PREFIX}:kill:*`)).toEqual([]);
    await keys.quit();
    survivor.child.kill('SIGTERM');
    expect(await survivor.exited).toBe(null);
  }, 120_000);

  it('fails a run with a bad config or a diverging one once, with its error, and lists it', async () => {
    const runs = (
      await cli('compare', ...grid, '--methods', 'dense', '--queue', redis.url, '--sweep', 'bad', '--detach')
    ).code;
    expect(runs).toBe(0);
    // A queue is input: add a job whose config the schema refuses, and one that diverges.
    const queue = new Queue('bad', {
      prefix: KEY_PREFIX,
      connection: { host: '127.0.0.1', port: redis.port },
    });
    const good = (await queue.getJob('dense-seed0'))!.data;
    await queue.add(
      'x',
      { index: 1, total: 3, label: 'negative-lr', config: { ...good.config, lr: -1 } },
      { jobId: 'negative-lr' },
    );
    await queue.add(
      'y',
      { index: 2, total: 3, label: 'diverges', config: { ...good.config, lr: 1e9 } },
      { jobId: 'diverges' },
    );
    await queue.close();
    const worker = startWorker('bad');
    const out = join(root, 'bad');
    const collect = await cli('compare', '--collect', '--queue', redis.url, '--sweep', 'bad', '--out', out);
    worker.child.kill('SIGTERM');
    expect(collect.code).toBe(1);
    expect(collect.err).toMatch(/2 runs of sweep bad failed/);
    const markdown = readFileSync(join(out, 'results.md'), 'utf8');
    expect(markdown).toMatch(/- negative-lr: job negative-lr: its run config is not valid: config\.lr/);
    expect(markdown).toMatch(/- diverges: .*(finite|NaN)/i);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    expect(results.runs).toHaveLength(1);
    expect(results.failed.map((f: { label: string }) => f.label)).toEqual(['negative-lr', 'diverges']);
    // Each failed once: failures are not retried.
    expect(worker.log().match(/^negative-lr failed: /gm)).toHaveLength(1);
    expect(worker.log().match(/^diverges failed: /gm)).toHaveLength(1);
  }, 60_000);

  it('waits for Redis, saying so without its password, and works once it is up', async () => {
    const port = await freePort();
    const url = `redis://:hunter2@127.0.0.1:${port}`;
    let late: TestRedis | undefined;
    const starting = (async () => {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      late = await startRedis(port, 'hunter2');
    })();
    const collect = await cli(
      'compare',
      '--collect',
      '--queue',
      url,
      '--sweep',
      'empty',
      '--out',
      join(root, 'late'),
    );
    await starting;
    await late?.stop();
    expect(collect.err).toContain(
      `waiting for Redis at redis://127.0.0.1:${port}/0 (attempt 1): retrying in 0.5 s`,
    );
    expect(collect.err).toMatch(/error: sweep empty holds no runs: start it with topkast compare --queue/);
    expect(collect.code).toBe(1);
    expect(collect.err + collect.out).not.toContain('hunter2');
  }, 30_000);
});

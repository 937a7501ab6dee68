/**
 * compare on a real queue: a real redis-server, `topkast worker` processes (node dist/src/cli/main.js, as
 * users run them), one of them SIGKILLed in the middle of a run. The collected results must equal a local
 * compare of the same grid (timing aside), the lost run resumed from its checkpoint by the other worker, or
 * started again from step 0 without a checkpoint root; workers serve every sweep of their namespace and none
 * of another; real failures (a config the schema refuses, a run that diverges) are failed once with their
 * error and listed; the sweep's jobs and keys are gone after collection, other sweeps' untouched.
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
import { KEY_PREFIX, sweepKey } from './sweep.js';

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
  }, 300_000); // tsc takes minutes on a loaded machine
  afterAll(async () => {
    for (const worker of workers) worker.kill('SIGKILL');
    await redis?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  /** A `topkast worker` process of `namespace` whose log (stdout and stderr) is collected in `log()`. */
  function startWorker(namespace: string, extra: readonly string[] = [], url = redis.url) {
    const args = ['worker', '--queue', url, '--namespace', namespace, '--lock-seconds', '1', ...extra];
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

  /** The grid compared locally, as users run it (a child process, the CLI's kernels), like the workers. */
  let localRun: string | undefined;
  function localCompare(): string {
    if (localRun === undefined) {
      localRun = join(root, 'local');
      execFileSync(process.execPath, [main, 'compare', ...grid, '--out', localRun], { stdio: 'pipe' });
    }
    return localRun;
  }

  /** `topkast compare ARGS --queue <the test's redis> --namespace NAMESPACE --sweep SWEEP`, in-process. */
  function compareOnQueue(namespace: string, sweep: string, ...args: string[]) {
    return cli('compare', ...args, '--queue', redis.url, '--namespace', namespace, '--sweep', sweep);
  }

  /**
   * Collects `sweep` of `namespace` into a new directory (doing `meanwhile` while compare waits) and checks it
   * equals the local compare; returns what compare wrote to stderr.
   */
  async function collectEqualsLocal(
    namespace: string,
    sweep: string,
    meanwhile: () => Promise<void> = async () => {},
  ): Promise<string> {
    const collected = join(root, `collected-${namespace}`);
    const collecting = compareOnQueue(namespace, sweep, '--collect', '--out', collected);
    await meanwhile();
    const collect = await collecting;
    expect(collect.code, collect.err).toBe(0);
    expect(collect.err).toContain(`sweep ${sweep}: 3/3 done, 0 running, 0 failed`);
    const local = localCompare();
    const read = (dir: string) => JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
    const want = read(local);
    const got = read(collected);
    const runs = (r: { runs: TrainingSummary[] }) => r.runs.map(withoutTiming);
    expect(runs(got)).toEqual(runs(want));
    const rows = (r: { rows: { stepMsMedian: number }[] }) =>
      r.rows.map(({ stepMsMedian: _, ...row }) => row);
    expect(rows(got)).toEqual(rows(want));
    expect(readdirSync(join(collected, 'runs')).sort()).toEqual(readdirSync(join(local, 'runs')).sort());
    // The sweep's jobs and its list are gone.
    const keys = new Redis(redis.port, '127.0.0.1');
    expect(await keys.keys(`${KEY_PREFIX}:${namespace}:${sweep}/*`)).toEqual([]);
    expect(await keys.exists(sweepKey(namespace, sweep))).toBe(0);
    const events = await keys.xrange(`${KEY_PREFIX}:${namespace}:events`, '-', '+');
    expect(JSON.stringify(events)).not.toContain(`${sweep}/`);
    await keys.quit();
    return collect.err;
  }

  /** Queues the grid as `sweep` of `namespace` and returns at once. */
  async function queueGrid(namespace: string, sweep: string, extra: readonly string[] = grid) {
    const queued = await compareOnQueue(namespace, sweep, ...extra, '--detach');
    expect(queued.code, queued.err).toBe(0);
    return queued;
  }

  /** The label of the first run `worker` took, once it has taken one. */
  async function firstRunOf(worker: { log: () => string }, sweep: string): Promise<string> {
    const taken = new RegExp(`\\[${sweep} \\d+\\/3 ([\\w.-]+)\\] taken\\n`);
    await until(() => taken.test(worker.log()), 'the first worker to take a run');
    return taken.exec(worker.log())![1]!;
  }

  it('survives a worker killed mid-run: resumed from its checkpoint, results equal a local compare', async () => {
    localCompare();
    const queued = await queueGrid('k', 'kill');
    expect(queued.out).toContain('3 runs queued');
    const checkpoints = join(root, 'checkpoints');
    const flags = ['--checkpoint-root', checkpoints, '--save-every', '20'];
    const doomed = startWorker('k', flags);
    const survivor = startWorker('k', flags);
    // The doomed worker's first run: kill it once that run has saved a checkpoint at step 100 or later.
    const label = await firstRunOf(doomed, 'kill');
    const dir = join(checkpoints, 'k', 'kill', label);
    await until(() => listCheckpoints(dir).some((entry) => entry.step >= 100), `a checkpoint of ${label}`);
    doomed.child.kill('SIGKILL');
    expect(await doomed.exited).toBe('SIGKILL');
    expect(listCheckpoints(dir)[0]!.step).toBeLessThan(400);
    await collectEqualsLocal('k', 'kill');
    expect(survivor.log()).toMatch(new RegExp(`${label}\\] taken again \\(its worker was lost\\)`));
    expect(survivor.log()).toMatch(new RegExp(`${label}\\] removed the lock of the lost worker's run`));
    expect(survivor.log()).toMatch(new RegExp(`${label}\\] .*; resuming from .*step-`));
    survivor.child.kill('SIGTERM');
    expect(await survivor.exited).toBe(null);
  }, 120_000);

  it('survives a worker killed mid-run without a checkpoint root: started again from step 0, same results', async () => {
    localCompare();
    await queueGrid('r', 'restart');
    const doomed = startWorker('r');
    const survivor = startWorker('r');
    // Kill the doomed worker once its first run has reported step 94 (of 400) or later.
    const label = await firstRunOf(doomed, 'restart');
    const progress = new RegExp(`${label}\\] step (\\d+)\\/400`, 'g');
    const reached = () => Math.max(0, ...[...doomed.log().matchAll(progress)].map((m) => Number(m[1])));
    await until(() => reached() >= 94, `step 94 of ${label}`);
    doomed.child.kill('SIGKILL');
    expect(await doomed.exited).toBe('SIGKILL');
    expect(reached()).toBeLessThan(400);
    expect(doomed.log()).not.toMatch(new RegExp(`^restart/${label}: `, 'm'));
    await collectEqualsLocal('r', 'restart');
    const again = survivor.log().split(`${label}] taken again (its worker was lost)`);
    expect(again).toHaveLength(2);
    // From step 0: no checkpoint to resume, the whole run's progress again.
    expect(again[1]).not.toContain('resuming');
    expect(again[1]).toMatch(new RegExp(`${label}\\] step 47\\/400`));
    survivor.child.kill('SIGTERM');
    expect(await survivor.exited).toBe(null);
  }, 120_000);

  it('serves every sweep of its namespace and none of another; collecting one leaves the others', async () => {
    const short = [...grid.filter((_, i) => i < 4), '--steps', '30', '--methods', 'dense', '--no-progress'];
    await queueGrid('shared', 'first', short);
    await queueGrid('shared', 'second', short);
    await queueGrid('elsewhere', 'third', short);
    const worker = startWorker('shared');
    const first = await compareOnQueue('shared', 'first', '--collect', '--out', join(root, 'first'));
    expect(first.code, first.err).toBe(0);
    expect(first.err).toContain('sweep first: 1/1 done');
    const keys = new Redis(redis.port, '127.0.0.1');
    await until(() => /second\/dense-seed0: test accuracy/.test(worker.log()), 'the second sweep');
    expect(await keys.exists(sweepKey('shared', 'second'))).toBe(1);
    const third = new Queue('elsewhere', {
      prefix: KEY_PREFIX,
      connection: { host: '127.0.0.1', port: redis.port },
    });
    expect(await third.getJobState('third/dense-seed0')).toBe('waiting');
    await third.close();
    await keys.quit();
    worker.child.kill('SIGTERM');
    expect(worker.log()).toContain('working on the sweeps of namespace shared');
    expect(worker.log()).not.toContain('third');
  }, 60_000);

  it('keeps a sweep while Redis goes away mid-run and comes back: workers and compare wait, say so, finish', async () => {
    localCompare();
    await queueGrid('a', 'away');
    const flags = ['--lock-seconds', '30'];
    const workers = [startWorker('a', flags), startWorker('a', flags)];
    const err = await collectEqualsLocal('a', 'away', async () => {
      await until(() => workers.some((w) => /\] step 47\/400/.test(w.log())), 'a run under way');
      await redis.bounce(3000);
    });
    const waiting = new RegExp(`waiting for Redis at redis://127.0.0.1:${redis.port}/0 \\(attempt \\d+\\)`);
    expect(err).toMatch(waiting);
    for (const worker of workers) {
      expect(worker.log()).toMatch(waiting);
      expect(worker.log()).not.toContain('taken again');
      worker.child.kill('SIGTERM');
    }
  }, 120_000);

  it('fails a run with a bad config or a diverging one once, with its error, and lists it', async () => {
    await queueGrid('b', 'bad', [...grid, '--methods', 'dense']);
    // A queue is input: add a job whose config the schema refuses, and one that diverges.
    const queue = new Queue('b', {
      prefix: KEY_PREFIX,
      connection: { host: '127.0.0.1', port: redis.port },
    });
    const good = (await queue.getJob('bad/dense-seed0'))!.data;
    await queue.add(
      'x',
      { sweep: 'bad', index: 1, total: 3, label: 'negative-lr', config: { ...good.config, lr: -1 } },
      { jobId: 'bad/negative-lr' },
    );
    await queue.add(
      'y',
      { sweep: 'bad', index: 2, total: 3, label: 'diverges', config: { ...good.config, lr: 1e9 } },
      { jobId: 'bad/diverges' },
    );
    const labels = JSON.stringify(['dense-seed0', 'negative-lr', 'diverges']);
    await (await queue.client).set(sweepKey('b', 'bad'), labels);
    await queue.close();
    const worker = startWorker('b');
    const out = join(root, 'bad');
    const collect = await compareOnQueue('b', 'bad', '--collect', '--out', out);
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
    expect(worker.log().match(/^bad\/negative-lr failed: /gm)).toHaveLength(1);
    expect(worker.log().match(/^bad\/diverges failed: /gm)).toHaveLength(1);
  }, 60_000);

  it('waits for Redis, saying so without its password, and works once it is up', async () => {
    const port = await freePort();
    const url = `redis://:hunter2@127.0.0.1:${port}`;
    const worker = startWorker('late', [], url);
    let late: TestRedis | undefined;
    const starting = (async () => {
      // Up once both have tried and are waiting (a loaded machine can take seconds to start the worker).
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await until(() => worker.log().includes('waiting for Redis'), 'the worker to wait for Redis');
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
    await until(() => worker.log().includes('working on the sweeps'), 'the worker to connect');
    worker.child.kill('SIGTERM');
    await worker.exited;
    await late?.stop();
    expect(worker.log()).toContain(
      `worker: waiting for Redis at redis://127.0.0.1:${port}/0 (attempt 1): retrying in 0.5 s`,
    );
    expect(worker.log()).not.toContain('hunter2');
    expect(collect.err).toContain(
      `waiting for Redis at redis://127.0.0.1:${port}/0 (attempt 1): retrying in 0.5 s`,
    );
    expect(collect.err).toMatch(/error: sweep empty holds no runs: start it with topkast compare --queue/);
    expect(collect.code).toBe(1);
    expect(collect.err + collect.out).not.toContain('hunter2');
  }, 30_000);
});

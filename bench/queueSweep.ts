/**
 * A 12-run compare on two `topkast worker`s (one thread each, a throwaway local redis-server) against the
 * same grid as one local sequential `topkast compare`, each as the CLI runs (child processes), wall-clock
 * from the command's start to its results; interleaved (local, queued, local, queued, …), minimum of each.
 * Target (issue #18): queued ≤ 0.55× local on a quiet 2-core machine.
 *
 * Beside them, the bound no queue can beat on this machine: the grid split in two local compares (one seed
 * each) running at once, no Redis; queued / split is what the queue itself costs.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRedis } from '../src/queue/localRedis.js';

const main = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
/** 2 seeds × 2 methods × 3 sparsities = 12 runs. */
export const QUEUE_GRID = [
  '--hidden',
  '512,512',
  '--steps',
  '400',
  '--methods',
  'static,topkast',
  '--sparsities',
  '0.8,0.9,0.95',
  '--seeds',
  '2',
  '--no-progress',
];

export interface QueueSweepResult {
  readonly runs: number;
  readonly workers: number;
  readonly localSeconds: number;
  readonly queuedSeconds: number;
  readonly ratio: number;
  /** The grid as two local compares of one seed each, at once. */
  readonly splitSeconds: number;
  readonly splitRatio: number;
}

/** The grid, with its --seeds replaced by `seeds` from `firstSeed`. */
function gridOfSeeds(seeds: number, firstSeed: number): string[] {
  const at = QUEUE_GRID.indexOf('--seeds');
  const grid = [...QUEUE_GRID];
  grid.splice(at, 2, '--seeds', String(seeds), '--first-seed', String(firstSeed));
  return grid;
}

/** `topkast ARGS` on one thread; resolves once it exited successfully. */
function topkast(args: readonly string[]): Promise<void> {
  const child = spawn(process.execPath, [main, ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, TOPKAST_THREADS: '1' },
  });
  let err = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    err = (err + chunk.toString()).slice(-300);
  });
  return new Promise((resolve, reject) =>
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`topkast ${args[0]} failed: ${err}`)),
    ),
  );
}

/** Seconds until every command has finished, all started at once. */
async function timed(...commands: (readonly string[])[]): Promise<number> {
  const started = performance.now();
  await Promise.all(commands.map(topkast));
  return (performance.now() - started) / 1000;
}

export async function benchQueueSweep(repeats = 2, workers = 2): Promise<QueueSweepResult> {
  const root = mkdtempSync(join(tmpdir(), 'topkast-bench-queue-'));
  const redis = await startRedis();
  const local: number[] = [];
  const queued: number[] = [];
  const split: number[] = [];
  try {
    for (let r = 0; r < repeats; r++) {
      local.push(await timed(['compare', ...QUEUE_GRID, '--out', join(root, `local-${r}`)]));
      const sweep = `bench-${r}`;
      const children: ChildProcess[] = [];
      for (let w = 0; w < workers; w++) {
        const args = ['worker', '--queue', redis.url, '--threads', '1'];
        children.push(spawn(process.execPath, [main, ...args], { stdio: 'ignore' }));
      }
      try {
        const args = ['compare', ...QUEUE_GRID, '--queue', redis.url, '--sweep', sweep];
        queued.push(await timed([...args, '--out', join(root, `queued-${r}`)]));
      } finally {
        for (const child of children) child.kill('SIGKILL');
      }
      const halves = [0, 1].map((seed) => [
        'compare',
        ...gridOfSeeds(1, seed),
        '--out',
        join(root, `split-${r}-${seed}`),
      ]);
      split.push(await timed(...halves));
    }
  } finally {
    await redis.stop();
    rmSync(root, { recursive: true, force: true });
  }
  const localSeconds = Math.min(...local);
  const queuedSeconds = Math.min(...queued);
  const splitSeconds = Math.min(...split);
  return {
    runs: 12,
    workers,
    localSeconds,
    queuedSeconds,
    ratio: queuedSeconds / localSeconds,
    splitSeconds,
    splitRatio: splitSeconds / localSeconds,
  };
}

import { fileURLToPath } from 'node:url';
import { Worker } from 'bullmq';
import { Command } from 'commander';
import { parseRedisUrl } from '../queue/redisUrl.js';
import type { ProcessorSettings } from '../queue/runJobProcessor.js';
import { serveDatasets } from '../queue/sharedDatasets.js';
import { checkName, DEFAULT_NAMESPACE, jobPlace, queueConnection, type RunJob } from '../queue/sweep.js';
import { describeResult } from '../run/runTraining.js';
import { outputDirectory } from '../util/files.js';
import { escapeControl } from '../util/safeText.js';
import { DEFAULT_SAVE_EVERY } from './checkpointFlags.js';
import type { CliIo } from './io.js';
import { parsePositiveInteger } from './parsers.js';

interface WorkerFlags {
  readonly queue: string;
  readonly namespace: string;
  readonly concurrency: number;
  readonly threads: number;
  readonly checkpointRoot?: string;
  readonly saveEvery: number;
  readonly lockSeconds: number;
}

/** How many times a run may lose its worker before it is failed (BullMQ's maxStalledCount). */
const MAX_LOST_WORKERS = 3;

/**
 * `topkast worker`: takes the runs of every sweep of its namespace (`topkast compare --queue …
 * [--namespace NS] --sweep NAME`) from the queue, in the order they were queued, and trains them,
 * `--concurrency` at a time, each in its own thread (BullMQ's sandboxed processor, so this process keeps
 * renewing the jobs' locks) with `--threads` kernel threads, on one shared copy of each image dataset. A
 * run's summary is its job's result; a run that throws is failed with its one-line error. A worker that dies
 * (SIGKILL, machine lost) stops renewing its locks; after --lock-seconds another worker takes the run again,
 * from its newest checkpoint under a shared --checkpoint-root. Runs until SIGINT or SIGTERM, which let the
 * current runs end.
 */
export function workerCommand(io: CliIo): Command {
  return new Command('worker')
    .description('train the runs of the sweeps queued by `topkast compare --queue` (BullMQ on Redis)')
    .requiredOption('--queue <url>', 'Redis: redis://[user:password@]HOST[:PORT][/DB], rediss:// for TLS')
    .option(
      '--namespace <name>',
      'the queue to serve: runs of every sweep queued with compare --namespace NAME',
      DEFAULT_NAMESPACE,
    )
    .option('--concurrency <n>', 'runs at a time', parsePositiveInteger, 1)
    .option('--threads <n>', 'kernel threads per run (TOPKAST_THREADS)', parsePositiveInteger, 1)
    .option(
      '--checkpoint-root <dir>',
      'shared directory: runs save checkpoints in DIR/<namespace>/<sweep>/<run> and a retried run resumes there',
    )
    .option(
      '--save-every <n>',
      'steps between checkpoints (with --checkpoint-root)',
      parsePositiveInteger,
      DEFAULT_SAVE_EVERY,
    )
    .option(
      '--lock-seconds <n>',
      'seconds after which a run of a lost worker is taken again',
      parsePositiveInteger,
      30,
    )
    .action(async (flags: WorkerFlags) => {
      const address = parseRedisUrl(flags.queue);
      const namespace = checkName(flags.namespace, '--namespace');
      if (flags.checkpointRoot !== undefined) outputDirectory(flags.checkpointRoot, '--checkpoint-root');
      const say = (line: string) => io.err(`worker: ${line}\n`);
      const settings: ProcessorSettings = {
        checkpointRoot: flags.checkpointRoot,
        saveEvery: flags.saveEvery,
      };
      const processor = fileURLToPath(new URL('../queue/runJobProcessor.js', import.meta.url));
      const stopServing = serveDatasets();
      const worker = new Worker(namespace, processor, {
        ...queueConnection(address, say),
        concurrency: flags.concurrency,
        useWorkerThreads: true,
        workerThreadsOptions: {
          workerData: settings,
          env: { ...process.env, TOPKAST_THREADS: String(flags.threads) },
        },
        lockDuration: flags.lockSeconds * 1000,
        stalledInterval: flags.lockSeconds * 1000,
        maxStalledCount: MAX_LOST_WORKERS,
      });
      worker.on('error', () => {}); // connection errors are reported by the retry strategy
      worker.on('progress', (job: RunJob, progress) => io.err(`${runTag(job)} ${lineOf(progress)}\n`));
      worker.on('completed', (job: RunJob, summary) => io.out(`${job.id}: ${describeResult(summary)}\n`));
      worker.on('failed', (job: RunJob | undefined, error) =>
        io.out(`${job?.id ?? 'a job'} failed: ${escapeControl(error.message)}\n`),
      );
      const stopped = new Promise<void>((resolve) => {
        const stop = () => {
          say('stopping: letting the current runs end');
          void worker.close().then(() => {
            stopServing();
            resolve();
          });
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await worker.waitUntilReady();
      say(
        `working on the sweeps of namespace ${namespace} at ${address.shown} (${flags.concurrency} at a time, ${flags.threads} thread${flags.threads === 1 ? '' : 's'} each)`,
      );
      await stopped;
    });
}

/** `[table1 3/12 topkast-0.9-seed0]`: which run a line of the log is about (the job's id if it is not a run). */
function runTag(job: RunJob): string {
  try {
    const place = jobPlace(job.data, job.id ?? job.name);
    return `[${place.sweep} ${place.index + 1}/${place.total} ${place.label}]`;
  } catch {
    return `[${escapeControl(job.id ?? job.name)}]`;
  }
}

/** The line a run reported as its progress (runJobProcessor.ts). */
function lineOf(progress: unknown): string {
  const line = (progress as { line?: unknown } | null)?.line;
  return escapeControl(typeof line === 'string' ? line : JSON.stringify(progress));
}

import { fileURLToPath } from 'node:url';
import { Worker } from 'bullmq';
import { Command } from 'commander';
import { parseRedisUrl } from '../queue/redisUrl.js';
import type { ProcessorSettings } from '../queue/runJobProcessor.js';
import { checkSweepName, queueConnection, type RunJob } from '../queue/sweep.js';
import { describeResult } from '../run/runTraining.js';
import { outputDirectory } from '../util/files.js';
import { escapeControl } from '../util/safeText.js';
import { DEFAULT_SAVE_EVERY } from './checkpointFlags.js';
import type { CliIo } from './io.js';
import { parsePositiveInteger } from './parsers.js';

interface WorkerFlags {
  readonly queue: string;
  readonly sweep: string;
  readonly concurrency: number;
  readonly threads: number;
  readonly checkpointRoot?: string;
  readonly saveEvery: number;
  readonly lockSeconds: number;
}

/** How many times a run may lose its worker before it is failed (BullMQ's maxStalledCount). */
const MAX_LOST_WORKERS = 3;

/**
 * `topkast worker`: takes the runs of a sweep (`topkast compare --queue … --sweep NAME`) from the queue and
 * trains them, `--concurrency` at a time, each in its own thread (BullMQ's sandboxed processor, so this
 * process keeps renewing the jobs' locks) with `--threads` kernel threads. A run's summary is its job's
 * result; a run that throws is failed with its one-line error. A worker that dies (SIGKILL, machine lost)
 * stops renewing its locks; after --lock-seconds another worker takes the run again, from its newest
 * checkpoint under a shared --checkpoint-root. Runs until SIGINT or SIGTERM, which let the current runs end.
 */
export function workerCommand(io: CliIo): Command {
  return new Command('worker')
    .description('train the runs of a sweep queued by `topkast compare --queue` (BullMQ on Redis)')
    .requiredOption('--queue <url>', 'Redis: redis://[user:password@]HOST[:PORT][/DB], rediss:// for TLS')
    .requiredOption('--sweep <name>', 'the sweep to work on (compare --sweep)')
    .option('--concurrency <n>', 'runs at a time', parsePositiveInteger, 1)
    .option('--threads <n>', 'kernel threads per run (TOPKAST_THREADS)', parsePositiveInteger, 1)
    .option(
      '--checkpoint-root <dir>',
      'shared directory: runs save checkpoints in DIR/<sweep>/<run> and a retried run resumes there',
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
      const sweep = checkSweepName(flags.sweep);
      if (flags.checkpointRoot !== undefined) outputDirectory(flags.checkpointRoot, '--checkpoint-root');
      const say = (line: string) => io.err(`worker: ${line}\n`);
      const settings: ProcessorSettings = {
        checkpointRoot: flags.checkpointRoot,
        saveEvery: flags.saveEvery,
      };
      const processor = fileURLToPath(new URL('../queue/runJobProcessor.js', import.meta.url));
      const worker = new Worker(sweep, processor, {
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
      worker.on('completed', (job: RunJob, summary) => io.out(`${job.id}: ${describeResult(summary)}\n`));
      worker.on('failed', (job: RunJob | undefined, error) =>
        io.out(`${job?.id ?? 'a job'} failed: ${escapeControl(error.message)}\n`),
      );
      say(
        `working on sweep ${sweep} at ${address.shown} (${flags.concurrency} at a time, ${flags.threads} thread${flags.threads === 1 ? '' : 's'} each)`,
      );
      await new Promise<void>((resolve) => {
        const stop = () => {
          say('stopping: letting the current runs end');
          void worker.close().then(resolve);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}

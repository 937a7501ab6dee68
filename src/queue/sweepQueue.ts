/**
 * The compare side of a sweep: put the grid on the queue, follow it (runs done, running, failed, waiting,
 * ETA), and gather the finished jobs into the same runs/*.json, results.json and results.md a local compare
 * writes; the sweep's keys are removed from Redis once its results are written.
 */
import { join } from 'node:path';
import { type JobType, Queue } from 'bullmq';
import { type FailedRun, writeResults } from '../compare/writeResults.js';
import { asTrainingSummary } from '../report/summaryShape.js';
import type { TrainConfig } from '../run/trainConfig.js';
import { type TrainingSummary, writeSummary } from '../train/summary.js';
import { makeDirectory } from '../util/files.js';
import type { RedisAddress } from './redisUrl.js';
import { jobPlace, queueConnection, type RunJob, type RunJobData } from './sweep.js';

const everyState: JobType[] = [
  'active',
  'waiting',
  'delayed',
  'prioritized',
  'paused',
  'completed',
  'failed',
];

/** A sweep's queue; `report` receives a line each time Redis is away and retried. */
export function openSweep(address: RedisAddress, sweep: string, report: (line: string) => void): Queue {
  const queue = new Queue<RunJobData, TrainingSummary>(sweep, queueConnection(address, report));
  queue.on('error', () => {}); // reported by the connection's retry strategy; commands wait for Redis
  return queue;
}

/**
 * Adds one job per run (job id = the run's label, one attempt: a run that fails has a real reason; a run
 * whose worker is lost is not an attempt, BullMQ's stalled-job check gives it to another worker). Refuses a
 * sweep name that already holds jobs.
 */
export async function enqueueSweep(
  queue: Queue,
  runs: readonly { label: string; config: TrainConfig }[],
): Promise<void> {
  const held = await countJobs(queue);
  if (held > 0) {
    throw new Error(
      `sweep ${queue.name} already holds ${held} run${held === 1 ? '' : 's'}: collect it with --collect, or choose another --sweep name`,
    );
  }
  await queue.addBulk(
    runs.map(({ label, config }, index) => ({
      name: label,
      data: { index, total: runs.length, label, config } satisfies RunJobData,
      opts: { jobId: label, attempts: 1, removeOnComplete: false, removeOnFail: false },
    })),
  );
}

/**
 * Waits until every run of the sweep has finished (completed or failed), reporting the counts and an ETA when
 * they change; polls every `pollMs`.
 */
export async function awaitSweep(queue: Queue, report: (line: string) => void, pollMs = 1000): Promise<void> {
  const started = Date.now();
  let total = 0;
  let last = '';
  for (;;) {
    const counts = await queue.getJobCounts(...everyState);
    total = everyState.reduce((sum, state) => sum + (counts[state] ?? 0), 0);
    if (total === 0) {
      throw new Error(
        `sweep ${queue.name} holds no runs: start it with topkast compare --queue … --sweep ${queue.name}`,
      );
    }
    const done = counts.completed ?? 0;
    const failed = counts.failed ?? 0;
    const finished = done + failed;
    const elapsed = (Date.now() - started) / 1000;
    const eta =
      finished > 0 && finished < total
        ? `, ETA ${formatSeconds((elapsed / finished) * (total - finished))}`
        : '';
    const line = `sweep ${queue.name}: ${done}/${total} done, ${counts.active ?? 0} running, ${failed} failed, ${total - finished - (counts.active ?? 0)} waiting`;
    if (line !== last) report(line + eta);
    last = line;
    if (finished === total) return;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/**
 * Writes the finished sweep into `out` as a local compare would (runs/<label>.json, results.json, results.md,
 * failed runs listed with their errors), in the grid's order, then removes the sweep from Redis. Returns the
 * table and the failed runs.
 */
export async function collectSweep(
  queue: Queue,
  out: string,
): Promise<{ markdown: string; failed: FailedRun[] }> {
  const byIndex = async (state: 'completed' | 'failed') =>
    ((await queue.getJobs([state])) as RunJob[])
      .map((job) => ({ job, data: jobPlace(job.data, job.id ?? job.name) }))
      .sort((a, b) => a.data.index - b.data.index);
  makeDirectory(join(out, 'runs'));
  const summaries: TrainingSummary[] = [];
  for (const { job, data } of await byIndex('completed')) {
    const summary = asTrainingSummary(job.returnvalue, `the result of job ${data.label}`);
    writeSummary(join(out, 'runs', `${data.label}.json`), summary);
    summaries.push(summary);
  }
  const failed = (await byIndex('failed')).map(({ job, data }) => ({
    label: data.label,
    error: job.failedReason || 'failed without a reason',
  }));
  const markdown = writeResults(out, summaries, failed);
  await queue.obliterate({ force: true });
  return { markdown, failed };
}

async function countJobs(queue: Queue): Promise<number> {
  const counts = await queue.getJobCounts(...everyState);
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}

function formatSeconds(seconds: number): string {
  const s = Math.round(seconds);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

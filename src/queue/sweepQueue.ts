/**
 * The compare side of a sweep: put the grid on its namespace's queue, follow it (runs done, running, failed,
 * waiting, ETA), and gather the finished jobs into the same runs/*.json, results.json and results.md a local
 * compare writes; the sweep's jobs and keys are removed from Redis once its results are written, other sweeps
 * of the namespace untouched.
 */
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { z } from 'zod';
import { type FailedRun, writeResults } from '../compare/writeResults.js';
import { asTrainingSummary } from '../report/summaryShape.js';
import type { TrainConfig } from '../run/trainConfig.js';
import { type TrainingSummary, writeSummary } from '../train/summary.js';
import { makeDirectory } from '../util/files.js';
import type { RedisAddress } from './redisUrl.js';
import {
  jobPlace,
  labelPattern,
  queueConnection,
  type RunJob,
  type RunJobData,
  runJobId,
  sweepKey,
} from './sweep.js';

/** A sweep of a namespace: the namespace's queue and the sweep's name. */
export interface Sweep {
  readonly queue: Queue<RunJobData, TrainingSummary>;
  readonly name: string;
}

/** A sweep's handle; `report` receives a line each time Redis is away and retried. */
export function openSweep(
  address: RedisAddress,
  namespace: string,
  name: string,
  report: (line: string) => void,
): Sweep {
  const queue = new Queue<RunJobData, TrainingSummary>(namespace, queueConnection(address, report));
  queue.on('error', () => {}); // reported by the connection's retry strategy; commands wait for Redis
  return { queue, name };
}

/**
 * Adds one job per run (job id `<sweep>/<label>`, one attempt: a run that fails has a real reason; a run whose
 * worker is lost is not an attempt, BullMQ's stalled-job check gives it to another worker) and records the
 * sweep's labels. Refuses a sweep name that already holds runs.
 */
export async function enqueueSweep(
  { queue, name }: Sweep,
  runs: readonly { label: string; config: TrainConfig }[],
): Promise<void> {
  const held = (await sweepLabels(queue, name)).length;
  if (held > 0) {
    throw new Error(
      `sweep ${name} already holds ${held} run${held === 1 ? '' : 's'}: collect it with --collect, or choose another --sweep name`,
    );
  }
  await queue.addBulk(
    runs.map(({ label, config }, index) => ({
      name: label,
      data: { sweep: name, index, total: runs.length, label, config } satisfies RunJobData,
      opts: { jobId: runJobId(name, label), attempts: 1, removeOnComplete: false, removeOnFail: false },
    })),
  );
  await (await queue.client).set(sweepKey(queue.name, name), JSON.stringify(runs.map((run) => run.label)));
}

const labelsSchema = z.array(z.string().regex(labelPattern));

/** The labels of a sweep's runs in grid order, as enqueueSweep recorded them; [] for a sweep not queued. */
async function sweepLabels(queue: Queue, name: string): Promise<string[]> {
  const key = sweepKey(queue.name, name);
  const text = await (await queue.client).get(key);
  if (text === null) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {}
  const labels = labelsSchema.safeParse(parsed);
  if (!labels.success) {
    throw new Error(`Redis key ${key} is not a sweep's list of runs: remove it, or use another --sweep name`);
  }
  return labels.data;
}

/** Each run's state (BullMQ's: completed, failed, active, waiting, …), in grid order. */
async function runStates({ queue, name }: Sweep): Promise<string[]> {
  const labels = await sweepLabels(queue, name);
  if (labels.length === 0) {
    throw new Error(`sweep ${name} holds no runs: start it with topkast compare --queue … --sweep ${name}`);
  }
  return Promise.all(labels.map((label) => queue.getJobState(runJobId(name, label))));
}

/**
 * Waits until every run of the sweep has finished (completed or failed), reporting the counts and an ETA when
 * they change; polls every `pollMs`.
 */
export async function awaitSweep(sweep: Sweep, report: (line: string) => void, pollMs = 250): Promise<void> {
  const started = Date.now();
  let last = '';
  for (;;) {
    const states = await runStates(sweep);
    const count = (state: string) => states.filter((s) => s === state).length;
    const total = states.length;
    const done = count('completed');
    const failed = count('failed');
    const running = count('active');
    const finished = done + failed;
    const elapsed = (Date.now() - started) / 1000;
    const eta =
      finished > 0 && finished < total
        ? `, ETA ${formatSeconds((elapsed / finished) * (total - finished))}`
        : '';
    const line = `sweep ${sweep.name}: ${done}/${total} done, ${running} running, ${failed} failed, ${total - finished - running} waiting`;
    if (line !== last) report(line + eta);
    last = line;
    if (finished === total) return;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/**
 * Writes the finished sweep into `out` as a local compare would (runs/<label>.json, results.json, results.md,
 * failed runs listed with their errors), in the grid's order, then removes the sweep's jobs and keys from
 * Redis, and the namespace's event log, so no copy of its results stays there. Returns the table and the
 * failed runs.
 */
export async function collectSweep(
  sweep: Sweep,
  out: string,
): Promise<{ markdown: string; failed: FailedRun[] }> {
  const { queue, name } = sweep;
  const labels = await sweepLabels(queue, name);
  const jobs: RunJob[] = [];
  for (const label of labels) {
    const job = (await queue.getJob(runJobId(name, label))) as RunJob | undefined;
    if (job === undefined) throw new Error(`run ${label} of sweep ${name} is missing from the queue`);
    jobs.push(job);
  }
  const placed = jobs
    .map((job) => ({ job, data: jobPlace(job.data, job.id ?? job.name) }))
    .sort((a, b) => a.data.index - b.data.index);
  makeDirectory(join(out, 'runs'));
  const summaries: TrainingSummary[] = [];
  const failed: FailedRun[] = [];
  for (const { job, data } of placed) {
    if (await job.isFailed()) {
      failed.push({ label: data.label, error: job.failedReason || 'failed without a reason' });
      continue;
    }
    const summary = asTrainingSummary(job.returnvalue, `the result of job ${data.label}`);
    writeSummary(join(out, 'runs', `${data.label}.json`), summary);
    summaries.push(summary);
  }
  const markdown = writeResults(out, summaries, failed);
  for (const job of jobs) await job.remove();
  await (await queue.client).del(sweepKey(queue.name, name));
  // BullMQ's event log (for QueueEvents listeners, which topkast has none of) holds each run's summary.
  await queue.trimEvents(0);
  return { markdown, failed };
}

function formatSeconds(seconds: number): string {
  const s = Math.round(seconds);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

/**
 * BullMQ's sandboxed processor of a sweep's jobs (run in a worker thread of `topkast worker`, so the worker's
 * own event loop keeps renewing the job's lock while training runs synchronously here). The settings come
 * from the worker through workerData; the job's data is checked before anything runs.
 */
import { workerData } from 'node:worker_threads';
import type { SandboxedJob } from 'bullmq';
import { enableRelaxedSimd } from '../kernels/relaxedSimd.js';
import type { TrainingSummary } from '../train/summary.js';
import { escapeControl } from '../util/safeText.js';
import { runJob } from './runJob.js';
import { checkJobData } from './sweep.js';

/** What `topkast worker` hands its processor threads. */
export interface ProcessorSettings {
  readonly checkpointRoot?: string;
  readonly saveEvery: number;
}

enableRelaxedSimd();

export default async function processRunJob(job: SandboxedJob): Promise<TrainingSummary> {
  const settings = workerData as ProcessorSettings;
  const data = checkJobData(job.data, job.id ?? job.name);
  const tag = `[${job.queueName} ${data.index + 1}/${data.total} ${data.label}]`;
  // Each line goes to the worker's log and is the job's progress on the queue.
  const log = (line: string) => {
    process.stderr.write(`${tag} ${escapeControl(line)}\n`);
    void job.updateProgress({ line });
  };
  const lostWorker = job.attemptsStarted > 1 || job.stalledCounter > 0;
  log(lostWorker ? 'taken again (its worker was lost)' : 'taken');
  return runJob(data, { sweep: job.queueName, ...settings, lostWorker, log });
}

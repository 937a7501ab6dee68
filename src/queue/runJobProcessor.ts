/**
 * BullMQ's sandboxed processor of a namespace's jobs (run in a worker thread of `topkast worker`, so the
 * worker's own event loop keeps renewing the job's lock while training runs synchronously here; the thread is
 * kept for the next job). The settings come from the worker through workerData; the job's data is checked
 * before anything runs; an image run trains on the worker's shared copy of its dataset (sharedDatasets.ts).
 */
import { workerData } from 'node:worker_threads';
import type { SandboxedJob } from 'bullmq';
import { isDatasetName } from '../data/registry.js';
import { enableRelaxedSimd } from '../kernels/relaxedSimd.js';
import type { TrainingSummary } from '../train/summary.js';
import { runJob } from './runJob.js';
import { sharedDataset } from './sharedDatasets.js';
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
  // Each line is the job's progress on the queue, which the worker prints as it comes (runJobLine): this
  // thread's own stderr would only flush once the run ends and the thread is idle again.
  const log = (line: string) => void job.updateProgress({ line });
  const lostWorker = job.attemptsStarted > 1 || job.stalledCounter > 0;
  log(lostWorker ? 'taken again (its worker was lost)' : 'taken');
  const name = data.config.dataset;
  const dataset = isDatasetName(name) ? await sharedDataset(name) : undefined;
  return runJob(data, { namespace: job.queueName, ...settings, lostWorker, log, dataset });
}

/**
 * A sweep on the queue: one BullMQ queue per namespace (Redis keys `topkast:<namespace>:…`), which every
 * `topkast worker` of that namespace takes runs from, whatever their sweep; one job per run of a grid, its id
 * `<sweep>/<label>` (a sweep name is refused while it holds runs, so two sweeps never meet), its data the run's
 * whole resolved configuration. Users who want their own workers take their own namespace. Workers check a
 * job's data like any other input (the config schema, src/run/configSchema.ts) before running it.
 */
import type { Job, QueueBaseOptions } from 'bullmq';
import { z } from 'zod';
import { savedTrainConfig } from '../checkpoint/savedConfig.js';
import type { TrainConfig } from '../run/trainConfig.js';
import type { TrainingSummary } from '../train/summary.js';
import { escapeControl } from '../util/safeText.js';
import type { RedisAddress } from './redisUrl.js';

/** Redis key prefix of every namespace. */
export const KEY_PREFIX = 'topkast';

/** The namespace of `compare --queue` and `worker` without --namespace. */
export const DEFAULT_NAMESPACE = 'default';

const namePattern = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** A run's label (compare's `<method>-<sparsity>-seed<k>`): safe as a file name and in a job id. */
export const labelPattern = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/** Checks a --sweep or --namespace name: letters, digits, `_`, `.`, `-`, up to 64. */
export function checkName(name: string, flag: '--sweep' | '--namespace'): string {
  if (!namePattern.test(name)) {
    throw new Error(
      `${flag} ${escapeControl(JSON.stringify(name))} is not a name: use up to 64 letters, digits, '_', '.' or '-', starting with a letter or digit`,
    );
  }
  return name;
}

/** A run's job id: `<sweep>/<label>` (neither holds a '/'). */
export function runJobId(sweep: string, label: string): string {
  return `${sweep}/${label}`;
}

/** The Redis list of a sweep's run labels in grid order (beside BullMQ's keys; job ids never hold ':'). */
export function sweepKey(namespace: string, sweep: string): string {
  return `${KEY_PREFIX}:${namespace}:sweep:${sweep}`;
}

/**
 * What a job carries: its sweep, where it sits in the grid, its label (runs/<label>.json) and its config.
 */
export interface RunJobData {
  readonly sweep: string;
  readonly index: number;
  readonly total: number;
  readonly label: string;
  readonly config: TrainConfig;
}

const jobDataSchema = z.strictObject({
  sweep: z.string().regex(namePattern),
  index: z.number().int().min(0),
  total: z.number().int().min(1),
  label: z.string().regex(labelPattern),
  config: z.unknown(),
});

/** A job's place in the grid and its label, checked (what collection needs of a job, failed or not). */
export function jobPlace(data: unknown, jobName: string): Omit<RunJobData, 'config'> & { config: unknown } {
  const parsed = jobDataSchema.safeParse(data);
  if (!parsed.success || parsed.data.index >= parsed.data.total) {
    throw new Error(
      `job ${escapeControl(jobName)} is not a topkast run (sweep, index, total, label, config): enqueue runs with topkast compare --queue`,
    );
  }
  return parsed.data;
}

/**
 * A job's data checked: its place and label, and its config by the config schema and resolved the way the CLI
 * resolves one (savedTrainConfig); throws one line naming the job and the problem.
 */
export function checkJobData(data: unknown, jobName: string): RunJobData {
  const place = jobPlace(data, jobName);
  return { ...place, config: savedTrainConfig(place.config, `job ${place.label}`) };
}

export type RunJob = Job<RunJobData, TrainingSummary>;

/**
 * BullMQ's connection to `address`: commands wait while Redis is away (no request limit), reconnecting with
 * exponential backoff (0.5 s doubling to 30 s); each wait is reported as one line without credentials.
 */
export function queueConnection(address: RedisAddress, report: (line: string) => void): QueueBaseOptions {
  return {
    prefix: KEY_PREFIX,
    connection: {
      ...address.options,
      maxRetriesPerRequest: null,
      retryStrategy: (attempt: number) => {
        const delay = Math.min(30_000, 500 * 2 ** Math.min(attempt - 1, 6));
        report(
          `waiting for Redis at ${address.shown} (attempt ${attempt}): retrying in ${(delay / 1000).toFixed(1)} s`,
        );
        return delay;
      },
    },
  };
}

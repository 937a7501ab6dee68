/**
 * A sweep on the queue: one BullMQ queue per sweep name (Redis keys `topkast:<sweep>:…`, so two users' sweeps on
 * one Redis never meet), one job per run of the grid, whose data is the run's whole resolved configuration.
 * Workers check that data like any other input (the config schema, src/run/configSchema.ts) before running it.
 */
import type { Job, QueueBaseOptions } from 'bullmq';
import { z } from 'zod';
import { savedTrainConfig } from '../checkpoint/savedConfig.js';
import type { TrainConfig } from '../run/trainConfig.js';
import type { TrainingSummary } from '../train/summary.js';
import { escapeControl } from '../util/safeText.js';
import type { RedisAddress } from './redisUrl.js';

/** Redis key prefix of every sweep. */
export const KEY_PREFIX = 'topkast';

const sweepNamePattern = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** Checks a --sweep name: letters, digits, `_`, `.`, `-`, up to 64. */
export function checkSweepName(name: string): string {
  if (!sweepNamePattern.test(name)) {
    throw new Error(
      `--sweep ${escapeControl(JSON.stringify(name))} is not a sweep name: use up to 64 letters, digits, '_', '.' or '-', starting with a letter or digit`,
    );
  }
  return name;
}

/** What a job carries: where it sits in the grid, its label (runs/<label>.json) and its config. */
export interface RunJobData {
  readonly index: number;
  readonly total: number;
  readonly label: string;
  readonly config: TrainConfig;
}

const jobDataSchema = z.strictObject({
  index: z.number().int().min(0),
  total: z.number().int().min(1),
  label: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/),
  config: z.unknown(),
});

/** A job's place in the grid and its label, checked (what collection needs of a job, failed or not). */
export function jobPlace(data: unknown, jobName: string): Omit<RunJobData, 'config'> & { config: unknown } {
  const parsed = jobDataSchema.safeParse(data);
  if (!parsed.success || parsed.data.index >= parsed.data.total) {
    throw new Error(
      `job ${escapeControl(jobName)} is not a topkast run (index, total, label, config): enqueue runs with topkast compare --queue`,
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

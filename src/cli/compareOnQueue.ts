import { join } from 'node:path';
import { parseRedisUrl } from '../queue/redisUrl.js';
import { checkName, DEFAULT_NAMESPACE } from '../queue/sweep.js';
import { awaitSweep, collectSweep, enqueueSweep, openSweep } from '../queue/sweepQueue.js';
import type { TrainConfig } from '../run/trainConfig.js';
import { outputDirectory } from '../util/files.js';
import type { CliIo } from './io.js';

export interface SweepFlags {
  readonly queue?: string;
  readonly sweep?: string;
  readonly namespace?: string;
  readonly detach?: boolean;
  readonly collect?: boolean;
}

/** compare's --out, which every compare but a detached one needs. */
export function requireOut(flags: { readonly out?: string }): string {
  if (flags.out === undefined) {
    throw new Error('compare needs --out DIR: where to write the runs and the results table');
  }
  return flags.out;
}

/**
 * compare on a queue: the grid's runs (their configs resolved and checked first) become jobs of sweep NAME in
 * the queue of --namespace (default: `default`), which every `topkast worker` of that namespace serves;
 * then, unless --detach, wait with progress and write --out as a local compare does. --collect only waits
 * and writes. The sweep is removed from Redis once its results are written; failed runs are listed in
 * results.md and make the command fail after writing.
 */
export async function compareOnQueue(
  flags: SweepFlags & { readonly out?: string },
  plan: () => { label: string; config: TrainConfig }[],
  io: CliIo,
): Promise<void> {
  if (flags.queue === undefined || flags.sweep === undefined) {
    throw new Error('--collect, --detach and --sweep go with --queue URL --sweep NAME: give both');
  }
  if (flags.detach && flags.collect) throw new Error('--detach and --collect exclude each other: give one');
  const address = parseRedisUrl(flags.queue);
  const sweep = checkName(flags.sweep, '--sweep');
  const namespace = checkName(flags.namespace ?? DEFAULT_NAMESPACE, '--namespace');
  const runs = flags.collect ? [] : plan();
  const out = flags.detach ? '' : requireOut(flags);
  if (!flags.detach) outputDirectory(out, '--out');
  const say = (line: string) => io.err(`${line}\n`);
  const handle = openSweep(address, namespace, sweep, say);
  const workerFlags = namespace === DEFAULT_NAMESPACE ? '' : ` --namespace ${namespace}`;
  try {
    if (!flags.collect) {
      await enqueueSweep(handle, runs);
      say(
        `queued ${runs.length} runs as sweep ${sweep} at ${address.shown}: start workers with topkast worker --queue URL${workerFlags}`,
      );
    }
    if (flags.detach) {
      io.out(
        `sweep ${sweep}: ${runs.length} runs queued; gather them with topkast compare --collect --queue URL${workerFlags} --sweep ${sweep} --out DIR\n`,
      );
      return;
    }
    await awaitSweep(handle, say);
    const { markdown, failed } = await collectSweep(handle, out);
    io.out(`\n${markdown}\nwrote ${join(out, 'results.md')} and results.json\n`);
    if (failed.length > 0) {
      throw new Error(
        `${failed.length} run${failed.length === 1 ? '' : 's'} of sweep ${sweep} failed (listed in ${join(out, 'results.md')}): fix the cause and queue them again`,
      );
    }
  } finally {
    await handle.queue.close();
  }
}

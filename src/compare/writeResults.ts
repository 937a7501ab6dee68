import { join } from 'node:path';
import type { TrainingSummary } from '../train/summary.js';
import { escapeControl } from '../util/safeText.js';
import { writeFileAtomic } from '../util/writeFileAtomic.js';
import { comparisonTable } from './comparison.js';

/** A run of the grid that ended in an error (a queued sweep's failed job), with its one-line error. */
export interface FailedRun {
  readonly label: string;
  readonly error: string;
}

/**
 * Writes a comparison's DIR/results.json (every summary and the table's rows; `failed` when runs failed) and
 * DIR/results.md (the table, then the failed runs, each with its error); returns the markdown.
 */
export function writeResults(
  out: string,
  summaries: readonly TrainingSummary[],
  failed: readonly FailedRun[] = [],
): string {
  const { rows, markdown: table } = comparisonTable(summaries);
  const json = failed.length > 0 ? { rows, runs: summaries, failed } : { rows, runs: summaries };
  writeFileAtomic(join(out, 'results.json'), `${JSON.stringify(json, null, 2)}\n`);
  const failures =
    failed.length === 0
      ? ''
      : `\n${failed.length} run${failed.length === 1 ? '' : 's'} failed (not in the table):\n\n` +
        failed.map(({ label, error }) => `- ${label}: ${escapeControl(error)}\n`).join('');
  const markdown = table + failures;
  writeFileAtomic(join(out, 'results.md'), markdown);
  return markdown;
}

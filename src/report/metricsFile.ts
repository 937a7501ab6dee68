/**
 * Metrics logs (`train --metrics`, JSON lines) read for the report, and matched to the runs they belong to.
 */
import { basename } from 'node:path';
import { readRegularFile } from '../util/files.js';
import { escapeControl } from '../util/safeText.js';
import type { ReportRun, StepLoss } from './reportRun.js';

/** The step lines' training losses of a metrics log; throws naming the file and line of a bad line. */
export function readStepLosses(file: string): StepLoss[] {
  const text = readRegularFile(file).toString('utf8');
  const shown = escapeControl(file);
  const losses: StepLoss[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let record: { type?: unknown; step?: unknown; loss?: unknown };
    try {
      record = JSON.parse(line);
    } catch {
      throw new Error(
        `${shown} line ${i + 1} is not JSON: give a metrics log of \`topkast train --metrics\` (one JSON object a line)`,
      );
    }
    if (record.type !== 'step') return;
    if (
      !Number.isSafeInteger(record.step) ||
      typeof record.loss !== 'number' ||
      !Number.isFinite(record.loss)
    ) {
      throw new Error(`${shown} line ${i + 1}: a step line needs a whole step and a finite loss`);
    }
    losses.push({ step: record.step as number, loss: record.loss });
  });
  return losses;
}

/**
 * The runs with each metrics file's losses added: a file belongs to the run whose id is its name without
 * extensions (`topkast-0.9-seed0.jsonl`), or to the only run when there is one run and one file.
 */
export function withMetrics(runs: readonly ReportRun[], files: readonly string[]): ReportRun[] {
  const byRun = new Map<string, StepLoss[]>();
  for (const file of files) {
    const stem = basename(file).replace(/(\.(jsonl|ndjson|json|log|metrics))+$/, '');
    const run =
      runs.find((r) => r.id === stem) ?? (runs.length === 1 && files.length === 1 ? runs[0] : undefined);
    if (run === undefined) {
      const ids = runs.map((r) => r.id);
      throw new Error(
        `metrics file ${escapeControl(file)} matches no run: name it after its run (${ids.slice(0, 4).join(', ')}${ids.length > 4 ? ', …' : ''}) plus .jsonl`,
      );
    }
    if (byRun.has(run.id)) throw new Error(`two metrics files for run ${run.id}: give one per run`);
    byRun.set(run.id, readStepLosses(file));
  }
  return runs.map((run) => {
    const stepLosses = byRun.get(run.id);
    return stepLosses ? { ...run, stepLosses } : run;
  });
}

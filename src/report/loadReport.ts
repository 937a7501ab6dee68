/**
 * What `topkast report --from` accepts, read into runs and comparison rows: a `compare --out` directory
 * (its results.json, or runs/*.json when results.json is not written yet), compare's results.json, a
 * directory of run summaries, one run summary (`train --json`), or a `train --checkpoint-dir`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { type ComparisonRow, comparisonRows } from '../compare/comparison.js';
import type { RunSummary } from '../train/summary.js';
import { runFromCheckpointDir } from './checkpointRun.js';
import { asRunSummary, compareLabel, type ReportRun, runFromSummary } from './reportRun.js';

export interface ReportInput {
  readonly runs: readonly ReportRun[];
  /** Method × sparsity groups with accuracy mean and std over seeds (none for a checkpoint). */
  readonly rows: readonly ComparisonRow[];
}

const ACCEPTED =
  'give a `topkast compare --out` directory, its results.json, a run summary (`train --json`) or a `train --checkpoint-dir`';

/** Reads `from`; throws naming the problem and what to give instead. */
export function loadReport(from: string): ReportInput {
  if (!existsSync(from)) throw new Error(`${from} does not exist: ${ACCEPTED}`);
  return statSync(from).isDirectory() ? loadDirectory(from) : loadJsonFile(from);
}

function loadDirectory(dir: string): ReportInput {
  const results = join(dir, 'results.json');
  if (existsSync(results)) return loadJsonFile(results);
  for (const summariesDir of [join(dir, 'runs'), dir]) {
    const files = jsonFiles(summariesDir);
    if (files.length > 0) {
      const summaries = files.map((file) => asRunSummary(readJson(file), file));
      return {
        runs: summaries.map((s, i) => runFromSummary(s, basename(files[i]!, '.json'))),
        rows: comparisonRows(summaries),
      };
    }
  }
  const run = runFromCheckpointDir(dir);
  if (run !== null) return { runs: [run], rows: [] };
  throw new Error(
    `no runs found in ${dir} (no results.json, runs/*.json, *.json or step-*.safetensors): ${ACCEPTED}`,
  );
}

function loadJsonFile(file: string): ReportInput {
  const value = readJson(file);
  if (typeof value === 'object' && value !== null && Array.isArray((value as { runs?: unknown }).runs)) {
    const { runs, rows } = value as { runs: unknown[]; rows?: unknown };
    if (runs.length === 0) throw new Error(`no runs found in ${file} (its runs list is empty): ${ACCEPTED}`);
    const summaries = runs.map((run, i) => asRunSummary(run, `${file} runs[${i}]`));
    return {
      runs: uniqueIds(summaries.map((s) => runFromSummary(s, compareLabel(s)))),
      rows: Array.isArray(rows) ? (rows as ComparisonRow[]) : comparisonRows(summaries),
    };
  }
  const summary: RunSummary = asRunSummary(value, file);
  return { runs: [runFromSummary(summary, basename(file, '.json'))], rows: comparisonRows([summary]) };
}

/** The `.json` files of `dir` (none when it does not exist), sorted by name. */
function jsonFiles(dir: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => join(dir, name));
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${file} is not valid JSON (${(error as Error).message}): ${ACCEPTED}`);
  }
}

/** Runs with repeated ids told apart by a suffix (`-2`, `-3`, …). */
function uniqueIds(runs: ReportRun[]): ReportRun[] {
  const seen = new Map<string, number>();
  return runs.map((run) => {
    const count = (seen.get(run.id) ?? 0) + 1;
    seen.set(run.id, count);
    return count === 1 ? run : { ...run, id: `${run.id}-${count}` };
  });
}

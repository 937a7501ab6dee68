/**
 * What `topkast report --from` accepts, read into runs and comparison rows: a `compare --out` directory
 * (its results.json, or runs/*.json when results.json is not written yet), compare's results.json, a
 * directory of run summaries, one run summary (`train --json`), or a `train --checkpoint-dir`. The runs are
 * all image classifiers or all language models: a mix is refused, as test accuracy and bits per character
 * share no chart. The rows are computed from the runs (results.json's own rows are the same numbers).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { type Comparison, comparisonOf } from '../compare/comparison.js';
import type { TrainingSummary } from '../train/summary.js';
import { readRegularFile } from '../util/files.js';
import { escapeControl } from '../util/safeText.js';
import { runFromCheckpointDir } from './checkpointRun.js';
import { compareLabel, type ReportRun, runFromSummary } from './reportRun.js';
import { asTrainingSummary } from './summaryShape.js';

export interface ReportInput {
  /** Of the comparison's kind. */
  readonly runs: readonly ReportRun[];
  /**
   * Method × sparsity groups with test accuracy, or validation and test bits per character, mean and std
   * over seeds (no rows for a checkpoint).
   */
  readonly comparison: Comparison;
}

const ACCEPTED =
  'give a `topkast compare --out` directory, its results.json, a run summary (`train --json`) or a `train --checkpoint-dir`';

/** Reads `from`; throws naming the problem and what to give instead. */
export function loadReport(from: string): ReportInput {
  if (!existsSync(from)) throw new Error(`${escapeControl(from)} does not exist: ${ACCEPTED}`);
  return statSync(from).isDirectory() ? loadDirectory(from) : loadJsonFile(from);
}

function loadDirectory(dir: string): ReportInput {
  const results = join(dir, 'results.json');
  if (existsSync(results)) return loadJsonFile(results);
  for (const summariesDir of [join(dir, 'runs'), dir]) {
    const files = jsonFiles(summariesDir);
    if (files.length > 0) {
      const summaries = files.map((file) => asTrainingSummary(readJson(file), file));
      return {
        runs: summaries.map((s, i) => runFromSummary(s, basename(files[i]!, '.json'))),
        comparison: comparisonIn(summaries, summariesDir),
      };
    }
  }
  const run = runFromCheckpointDir(dir);
  if (run !== null) return { runs: [run], comparison: { kind: run.kind, rows: [] } };
  throw new Error(
    `no runs found in ${dir} (no results.json, runs/*.json, *.json or step-*.safetensors): ${ACCEPTED}`,
  );
}

function loadJsonFile(file: string): ReportInput {
  const value = readJson(file);
  if (typeof value === 'object' && value !== null && Array.isArray((value as { runs?: unknown }).runs)) {
    const { runs } = value as { runs: unknown[] };
    if (runs.length === 0) throw new Error(`no runs found in ${file} (its runs list is empty): ${ACCEPTED}`);
    const summaries = runs.map((run, i) => asTrainingSummary(run, `${file} runs[${i}]`));
    return {
      runs: uniqueIds(summaries.map((s) => runFromSummary(s, compareLabel(s)))),
      comparison: comparisonIn(summaries, file),
    };
  }
  const summary = asTrainingSummary(value, file);
  return {
    runs: [runFromSummary(summary, basename(file, '.json'))],
    comparison: comparisonOf([summary]),
  };
}

/** The summaries' comparison; throws, naming where they came from, for image and language-model runs mixed. */
function comparisonIn(summaries: readonly TrainingSummary[], source: string): Comparison {
  try {
    return comparisonOf(summaries);
  } catch (error) {
    throw new Error(`${source}: ${(error as Error).message}`);
  }
}

/** The `.json` files of `dir` (none when it does not exist), sorted by name. */
function jsonFiles(dir: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => join(dir, name));
}

/** A JSON file's value (a regular file only: a pipe or device is refused before reading). */
function readJson(file: string): unknown {
  const text = readRegularFile(file).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${escapeControl(file)} is not valid JSON (${(error as Error).message}): ${ACCEPTED}`);
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

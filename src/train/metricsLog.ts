import { closeSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { checkPositiveInteger } from '../util/checks.js';
import { fileKind, makeDirectory, readRegularFile, statOrUndefined } from '../util/files.js';
import { escapeControl } from '../util/safeText.js';
import { writeFileAtomic } from '../util/writeFileAtomic.js';
import type { Callbacks, PeriodMetrics } from './callbacks.js';

export interface MetricsLogOptions {
  /** Log a step line every this many steps (default 10); every epoch is always logged. */
  readonly every?: number;
  /**
   * A resumed run: keep the file's step lines up to `step` and its period lines up to the `periods`-th (the
   * ones after were logged by the interrupted run past its last checkpoint and will be logged again; a
   * checkpoint saved at an epoch's last step precedes that epoch's evaluation) and append to it.
   */
  readonly resume?: { readonly step: number; readonly periods: number };
}

/**
 * Writes training metrics as JSON lines, one object per line, for plotting or comparing runs:
 *   {"type":"step","step":10,"epoch":1,"loss":1.23,"lr":0.05,"stepMs":31.2}
 *   {"type":"epoch","step":468,"epoch":1,"trainLoss":0.52,"testAccuracy":0.85,"testLoss":0.41}
 * (a language model's evaluation periods: "type":"epoch" with validationLoss and validationBpc instead).
 * The file is created (or truncated) when training begins, or continued when resuming, and each line is
 * written as it happens, so a long run can be followed with `tail -f`.
 */
export function metricsLog(file: string, options: MetricsLogOptions = {}): Callbacks<PeriodMetrics> {
  const every = options.every ?? 10;
  checkPositiveInteger(every, 'metricsLog: every');
  let fd: number | null = null;
  const writeLine = (record: object): void => {
    if (fd !== null) writeSync(fd, `${JSON.stringify(record)}\n`);
  };
  return {
    onTrainBegin() {
      makeDirectory(dirname(file));
      const stats = statOrUndefined(file);
      if (stats !== undefined && !stats.isFile()) {
        throw new Error(`--metrics ${escapeControl(file)} is ${fileKind(stats)}: give a file to write`);
      }
      const { resume } = options;
      if (resume !== undefined && stats !== undefined) keepLinesUpTo(file, resume.step, resume.periods);
      fd = openSync(file, resume === undefined ? 'w' : 'a');
    },
    onBatchEnd(m) {
      if (m.step % every === 0) writeLine({ type: 'step', ...m });
    },
    onEpochEnd(m) {
      writeLine({ type: 'epoch', ...m });
    },
    onTrainEnd() {
      if (fd !== null) closeSync(fd);
      fd = null;
    },
  };
}

/**
 * Rewrites the log (atomically) without the step lines after `step` and the period lines after the
 * `periods`-th; a line that is not a metrics record is refused, naming the file and the line.
 */
function keepLinesUpTo(file: string, step: number, periods: number): void {
  const lines = readRegularFile(file).toString('utf8').split('\n');
  const kept = lines.filter((line, i) => {
    if (line === '') return false;
    const record = parseRecord(line);
    if (record === undefined) {
      throw new Error(
        `${escapeControl(file)} line ${i + 1} is not a metrics record of topkast: give --metrics a new file, or move this one aside`,
      );
    }
    return record.type === 'epoch' ? record.epoch <= periods : record.step <= step;
  });
  writeFileAtomic(file, kept.map((line) => `${line}\n`).join(''));
}

function parseRecord(line: string): { type: string; step: number; epoch: number } | undefined {
  try {
    const record = JSON.parse(line) as { type?: unknown; step?: unknown; epoch?: unknown };
    const { type, step, epoch } = record;
    const isCount = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0;
    if ((type === 'step' || type === 'epoch') && isCount(step) && isCount(epoch))
      return { type, step, epoch };
  } catch {
    // not JSON: refused below
  }
  return undefined;
}

import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../util/writeFileAtomic.js';
import type { Callbacks, PeriodMetrics } from './callbacks.js';

export interface MetricsLogOptions {
  /** Log a step line every this many steps (default 10); every epoch is always logged. */
  readonly every?: number;
  /**
   * A resumed run: keep the file's lines up to this step (those after it were logged by the interrupted run
   * past its last checkpoint and will be logged again) and append to it.
   */
  readonly resumeAfterStep?: number;
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
  if (!Number.isInteger(every) || every < 1) {
    throw new Error(`metricsLog: every must be a positive integer, got ${every}`);
  }
  let fd: number | null = null;
  const writeLine = (record: object): void => {
    if (fd !== null) writeSync(fd, `${JSON.stringify(record)}\n`);
  };
  return {
    onTrainBegin() {
      mkdirSync(dirname(file), { recursive: true });
      const { resumeAfterStep } = options;
      if (resumeAfterStep !== undefined && existsSync(file)) keepLinesUpTo(file, resumeAfterStep);
      fd = openSync(file, resumeAfterStep === undefined ? 'w' : 'a');
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

/** Rewrites the log (atomically) without the lines of steps after `step`. */
function keepLinesUpTo(file: string, step: number): void {
  const kept = readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '' && (JSON.parse(line) as { step: number }).step <= step);
  writeFileAtomic(file, kept.map((line) => `${line}\n`).join(''));
}

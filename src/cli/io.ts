import type { ProgressStream } from '../train/progress.js';

/** Where the CLI writes: results to `out`, errors to `err`, training progress to `progress`. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  readonly progress: ProgressStream;
}

/** The process's own streams: results on stdout, errors and progress on stderr. */
export const processIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  progress: process.stderr,
};

import { spawn } from 'node:child_process';
import type { CliIo } from './io.js';
import { runCli } from './program.js';

/** Runs the CLI on `argv` in-process (for tests) and returns its exit status and what it wrote. */
export async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const captured = { out: '', err: '' };
  const io: CliIo = {
    out: (text) => {
      captured.out += text;
    },
    err: (text) => {
      captured.err += text;
    },
    progress: { write: () => true, isTTY: false },
  };
  const code = await runCli(argv, io);
  return { code, ...captured };
}

/**
 * Runs the CLI while a watchdog process would open `fifo` for writing after 4 s: a command that blocked
 * reading the pipe is released (its `seconds` then tell) instead of hanging the test run.
 */
export async function cliBesidePipe(
  fifo: string,
  ...argv: string[]
): Promise<{ code: number; out: string; err: string; seconds: number }> {
  const watchdog = spawn('sh', ['-c', 'sleep 4; : > "$0"', fifo], { stdio: 'ignore' });
  const started = Date.now();
  try {
    const result = await cli(...argv);
    return { ...result, seconds: (Date.now() - started) / 1000 };
  } finally {
    watchdog.kill('SIGKILL');
  }
}

/** Flags of a transformer small enough for tests: 1 block of width 16, 2 heads, context 16, on Austen. */
export const tinyTransformer = [
  '--dataset',
  'austen',
  '--layers',
  '1',
  '--d-model',
  '16',
  '--heads',
  '2',
  '--context',
  '16',
  '--batch-size',
  '16',
  '--lr',
  '0.01',
] as const;

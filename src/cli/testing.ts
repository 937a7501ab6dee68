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

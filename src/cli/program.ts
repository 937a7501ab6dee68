import { Command, CommanderError } from 'commander';
import { escapeControl } from '../util/safeText.js';
import { compareCommand } from './compareCommand.js';
import { demoCommand } from './demoCommand.js';
import { evalCommand } from './evalCommand.js';
import { exportCommand } from './exportCommand.js';
import { type CliIo, processIo } from './io.js';
import { reportCommand } from './reportCommand.js';
import { sampleCommand } from './sampleCommand.js';
import { trainCommand } from './trainCommand.js';
import { packageVersion } from './version.js';
import { workerCommand } from './workerCommand.js';

/** The `topkast` command with its subcommands, writing through `io`. */
export function createProgram(io: CliIo = processIo): Command {
  const program = new Command('topkast')
    .description('always-sparse neural network training (Top-KAST, Spartan) on WebAssembly SIMD kernels')
    .version(packageVersion(), '-V, --version', 'print the version of topkast');
  reportErrorsOnOneLine(program, io, 'topkast --help');
  for (const command of [
    trainCommand(io),
    compareCommand(io),
    demoCommand(io),
    exportCommand(io),
    evalCommand(io),
    reportCommand(io),
    sampleCommand(io),
    workerCommand(io),
  ]) {
    reportErrorsOnOneLine(command, io, `topkast ${command.name()} --help`);
    program.addCommand(command);
  }
  return program;
}

/**
 * Runs the CLI on arguments (without `node` and the script) and returns the exit status. Every error is one
 * line on `io.err` naming the problem and the fix, its control characters escaped (a message may quote a
 * file's bytes); nothing is written to output files on a failed run.
 */
export async function runCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  try {
    await createProgram(io).parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode; // already reported by outputError
    io.err(`error: ${escapeControl(error instanceof Error ? error.message : String(error))}\n`);
    return 1;
  }
}

/** Throw instead of exiting, and print commander's errors (and its "did you mean") on one line. */
function reportErrorsOnOneLine(command: Command, io: CliIo, help: string): void {
  command
    .exitOverride()
    .showSuggestionAfterError()
    .configureOutput({
      writeOut: (text) => io.out(text),
      writeErr: (text) => io.err(text),
      outputError: (text, write) =>
        write(`${escapeControl(text.trim().replace(/\s*\n\s*/g, ' '))} (see \`${help}\`)\n`),
    });
}

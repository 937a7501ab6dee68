import { existsSync, statSync } from 'node:fs';
import { Command, Option } from 'commander';
import { readCheckpoint } from '../checkpoint/checkpoint.js';
import { loadLatestCheckpoint } from '../checkpoint/checkpointDir.js';
import { writeFileDurable } from '../checkpoint/durableWrite.js';
import { exportModel, type Storage, storageNames } from '../checkpoint/exportModel.js';
import type { CliIo } from './io.js';

interface ExportFlags {
  readonly from: string;
  readonly format: Storage;
  readonly out: string;
}

/** `topkast export`: the newest checkpoint of a run (or one checkpoint file) as a compact inference file. */
export function exportCommand(io: CliIo): Command {
  return new Command('export')
    .description('write a compact inference file (forward weights only) from a checkpoint')
    .requiredOption('--from <dir|file>', 'a --checkpoint-dir (its newest checkpoint) or one checkpoint file')
    .addOption(
      new Option('--format <format>', 'dense matrices, or CSR (only the forward set)')
        .choices(storageNames)
        .default('dense'),
    )
    .requiredOption('--out <file>', 'the .safetensors file to write')
    .action((flags: ExportFlags) => {
      const { file, checkpoint } =
        existsSync(flags.from) && statSync(flags.from).isFile()
          ? { file: flags.from, checkpoint: readCheckpoint(flags.from) }
          : loadLatestCheckpoint(flags.from);
      const bytes = exportModel(checkpoint, flags.format, file);
      writeFileDurable(flags.out, bytes);
      io.out(
        `wrote ${flags.out} (${flags.format}, ${bytes.length.toLocaleString('en-US')} bytes) from ${file}, step ${checkpoint.state.progress.step}\n`,
      );
    });
}

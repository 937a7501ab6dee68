import { basename } from 'node:path';
import { Command, Option } from 'commander';
import { readCheckpoint } from '../checkpoint/checkpoint.js';
import { isCheckpointName, loadLatestCheckpoint } from '../checkpoint/checkpointDir.js';
import { writeFileDurable } from '../checkpoint/durableWrite.js';
import { decodeInferenceFile, exportModel, type Storage, storageNames } from '../checkpoint/exportModel.js';
import { inferenceModel } from '../checkpoint/inferenceModel.js';
import { outputFile, refuseSharedPaths, statOrUndefined } from '../util/files.js';
import { escapeControl } from '../util/safeText.js';
import type { CliIo } from './io.js';

interface ExportFlags {
  readonly from: string;
  readonly format: Storage;
  readonly out: string;
}

/**
 * `topkast export`: the newest checkpoint of a run (or one checkpoint file) as a compact inference file. The
 * checkpoint is checked whole (checkpoint.ts), the export is rebuilt into the model of its config before it
 * is written (so what is written is what eval and sample accept), and --out may be neither the checkpoint
 * read nor the directory (compared by real path).
 */
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
      outputFile(flags.out, '--out');
      const { file, checkpoint } = statOrUndefined(flags.from)?.isFile()
        ? { file: flags.from, checkpoint: readCheckpoint(flags.from) }
        : loadLatestCheckpoint(flags.from);
      refuseSharedPaths([{ flag: '--out', path: flags.out }], [{ flag: '--from', path: file }]);
      if (isCheckpointName(basename(flags.out))) {
        throw new Error(
          `--out ${escapeControl(flags.out)} is named like a checkpoint: a resumed run would take it for one; choose another name, like model.safetensors`,
        );
      }
      const bytes = exportModel(checkpoint, flags.format, file);
      inferenceModel(decodeInferenceFile(bytes, file), file).model.dispose?.();
      writeFileDurable(flags.out, bytes);
      io.out(
        `wrote ${escapeControl(flags.out)} (${flags.format}, ${bytes.length.toLocaleString('en-US')} bytes) from ${escapeControl(file)}, step ${checkpoint.state.progress.step}\n`,
      );
    });
}

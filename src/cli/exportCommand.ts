import { basename, join } from 'node:path';
import { Command, Option } from 'commander';
import { isCheckpointName, loadLatestCheckpoint, readCheckpoint } from '../checkpoint/checkpointDir.js';
import { uncheckedNote } from '../checkpoint/checksummedFile.js';
import { writeFileDurable } from '../checkpoint/durableWrite.js';
import { decodeInferenceFile, type Storage, storageNames } from '../checkpoint/exportModel.js';
import { inferenceModel } from '../checkpoint/inferenceModel.js';
import { encodeModelExport } from '../checkpoint/modelBytes.js';
import { readModelFile } from '../checkpoint/modelFile.js';
import { exportOnnx } from '../checkpoint/portable/exportOnnx.js';
import { exportTfjs, TFJS_WEIGHTS_FILE } from '../checkpoint/portable/exportTfjs.js';
import { languageModelOnnx } from '../checkpoint/portable/languageModelOnnx.js';
import { type PortableModel, portableModel } from '../checkpoint/portable/portableModel.js';
import { fileKind, makeDirectory, outputFile, refuseSharedPaths, statOrUndefined } from '../util/files.js';
import { escapeControl } from '../util/safeText.js';
import type { CliIo } from './io.js';

const formats = [...storageNames, 'onnx', 'tfjs'] as const;
type Format = (typeof formats)[number];

interface ExportFlags {
  readonly from: string;
  readonly format: Format;
  readonly out: string;
}

/**
 * `topkast export`: a trained model as a compact inference file (safetensors, dense or CSR, from a checkpoint),
 * an ONNX model (image models and the transformer) or a TensorFlow.js layers model (image models); these two
 * from a checkpoint or an exported file. What is read is checked whole (checkpoint.ts, exportModel.ts); a
 * safetensors export is rebuilt into the model of its config before it is written (so what is written is what
 * eval and sample accept); --out may be neither what is read nor named like a checkpoint (compared by real
 * path).
 */
export function exportCommand(io: CliIo): Command {
  return new Command('export')
    .description('write a trained model for inference: safetensors (dense or CSR), ONNX, or TensorFlow.js')
    .requiredOption(
      '--from <dir|file>',
      'a --checkpoint-dir (its newest checkpoint) or one checkpoint file; onnx and tfjs also take an exported file',
    )
    .addOption(
      new Option(
        '--format <format>',
        'dense or csr: a .safetensors file (CSR keeps only the forward set); onnx: a .onnx file; tfjs: a directory (model.json, weights.bin)',
      )
        .choices(formats)
        .default('dense'),
    )
    .requiredOption('--out <path>', 'the file to write (tfjs: the directory)')
    .action((flags: ExportFlags) => {
      if (flags.format === 'onnx' || flags.format === 'tfjs') {
        exportPortable(io, flags);
        return;
      }
      outputFile(flags.out, '--out');
      const { file, checkpoint } = statOrUndefined(flags.from)?.isFile()
        ? { file: flags.from, checkpoint: readCheckpoint(flags.from) }
        : loadLatestCheckpoint(flags.from);
      refuseOverwrite(flags, file);
      const bytes = encodeModelExport(checkpoint, flags.format as Storage, file);
      inferenceModel(decodeInferenceFile(bytes, file), file).model.dispose?.();
      writeFileDurable(flags.out, bytes);
      io.out(
        `wrote ${escapeControl(flags.out)} (${flags.format}, ${bytes.length.toLocaleString('en-US')} bytes) from ${escapeControl(file)}, step ${checkpoint.state.progress.step}\n`,
      );
    });
}

/**
 * Refuses an --out that is what --from names or the file read from it (compared by real path), or that is
 * named like a checkpoint (a resumed run would take it for one).
 */
function refuseOverwrite(flags: ExportFlags, source: string): void {
  refuseSharedPaths(
    [{ flag: '--out', path: flags.out }],
    [
      { flag: '--from', path: flags.from },
      { flag: '--from', path: source },
    ],
  );
  if (isCheckpointName(basename(flags.out))) {
    throw new Error(
      `--out ${escapeControl(flags.out)} is named like a checkpoint: a resumed run would take it for one; choose another name, like model.safetensors`,
    );
  }
}

/** --format onnx or tfjs: the model at --from, rebuilt and translated layer by layer (ONNX only: a transformer). */
function exportPortable(io: CliIo, flags: ExportFlags): void {
  if (flags.format === 'onnx') outputFile(flags.out, '--out');
  const { file, source } = readModelFile(flags.from);
  io.err(uncheckedNote(source, file.checksummed));
  refuseOverwrite(flags, source);
  const portable = portableModel(file, source);
  let bytes: number;
  if (portable !== null) {
    bytes = flags.format === 'onnx' ? writeOnnx(portable, flags.out) : writeTfjs(portable, flags.out);
  } else if (flags.format === 'onnx') {
    const onnx = languageModelOnnx(file, source);
    writeFileDurable(flags.out, onnx);
    bytes = onnx.length;
  } else {
    throw new Error(
      `${escapeControl(source)} is a language model: --format tfjs exports image models (mlp, cnn); use --format onnx, dense or csr`,
    );
  }
  io.out(
    `wrote ${escapeControl(flags.out)} (${flags.format}, ${bytes.toLocaleString('en-US')} bytes) from ${escapeControl(source)}\n`,
  );
}

function writeOnnx({ layers, input, classes, metadata }: PortableModel, out: string): number {
  const bytes = exportOnnx(layers, input, classes, metadata);
  writeFileDurable(out, bytes);
  return bytes.length;
}

function writeTfjs({ layers, input, metadata }: PortableModel, out: string): number {
  const stats = statOrUndefined(out);
  if (stats !== undefined && !stats.isDirectory()) {
    throw new Error(
      `--out ${escapeControl(out)} is ${fileKind(stats)}: --format tfjs writes a directory (model.json, ${TFJS_WEIGHTS_FILE}); give a directory path`,
    );
  }
  const { modelJson, weights } = exportTfjs(layers, input, metadata);
  makeDirectory(out);
  const json = new TextEncoder().encode(JSON.stringify(modelJson));
  writeFileDurable(join(out, TFJS_WEIGHTS_FILE), weights);
  writeFileDurable(join(out, 'model.json'), json);
  return json.length + weights.length;
}

import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { readCheckpoint } from '../checkpoint/checkpoint.js';
import { loadLatestCheckpoint } from '../checkpoint/checkpointDir.js';
import { uncheckedNote } from '../checkpoint/checksummedFile.js';
import { writeFileDurable } from '../checkpoint/durableWrite.js';
import {
  checkpointInferenceFile,
  exportModel,
  type Storage,
  storageNames,
} from '../checkpoint/exportModel.js';
import { readModelFile } from '../checkpoint/modelFile.js';
import { exportOnnx } from '../checkpoint/portable/exportOnnx.js';
import { exportTfjs, TFJS_WEIGHTS_FILE } from '../checkpoint/portable/exportTfjs.js';
import {
  languageModelOnnx,
  type PortableModel,
  portableModel,
  weightShapes,
} from '../checkpoint/portable/portableModel.js';
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
 * from a checkpoint or an exported file.
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
      const { file, checkpoint } =
        existsSync(flags.from) && statSync(flags.from).isFile()
          ? { file: flags.from, checkpoint: readCheckpoint(flags.from) }
          : loadLatestCheckpoint(flags.from);
      const portable = portableModel(checkpointInferenceFile(checkpoint, file), file);
      const layout = portable && { shapes: weightShapes(portable.layers), metadata: portable.metadata };
      const bytes = exportModel(checkpoint, flags.format as Storage, file, layout ?? undefined);
      writeFileDurable(flags.out, bytes);
      io.out(
        `wrote ${flags.out} (${flags.format}, ${bytes.length.toLocaleString('en-US')} bytes) from ${file}, step ${checkpoint.state.progress.step}\n`,
      );
    });
}

/** --format onnx or tfjs: the model at --from, rebuilt and translated layer by layer (ONNX only: a transformer). */
function exportPortable(io: CliIo, flags: ExportFlags): void {
  const { file, source } = readModelFile(flags.from);
  io.err(uncheckedNote(source, file.checksummed));
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
      `${source} is a language model: --format tfjs exports image models (mlp, cnn); use --format onnx, dense or csr`,
    );
  }
  io.out(`wrote ${flags.out} (${flags.format}, ${bytes.toLocaleString('en-US')} bytes) from ${source}\n`);
}

function writeOnnx({ layers, input, classes, metadata }: PortableModel, out: string): number {
  const bytes = exportOnnx(layers, input, classes, metadata);
  writeFileDurable(out, bytes);
  return bytes.length;
}

function writeTfjs({ layers, input, metadata }: PortableModel, out: string): number {
  if (existsSync(out) && !statSync(out).isDirectory()) {
    throw new Error(
      `--out ${out} is a file: --format tfjs writes a directory (model.json, ${TFJS_WEIGHTS_FILE}); give a directory path`,
    );
  }
  const { modelJson, weights } = exportTfjs(layers, input, metadata);
  mkdirSync(out, { recursive: true });
  const json = new TextEncoder().encode(JSON.stringify(modelJson));
  writeFileDurable(join(out, TFJS_WEIGHTS_FILE), weights);
  writeFileDurable(join(out, 'model.json'), json);
  return json.length + weights.length;
}

/**
 * Crafted files: a seeded fuzz of checkpoints and exports edited the way an attacker would and re-signed with
 * topkast's own writer (encodeChecksummed), so the checksum passes and only the validation layer stands
 * between them and the commands. Every variant goes through each command that reads its kind (train
 * --resume, export, eval, sample), which must refuse it: exit status 1, one line that names the file, no
 * control characters, no message of a JavaScript accident, the directory unchanged, no output written.
 * Half the variants are written with no checksum at all, as another tool would write them: eval and sample
 * read such a file (with a one-line note) and must refuse it for its contents just the same, while --resume,
 * a checkpoint directory and a dense or CSR export of a checkpoint (which would sign it) refuse any checkpoint
 * without a checksum.
 * The unedited re-signed files are accepted (so the harness can tell acceptance from refusal). Files that are
 * not regular files (a pipe, a device, a directory) or whose name lies about their step are refused too, at
 * once (a watchdog releases a command that would block on a pipe, and the timing check fails it).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, cliBesidePipe } from '../cli/testing.js';
import { runTraining } from '../run/runTraining.js';
import { resolveTrainConfig, type TrainFlags } from '../run/trainConfig.js';
import { Random } from '../util/random.js';
import { checkpointFileName, listCheckpoints, readCheckpoint } from './checkpointDir.js';
import { checkpointedRun } from './checkpointedRun.js';
import { decodeChecksummed, encodeChecksummed } from './checksummedFile.js';
import { checkpointInferenceFile, exportModel } from './exportModel.js';
import { portableModel, weightShapes } from './portable/portableModel.js';
import { type Dtype, encodeSafetensors, type NamedTensor, type TensorData } from './safetensors.js';

const root = mkdtempSync(join(tmpdir(), 'topkast-crafted-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

type Kind = 'imageCheckpoint' | 'textCheckpoint' | 'imageExport' | 'textExport';

interface Contents {
  tensors: NamedTensor[];
  metadata: Record<string, string>;
}

/** Trains a small run with checkpoints and returns its newest checkpoint file. */
function trainedCheckpoint(name: string, flags: TrainFlags): string {
  const dir = join(root, name);
  runTraining(resolveTrainConfig(flags), {
    extension: checkpointedRun({ checkpoint: { dir, saveEvery: 1000, keep: 1 } }),
  });
  return listCheckpoints(dir)[0]!.file;
}

const imageFile = trainedCheckpoint('image', {
  dataset: 'mnist',
  hidden: [16],
  steps: 12,
  batchSize: 32,
  optimizer: 'adamw',
  schedule: 'constant',
  seed: 1,
  method: 'topkast',
  sparsity: 0.8,
  refreshInterval: 5,
  denseLayers: ['none'],
});
const textFile = trainedCheckpoint('text', {
  dataset: 'austen',
  layers: 1,
  dModel: 8,
  heads: 2,
  context: 8,
  batchSize: 4,
  steps: 3,
  evalEvery: 3,
  evalChars: 64,
  schedule: 'constant',
  seed: 2,
  method: 'topkast',
  sparsity: 0.5,
  optimizer: 'sgd',
});

const originals: Record<Kind, Contents> = {
  imageCheckpoint: unsigned(readFileSync(imageFile)),
  textCheckpoint: unsigned(readFileSync(textFile)),
  imageExport: unsigned(portableExport(imageFile)),
  textExport: unsigned(exportModel(readCheckpoint(textFile), 'dense', textFile)),
};

/** The CSR export of a checkpoint with an image model's input, normalization and architecture, as the CLI writes it. */
function portableExport(file: string): Uint8Array {
  const checkpoint = readCheckpoint(file);
  const portable = portableModel(checkpointInferenceFile(checkpoint, file), file)!;
  const layout = { shapes: weightShapes(portable.layers), metadata: portable.metadata };
  return exportModel(checkpoint, 'csr', file, layout);
}

/** A file's tensors and metadata without its checksum, ready to be edited and signed again. */
function unsigned(bytes: Uint8Array): Contents {
  const { tensors, metadata } = decodeChecksummed(bytes, 'original');
  const { checksum: _checksum, ...rest } = metadata;
  return { tensors: [...tensors], metadata: rest };
}

function copy({ tensors, metadata }: Contents): Contents {
  return {
    tensors: tensors.map((tensor) => ({ ...tensor, shape: [...tensor.shape], data: tensor.data.slice() })),
    metadata: { ...metadata },
  };
}

function pick<T>(random: Random, list: readonly T[]): T | undefined {
  return list.length === 0 ? undefined : list[random.nextInt(list.length)];
}

function tensorsWhere(contents: Contents, test: (tensor: NamedTensor) => boolean): NamedTensor[] {
  return contents.tensors.filter(test);
}

function replace(contents: Contents, name: string, tensor: NamedTensor): void {
  contents.tensors = contents.tensors.map((t) => (t.name === name ? tensor : t));
}

function retyped(data: TensorData, dtype: Dtype): TensorData {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
  if (dtype === 'I32') return new Int32Array(bytes.buffer);
  if (dtype === 'U8') return bytes;
  return new Float32Array(bytes.buffer);
}

function editJson(contents: Contents, key: string, edit: (value: Record<string, unknown>) => unknown): void {
  const value = JSON.parse(contents.metadata[key]!);
  const edited = edit(value);
  contents.metadata[key] = JSON.stringify(edited === undefined ? value : edited);
}

/** The sets of a file: [indptr, indices] tensor names (checkpoints: forward and backward; csr exports: one). */
function sets(contents: Contents): [string, string][] {
  return tensorsWhere(contents, (t) => t.name.endsWith('.indptr')).map((t) => [
    t.name,
    `${t.name.slice(0, -'.indptr'.length)}.indices`,
  ]);
}

function tensor(contents: Contents, name: string): NamedTensor {
  return contents.tensors.find((t) => t.name === name)!;
}

/** An edit of a file; false when it does not apply to this file (nothing to edit). */
type Mutation = (contents: Contents, random: Random, kind: Kind) => boolean;

const configEdits: ((config: Record<string, unknown>, kind: Kind) => void)[] = [
  (c) => {
    c.optimizer = 'bogus';
  },
  (c) => {
    c.seed = -1;
  },
  (c) => {
    c.seed = 1.5;
  },
  (c) => {
    c.steps = 1e300;
  },
  (c) => {
    c.lr = null;
  },
  (c) => {
    c.lr = -1;
  },
  (c) => {
    c.sparsity = 1.5;
  },
  (c) => {
    c.method = 'nope';
  },
  (c) => {
    c.dataset = 'cifar';
  },
  (c) => {
    c.extra = 1;
  },
  (c) => {
    delete c.batchSize;
  },
  (c) => {
    c.batchSize = 1e9;
  },
  (c) => {
    c.schedule = '\u001b[2Jcosine';
  },
  (c) => {
    c.denseLayers = ['\u001b]0;title\u0007'];
  },
  (c) => {
    c.momentum = c.optimizer === 'adamw' ? 0.5 : 1;
  },
  (c, kind) => {
    if (kind.startsWith('image')) c.hidden = [17];
    else c.dModel = 16;
  },
  (c, kind) => {
    if (kind.startsWith('image')) c.tied = true;
    else c.context = 4;
  },
  (c) => {
    c.refreshInterval = 0;
  },
];

const mutations: Record<string, { kinds: readonly Kind[]; mutate: Mutation }> = {
  dtype: {
    kinds: ['imageCheckpoint', 'textCheckpoint', 'imageExport', 'textExport'],
    mutate(contents, random) {
      const target = pick(random, contents.tensors)!;
      const dtype: Dtype = target.dtype === 'I32' ? 'F32' : random.next() < 0.5 ? 'I32' : 'U8';
      const shape = dtype === 'U8' ? [target.data.byteLength] : target.shape;
      replace(contents, target.name, { ...target, dtype, shape, data: retyped(target.data, dtype) });
      return true;
    },
  },
  shape: {
    kinds: ['imageCheckpoint', 'textCheckpoint', 'imageExport', 'textExport'],
    mutate(contents, random) {
      const target = pick(
        random,
        tensorsWhere(contents, (t) => t.data.length > 1),
      )!;
      const [a, b] = target.shape as [number, number];
      const shape =
        target.shape.length === 2 && a !== b
          ? [b, a]
          : target.shape.length === 1
            ? [1, a]
            : [target.data.length];
      replace(contents, target.name, { ...target, shape });
      return true;
    },
  },
  indexRange: {
    kinds: ['imageCheckpoint', 'textCheckpoint', 'imageExport'],
    mutate(contents, random) {
      const [, indicesName] =
        pick(
          random,
          sets(contents).filter(([, i]) => tensor(contents, i).data.length > 0),
        ) ?? [];
      if (indicesName === undefined) return false;
      const indices = tensor(contents, indicesName).data;
      indices[random.nextInt(indices.length)] = pick(random, [-1, -(2 ** 31), 2 ** 31 - 1, 1_000_000])!;
      return true;
    },
  },
  indexOrder: {
    kinds: ['imageCheckpoint', 'textCheckpoint', 'imageExport'],
    mutate(contents, random) {
      for (const [indptrName, indicesName] of sets(contents)) {
        const indptr = tensor(contents, indptrName).data;
        const indices = tensor(contents, indicesName).data;
        const rows = [...indptr.keys()].filter(
          (r) => r + 1 < indptr.length && indptr[r + 1]! - indptr[r]! >= 2,
        );
        const row = pick(random, rows);
        if (row === undefined) continue;
        const p = indptr[row]! + random.nextInt(indptr[row + 1]! - indptr[row]! - 1);
        if (random.next() < 0.5) [indices[p], indices[p + 1]] = [indices[p + 1]!, indices[p]!];
        else indices[p + 1] = indices[p]!;
        return true;
      }
      return false;
    },
  },
  rowOffsets: {
    kinds: ['imageCheckpoint', 'textCheckpoint', 'imageExport'],
    mutate(contents, random) {
      const [indptrName] = pick(random, sets(contents))!;
      const indptr = tensor(contents, indptrName).data;
      const last = indptr.length - 1;
      const interior = [...indptr.keys()].filter((r) => r > 0 && r < last && indptr[r + 1]! > 0);
      const choice = random.nextInt(3);
      if (choice === 0) indptr[0] = 1;
      else if (choice === 1) indptr[last]! += 1 + random.nextInt(3);
      else {
        const r = pick(random, interior);
        if (r === undefined) return false;
        indptr[r] = indptr[r + 1]! + 1;
      }
      return true;
    },
  },
  forwardOutsideBackward: {
    kinds: ['imageCheckpoint', 'textCheckpoint'],
    mutate(contents, random) {
      for (const theta of tensorsWhere(contents, (t) => t.name.endsWith('.theta'))) {
        const weight = theta.name.slice(0, -'.theta'.length);
        const [rows, cols] = theta.shape as [number, number];
        const bPtr = tensor(contents, `${weight}.backward.indptr`).data;
        const bIdx = tensor(contents, `${weight}.backward.indices`).data;
        const r = random.nextInt(rows);
        const inB = new Set(Array.from(bIdx.subarray(bPtr[r]!, bPtr[r + 1]!)));
        const c = [...Array(cols).keys()].find((col) => !inB.has(col));
        if (c === undefined) continue;
        const indptr = Int32Array.from({ length: rows + 1 }, (_, i) => (i > r ? 1 : 0));
        replace(contents, `${weight}.forward.indptr`, {
          ...tensor(contents, `${weight}.forward.indptr`),
          data: indptr,
        });
        replace(contents, `${weight}.forward.indices`, {
          name: `${weight}.forward.indices`,
          dtype: 'I32',
          shape: [1],
          data: Int32Array.of(c),
        });
        return true;
      }
      return false;
    },
  },
  thetaValues: {
    kinds: ['imageCheckpoint', 'textCheckpoint'],
    mutate(contents, random) {
      const values = pick(
        random,
        tensorsWhere(contents, (t) => t.name.endsWith('.values') && t.data.length > 0),
      )!;
      values.data[random.nextInt(values.data.length)]! += 0.5;
      return true;
    },
  },
  nonFinite: {
    kinds: ['imageCheckpoint', 'textCheckpoint', 'imageExport', 'textExport'],
    mutate(contents, random, kind) {
      const target = pick(
        random,
        tensorsWhere(contents, (t) => t.dtype === 'F32' && t.data.length > 0),
      )!;
      const value = pick(random, [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])!;
      const at = random.nextInt(target.data.length);
      target.data[at] = value;
      // Keep θ and B's values consistent, so only the finite check can refuse it.
      if (kind.endsWith('Checkpoint') && target.name.endsWith('.values')) {
        const weight = target.name.slice(0, -'.values'.length);
        const theta = tensor(contents, `${weight}.theta`);
        const cols = theta.shape[1]!;
        const indptr = tensor(contents, `${weight}.backward.indptr`).data;
        const row = [...indptr.keys()].findIndex((r) => indptr[r + 1]! > at);
        theta.data[row * cols + tensor(contents, `${weight}.backward.indices`).data[at]!] = value;
      }
      return true;
    },
  },
  config: {
    kinds: ['imageCheckpoint', 'textCheckpoint', 'imageExport', 'textExport'],
    mutate(contents, random, kind) {
      const edit = pick(random, configEdits)!;
      editJson(contents, 'config', (config) => edit(config, kind));
      return true;
    },
  },
  tied: {
    kinds: ['textCheckpoint', 'textExport'],
    mutate(contents) {
      editJson(contents, 'config', (config) => {
        config.tied = true;
      });
      return true;
    },
  },
  runState: {
    kinds: ['imageCheckpoint', 'textCheckpoint'],
    mutate(contents, random) {
      const edits: (() => void)[] = [
        () => {
          contents.metadata.step = String(Number(contents.metadata.step) + 1);
        },
        () => {
          contents.metadata.step = '-1';
        },
        () => {
          contents.metadata.step = '1e3';
        },
        () => {
          contents.metadata.epoch = '0';
        },
        () =>
          editJson(contents, 'history', (history) => [
            ...(history as unknown as unknown[]),
            { epoch: 9, step: 1, trainLoss: null },
          ]),
        () => editJson(contents, 'random', (random) => ({ data: (random.data as number[]).slice(1) })),
        () => editJson(contents, 'data_position', () => ({ epoch: -1, index: 0 })),
        () => editJson(contents, 'epoch_loss', (loss) => ({ ...loss, sum: null })),
        () => editJson(contents, 'checkpointing', (saving) => ({ ...saving, keep: 0 })),
        () => editJson(contents, 'optimizer', () => ({ stepCount: -1 })),
        () => editJson(contents, 'controller', () => 'x'),
        () => {
          contents.metadata.format_version = '2';
        },
        () => {
          contents.metadata.evil = '\u001b[2J\u001b[Hall good';
        },
        () => {
          delete contents.metadata.history;
        },
      ];
      pick(random, edits)!();
      return true;
    },
  },
  escapes: {
    kinds: ['imageCheckpoint', 'textCheckpoint', 'imageExport', 'textExport'],
    mutate(contents, random) {
      const evil = pick(random, ['\u001b[2J\u001b[H', '\u202e', '\r\nerror: fake', '\u0007\u009b31m'])!;
      if (random.next() < 0.5) {
        const target = pick(random, contents.tensors)!;
        replace(contents, target.name, { ...target, name: `${target.name}${evil}` });
      } else {
        contents.metadata.format = `${contents.metadata.format}${evil}`;
      }
      return true;
    },
  },
  strayOrMissing: {
    kinds: ['imageCheckpoint', 'textCheckpoint', 'imageExport', 'textExport'],
    mutate(contents, random, kind) {
      const choice = random.nextInt(3);
      if (choice === 0) {
        const target = pick(random, contents.tensors)!;
        contents.tensors = contents.tensors.filter((t) => t !== target);
      } else if (choice === 1) {
        contents.tensors.push({ name: 'stray', dtype: 'F32', shape: [1], data: Float32Array.of(0) });
      } else if (kind.endsWith('Checkpoint')) {
        const dense = pick(
          random,
          tensorsWhere(contents, (t) => t.name.endsWith('.bias')),
        )!;
        const n = dense.data.length;
        contents.tensors.push({
          name: `${dense.name}.state.evil`,
          dtype: 'F32',
          shape: [n],
          data: new Float32Array(n),
        });
      } else {
        const target = pick(random, contents.tensors)!;
        contents.tensors.push({ ...target, name: `${target.name}.copy` });
      }
      return true;
    },
  },
  layers: {
    kinds: ['imageExport', 'textExport'],
    mutate(contents, random) {
      const edits: ((layers: { name: string; shape: number[]; sparse: boolean }[]) => unknown)[] = [
        (layers) => {
          const layer = pick(random, layers)!;
          layer.sparse = !layer.sparse;
        },
        (layers) => {
          const layer = pick(random, layers)!;
          layer.shape = [...layer.shape, 1];
        },
        (layers) => layers.slice(1),
        (layers) => [...layers, layers[0]],
        () => ({ not: 'a list' }),
        (layers) => {
          pick(random, layers)!.name = 'x\u001b[2J';
        },
      ];
      editJson(contents, 'layers', (layers) => pick(random, edits)!(layers as unknown as never));
      return true;
    },
  },
  portableMetadata: {
    kinds: ['imageExport'],
    mutate(contents, random) {
      const edits: (() => void)[] = [
        () => editJson(contents, 'input', (input) => ({ ...input, shape: [-784] })),
        () => editJson(contents, 'input', (input) => ({ ...input, values: 'raw\u001b[2J' })),
        () => editJson(contents, 'input', (input) => ({ ...input, dataset: 'imagenet' })),
        () => editJson(contents, 'normalization', (norm) => ({ ...norm, std: 0 })),
        () => editJson(contents, 'normalization', (norm) => ({ ...norm, mean: null })),
        () => editJson(contents, 'normalization', (norm) => ({ ...norm, evil: 1 })),
        () => editJson(contents, 'architecture', () => ({ not: 'a list' })),
        () => editJson(contents, 'architecture', () => []),
        () =>
          editJson(contents, 'architecture', (layers) => [
            ...(layers as unknown as unknown[]),
            { kind: 'softmax\u202e' },
          ]),
        () =>
          editJson(contents, 'architecture', (layers) =>
            (layers as unknown as { kind: string; weight?: { shape: number[] } }[]).map((layer) =>
              layer.weight ? { ...layer, weight: { ...layer.weight, shape: [1, 2, 3, 4, 5] } } : layer,
            ),
          ),
        () => {
          contents.metadata[pick(random, ['input', 'normalization', 'architecture'])!] = '{"unclosed": ';
        },
      ];
      pick(random, edits)!();
      return true;
    },
  },
  storageOrFormat: {
    kinds: ['imageCheckpoint', 'textCheckpoint', 'imageExport', 'textExport'],
    mutate(contents, random, kind) {
      if (kind.endsWith('Export') && random.next() < 0.5) {
        contents.metadata.storage =
          contents.metadata.storage === 'csr' ? pick(random, ['dense', 'coo'])! : 'csr';
      } else {
        contents.metadata.format = kind.endsWith('Export') ? 'topkast-checkpoint' : 'topkast-model';
      }
      return true;
    },
  },
};

/** What each kind is given to: the commands that read it, given its file and directory. */
function commands(kind: Kind, file: string, dir: string, out: string): string[][] {
  switch (kind) {
    case 'imageCheckpoint':
      return [
        ['train', '--resume', dir, '--no-progress'],
        ['export', '--from', dir, '--out', out],
      ];
    case 'textCheckpoint':
      return [
        ['train', '--resume', dir, '--no-progress'],
        ['export', '--from', file, '--out', out],
        ['sample', '--model', dir, '--prompt', 'the', '--length', '3'],
        ['sample', '--model', file, '--prompt', 'the', '--length', '3'],
      ];
    default:
      return [
        ['eval', '--model', file],
        ['sample', '--model', file, '--prompt', 'the', '--length', '3'],
      ];
  }
}

/** Every file under `dir` with a hash of its bytes. */
function snapshot(dir: string): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stats = lstatSync(path);
    entries[name] = stats.isFile()
      ? createHash('sha256').update(readFileSync(path)).digest('hex')
      : `not a file (mode ${stats.mode})`;
  }
  return entries;
}

/**
 * Signs `contents` (or, unless `signed`, writes it with no checksum) and places it where its kind is read
 * from: a run's checkpoint directory, or a model file.
 */
function place(
  kind: Kind,
  contents: Contents,
  label: string,
  signed = true,
): { dir: string; file: string; out: string } {
  const dir = join(root, 'variants', label);
  mkdirSync(dir, { recursive: true });
  const name = kind.endsWith('Checkpoint')
    ? checkpointFileName(Number(originals[kind].metadata.step))
    : 'model.safetensors';
  const file = join(dir, name);
  const { tensors, metadata } = contents;
  writeFileSync(file, signed ? encodeChecksummed(tensors, metadata) : encodeSafetensors(tensors, metadata));
  return { dir, file, out: join(root, 'variants', `${label}-out.safetensors`) };
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const ACCIDENT =
  /is not a function|Cannot read prop|of undefined|of null|Invalid typed array|Maximum call stack|\[object Object\]/;

describe("crafted files re-signed with topkast's writer", () => {
  it('the unedited re-signed files are accepted by every command that reads them', async () => {
    for (const kind of ['imageExport', 'textExport', 'textCheckpoint'] as const) {
      const { dir, file, out } = place(kind, copy(originals[kind]), `accepted-${kind}`);
      const [first] = commands(kind, file, dir, out).filter(([command]) => command !== 'train');
      const result = await cli(...first!);
      expect(result.err, `${kind}: ${first!.join(' ')}`).toBe('');
      expect(result.code).toBe(0);
    }
  });

  it('the unedited files without a checksum: models read with a note; --resume, directories, re-signing refuse', async () => {
    for (const kind of ['imageExport', 'textExport', 'textCheckpoint'] as const) {
      const { dir, file, out } = place(kind, copy(originals[kind]), `unsigned-${kind}`, false);
      // An export goes to its first command only (sample refuses an image model, as it should).
      const argvs = commands(kind, file, dir, out).slice(0, kind.endsWith('Export') ? 1 : undefined);
      for (const argv of argvs) {
        const result = await cli(...argv);
        const where = `${kind}: topkast ${argv.join(' ')}`;
        if (argv.includes(dir) || argv[0] === 'export') {
          expect(result.code, where).toBe(1);
          expect(result.err, where).toContain('has no checksum in its metadata');
          continue;
        }
        expect(result.code, `${where}: ${result.err}`).toBe(0);
        expect(result.err, where).toBe(
          `note: ${file} carries no topkast checksum (written by another tool?), so its integrity is not checked\n`,
        );
      }
    }
  });

  it('files that are not files, or lie in their name: refused at once, naming them, nothing changed', async () => {
    const cases: { label: string; make: (path: string) => void; newest: boolean }[] = [
      { label: 'pipe', make: (path) => execFileSync('mkfifo', [path]), newest: true },
      { label: 'directory', make: (path) => mkdirSync(path), newest: true },
      { label: 'device', make: (path) => symlinkSync('/dev/zero', path), newest: true },
      { label: 'renamed', make: (path) => copyFileSync(imageFile, path), newest: true },
      { label: 'pipe-model', make: (path) => execFileSync('mkfifo', [path]), newest: false },
      { label: 'device-model', make: (path) => symlinkSync('/dev/zero', path), newest: false },
      { label: 'directory-model', make: (path) => mkdirSync(path), newest: false },
    ];
    for (const { label, make, newest } of cases) {
      const dir = join(root, 'kinds', label);
      mkdirSync(dir, { recursive: true });
      copyFileSync(imageFile, join(dir, checkpointFileName(12)));
      const path = join(dir, newest ? 'step-99999999999999999999.safetensors' : 'model.safetensors');
      make(path);
      const before = snapshot(dir);
      const argvs = newest
        ? commands('imageCheckpoint', path, dir, join(root, 'kinds', `${label}.out`))
        : commands('imageExport', path, dir, '');
      for (const argv of argvs) {
        const result = await cliBesidePipe(path, ...argv);
        const where = `${label}: topkast ${argv.join(' ')}`;
        expect(result.seconds, where).toBeLessThan(2);
        expect(result.code, where).toBe(1);
        expect(result.err.split('\n'), where).toHaveLength(2);
        expect(result.err, where).toContain(path);
        expect(snapshot(dir), where).toEqual(before);
      }
    }
  });

  it('hundreds of seeded variants of every category: all refused, one clean line naming the file, nothing changed', async () => {
    const random = new Random(16);
    const categories = Object.entries(mutations);
    const refusedBy: Record<string, number> = {};
    let variants = 0;
    const started = Date.now();
    for (let i = 0; variants < 320 && i < 2000; i++) {
      const [category, { kinds, mutate }] = categories[i % categories.length]!;
      const kind = kinds[random.nextInt(kinds.length)]!;
      const contents = copy(originals[kind]);
      if (!mutate(contents, random, kind)) continue;
      const label = `${variants}-${category}-${kind}`;
      const signed = variants % 2 === 0;
      const { dir, file, out } = place(kind, contents, label, signed);
      const before = snapshot(dir);
      for (const argv of commands(kind, file, dir, out)) {
        const result = await cli(...argv);
        const where = `${label}: topkast ${argv.join(' ')}`;
        // A file without a checksum that passed its own checks is noted before the model is built from it.
        if (!signed && result.err.startsWith(`note: ${file} carries no topkast checksum`)) {
          result.err = result.err.slice(result.err.indexOf('\n') + 1);
        }
        expect(result.code, `${where} accepted it (${result.out.trim()})`).toBe(1);
        expect(result.err.endsWith('\n') && result.err.indexOf('\n') === result.err.length - 1, where).toBe(
          true,
        );
        expect(result.err.startsWith('error: '), where).toBe(true);
        expect(result.err.slice(0, -1), where).not.toMatch(CONTROL);
        expect(result.err, where).not.toMatch(ACCIDENT);
        expect(result.err.includes(file) || result.err.includes(dir), `${where}: ${result.err}`).toBe(true);
        expect(snapshot(dir), where).toEqual(before);
        expect(() => statSync(out), `${where} wrote ${out}`).toThrow();
        const message = result.err.replace(/\d+/g, '#').replace(/\/[^ :;]*\//g, '/…/');
        refusedBy[message.slice(0, 90)] = (refusedBy[message.slice(0, 90)] ?? 0) + 1;
      }
      variants++;
    }
    if (process.env.CRAFTED_REPORT) console.log(JSON.stringify(refusedBy, null, 1));
    expect(variants).toBe(320);
    // Many different refusals, not one check catching everything for the wrong reason.
    expect(Object.keys(refusedBy).length).toBeGreaterThan(40);
    expect(Date.now() - started).toBeLessThan(60_000);
  });
});

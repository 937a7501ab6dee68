import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../cli/testing.js';
import { listCheckpoints } from './checkpointDir.js';
import { contentsDigest, decodeChecksummed, encodeChecksummed } from './checksummedFile.js';
import { readInferenceFile } from './modelFile.js';
import {
  buildHeader,
  decodeSafetensors,
  encodeSafetensors,
  frameSafetensors,
  type NamedTensor,
} from './safetensors.js';
import { float32Values, halfToFloat, int32Values } from './tensorValues.js';

const root = mkdtempSync(join(tmpdir(), 'topkast-foreign-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/**
 * The file as another conforming writer might lay it out: tensors in reverse order, the header JSON
 * indented, the metadata keys reversed, `checksum` dropped when asked.
 */
function relaid(bytes: Uint8Array, { dropChecksum = false } = {}): Uint8Array {
  const { tensors, metadata } = decodeSafetensors(bytes, 'original');
  const { checksum, ...rest } = metadata;
  const kept = dropChecksum ? rest : { ...rest, checksum: checksum! };
  const reversed = Object.fromEntries(Object.entries(kept).reverse());
  const header: Record<string, unknown> = { __metadata__: reversed };
  let offset = 0;
  const order = [...tensors].reverse();
  for (const tensor of order) {
    header[tensor.name] = {
      dtype: tensor.dtype,
      shape: tensor.shape,
      data_offsets: [offset, offset + tensor.data.byteLength],
    };
    offset += tensor.data.byteLength;
  }
  return frameSafetensors(JSON.stringify(header, null, 2), order);
}

const tensors: NamedTensor[] = [
  { name: 'b', dtype: 'F32', shape: [2], data: Float32Array.of(1.5, -2) },
  { name: 'a', dtype: 'I32', shape: [1, 3], data: Int32Array.of(7, -1, 0) },
];

describe('the checksum covers the contents, not the layout', () => {
  it('a re-laid file still verifies; any change to a name, dtype, shape, value or metadata does not', () => {
    const bytes = encodeChecksummed(tensors, { format: 'x' });
    const again = decodeChecksummed(relaid(bytes), 'relaid.safetensors');
    expect(again.checksummed).toBe(true);
    expect(again.metadata).toEqual({ format: 'x' });
    expect(again.tensors.map((t) => [t.name, Array.from(t.data)])).toEqual([
      ['a', [7, -1, 0]],
      ['b', [1.5, -2]],
    ]);
    const digest = contentsDigest(tensors, { format: 'x' });
    const changed: [NamedTensor[], Record<string, string>][] = [
      [[{ ...tensors[0]!, name: 'c' }, tensors[1]!], { format: 'x' }],
      [[tensors[0]!, { ...tensors[1]!, shape: [3, 1] }], { format: 'x' }],
      [[tensors[0]!, { ...tensors[1]!, dtype: 'F32', data: new Float32Array(3) }], { format: 'x' }],
      [[{ ...tensors[0]!, data: Float32Array.of(1.5, -2.5) }, tensors[1]!], { format: 'x' }],
      [tensors, { format: 'y' }],
      [tensors, { format: 'x', extra: '' }],
    ];
    for (const [t, m] of changed) expect(contentsDigest(t, m)).not.toBe(digest);
    expect(contentsDigest([...tensors].reverse(), { format: 'x' })).toBe(digest);
  });

  it("topkast 0.1.0's files (a checksum over the exact header and data bytes) still verify, and still catch damage", () => {
    const metadata = { format: 'x', note: 'old' };
    const hash = createHash('sha256').update(JSON.stringify(buildHeader(tensors, metadata)));
    for (const { data } of tensors)
      hash.update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    const old = encodeSafetensors(tensors, { ...metadata, checksum: `sha256:${hash.digest('hex')}` });
    const read = decodeChecksummed(old, 'old.safetensors');
    expect(read.checksummed).toBe(true);
    expect(read.metadata).toEqual(metadata);
    const damaged = old.slice();
    damaged[damaged.length - 1]! ^= 1;
    expect(() => decodeChecksummed(damaged, 'old.safetensors')).toThrow(/^old\.safetensors is corrupt/);
  });

  it('a file without a checksum is refused unless the caller allows it, and then marked unchecked', () => {
    const bare = encodeSafetensors(tensors, { format: 'x' });
    expect(() => decodeChecksummed(bare, 'bare.safetensors')).toThrow(
      /^bare\.safetensors has no checksum in its metadata/,
    );
    const read = decodeChecksummed(bare, 'bare.safetensors', { required: false });
    expect(read.checksummed).toBe(false);
    expect(read.tensors).toHaveLength(2);
    const forged = encodeSafetensors(tensors, { format: 'x', checksum: 'sha256-contents:00' });
    expect(() => decodeChecksummed(forged, 'f', { required: false })).toThrow(
      /^f is corrupt: its checksum does not match/,
    );
  });
});

describe('foreign dtypes', () => {
  it('reads F16, BF16 and I64 and widens them exactly', () => {
    // 1, -2, 65504 (largest half), 2^-24 (smallest subnormal), -0, +∞ as IEEE half bits.
    const half = Uint16Array.of(0x3c00, 0xc000, 0x7bff, 0x0001, 0x8000, 0x7c00);
    // 1, -2.5, 3.140625 as bfloat16 bits (the top halves of their float32 bits).
    const brain = Uint16Array.of(0x3f80, 0xc020, 0x4049);
    const wide = BigInt64Array.of(0n, 2147483647n, -5n);
    const file = encodeSafetensors(
      [
        { name: 'h', dtype: 'F16', shape: [6], data: half },
        { name: 'bf', dtype: 'BF16', shape: [3], data: brain },
        { name: 'i', dtype: 'I64', shape: [3], data: wide },
      ],
      {},
    );
    const [h, bf, i] = decodeSafetensors(file, 'foreign').tensors;
    expect(Array.from(float32Values(h!, 'f'))).toEqual([
      1,
      -2,
      65504,
      2 ** -24,
      -0,
      Number.POSITIVE_INFINITY,
    ]);
    expect(Number.isNaN(halfToFloat(0x7e00))).toBe(true);
    expect(Array.from(float32Values(bf!, 'f'))).toEqual([1, -2.5, 3.140625]);
    expect(Array.from(int32Values(i!, 'f'))).toEqual([0, 2147483647, -5]);
    const big = { name: 'n', dtype: 'I64', shape: [1], data: BigInt64Array.of(2n ** 40n) } as const;
    expect(() => int32Values(big, 'f')).toThrow(
      /f: tensor n holds 1099511627776 at entry 0, outside the I32 range/,
    );
    expect(() => float32Values(i!, 'f')).toThrow(/tensor i is I64; weights must be F32, F64, F16 or BF16/);
  });
});

describe('files from other tools in the CLI', () => {
  const run = join(root, 'run');
  const base = [
    '--dataset',
    'mnist',
    '--hidden',
    '32',
    '--dense-layers',
    'none',
    '--batch-size',
    '64',
    '--no-progress',
  ];

  it('eval accepts an export re-saved without its checksum, with a one-line note, and gives the same numbers', async () => {
    const trained = await cli(
      'train',
      ...base,
      '--steps',
      '20',
      '--method',
      'topkast',
      '--checkpoint-dir',
      run,
    );
    expect(trained.err).toBe('');
    const exported = join(root, 'model.safetensors');
    expect((await cli('export', '--from', run, '--format', 'csr', '--out', exported)).err).toBe('');
    const original = await cli('eval', '--model', exported);
    const resaved = join(root, 'resaved.safetensors');
    writeFileSync(resaved, relaid(readFileSync(exported), { dropChecksum: true }));
    expect(readInferenceFile(resaved).checksummed).toBe(false);
    const evaluated = await cli('eval', '--model', resaved);
    expect(evaluated.err).toBe(
      `note: ${resaved} carries no topkast checksum (written by another tool?), so its integrity is not checked\n`,
    );
    expect(evaluated.out).toBe(original.out);
    const relaidWithChecksum = join(root, 'relaid.safetensors');
    writeFileSync(relaidWithChecksum, relaid(readFileSync(exported)));
    expect(await cli('eval', '--model', relaidWithChecksum)).toEqual({ code: 0, out: original.out, err: '' });
  });

  it('a missing model file or a directory given as one is refused with one line saying what to give', async () => {
    const missing = join(root, 'missing.safetensors');
    expect((await cli('eval', '--model', missing)).err).toBe(
      `error: ${missing} does not exist: give a file written by \`topkast export\`\n`,
    );
    expect((await cli('eval', '--model', root)).err).toBe(
      `error: ${root} is a directory, not a file: give a file written by \`topkast export\`\n`,
    );
    const exported = await cli(
      'export',
      '--from',
      missing,
      '--format',
      'onnx',
      '--out',
      join(root, 'x.onnx'),
    );
    expect(exported.err).toBe(
      `error: ${missing} does not exist: give a checkpoint directory, a checkpoint file or a file written by \`topkast export\`\n`,
    );
  });

  it('--resume still requires the checksum', async () => {
    const newest = listCheckpoints(run).at(-1)!.file;
    writeFileSync(newest, relaid(readFileSync(newest), { dropChecksum: true }));
    const resumed = await cli('train', '--resume', run, '--steps', '30', '--no-progress');
    expect(resumed.code).toBe(1);
    expect(resumed.err).toContain(`${newest} has no checksum in its metadata`);
  });
});

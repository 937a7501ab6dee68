import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runTraining } from '../run/runTraining.js';
import { resolveTrainConfig } from '../run/trainConfig.js';
import { Random } from '../util/random.js';
import { decodeCheckpoint } from './checkpoint.js';
import { listCheckpoints } from './checkpointDir.js';
import { checkpointedRun } from './checkpointedRun.js';
import { encodeChecksummed } from './checksummedFile.js';
import { decodeSafetensors } from './safetensors.js';

const root = mkdtempSync(join(tmpdir(), 'topkast-corrupt-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A real Top-KAST checkpoint (AdamW state, two sparse layers) after 12 steps. */
function realCheckpoint(): Uint8Array {
  const config = resolveTrainConfig({
    dataset: 'mnist',
    model: 'mlp',
    hidden: [16],
    activation: 'relu',
    steps: 12,
    batchSize: 32,
    optimizer: 'adamw',
    schedule: 'constant',
    seed: 1,
    method: 'topkast',
    refreshInterval: 5,
    distribution: 'uniform',
    denseLayers: ['none'],
  });
  runTraining(config, { extension: checkpointedRun({ checkpoint: { dir: root, saveEvery: 12, keep: 1 } }) });
  return new Uint8Array(readFileSync(listCheckpoints(root)[0]!.file));
}

type Mutation = (bytes: Uint8Array, random: Random) => Uint8Array;

const mutations: Record<string, Mutation> = {
  truncate: (bytes, random) => bytes.slice(0, random.nextInt(bytes.length)),
  flipBits: (bytes, random) => {
    const copy = bytes.slice();
    const flips = 1 + random.nextInt(4);
    for (let i = 0; i < flips; i++) copy[random.nextInt(copy.length)]! ^= 1 << random.nextInt(8);
    return copy;
  },
  flipHeaderBit: (bytes, random) => {
    const copy = bytes.slice();
    const headerEnd = 8 + Number(new DataView(copy.buffer).getBigUint64(0, true));
    copy[random.nextInt(headerEnd)]! ^= 1 << random.nextInt(8);
    return copy;
  },
  wrongHeaderLength: (bytes, random) => {
    const copy = bytes.slice();
    const view = new DataView(copy.buffer);
    const length = view.getBigUint64(0, true);
    const delta = BigInt(1 + random.nextInt(64)) * (random.next() < 0.5 ? -8n : 8n);
    view.setBigUint64(0, random.next() < 0.2 ? BigInt(random.nextUint32()) << 24n : length + delta, true);
    return copy;
  },
  randomRun: (bytes, random) => {
    const copy = bytes.slice();
    const start = random.nextInt(copy.length);
    const end = Math.min(copy.length, start + 1 + random.nextInt(64));
    for (let i = start; i < end; i++) copy[i] = random.nextInt(256);
    return copy;
  },
  appendOrDrop: (bytes, random) => {
    const extra = 1 + random.nextInt(16);
    if (random.next() < 0.5) return bytes.slice(0, bytes.length - extra);
    const longer = new Uint8Array(bytes.length + extra);
    longer.set(bytes);
    return longer;
  },
};

describe('corrupt checkpoints', () => {
  const original = realCheckpoint();
  const reference = decodeCheckpoint(original, 'ok');

  it('a whole checkpoint reads back', () => {
    expect(reference.state.progress.step).toBe(12);
    expect(reference.state.controller.churn.map((record) => record.step)).toEqual([4, 9, 11]); // and after the last step
  });

  for (const [name, mutate] of Object.entries(mutations)) {
    it(`${name}: every damaged copy (200 seeds) is refused with an error naming the file`, () => {
      let refused = 0;
      for (let seed = 0; seed < 200; seed++) {
        const bytes = mutate(original, new Random(seed));
        if (Buffer.compare(bytes, original) === 0) continue;
        let error: unknown;
        try {
          decodeCheckpoint(bytes, `damaged-${seed}.safetensors`);
        } catch (caught) {
          error = caught;
        }
        expect(error, `seed ${seed} loaded damaged data`).toBeInstanceOf(Error);
        expect((error as Error).message).toContain(`damaged-${seed}.safetensors`);
        refused++;
      }
      expect(refused).toBeGreaterThan(190);
    });
  }

  it('another format version is refused by name, even with a valid checksum', () => {
    const { tensors, metadata } = decodeSafetensors(original, 'ok');
    const { checksum: _checksum, ...rest } = metadata;
    const v2 = encodeChecksummed(tensors, { ...rest, format_version: '2' });
    expect(() => decodeCheckpoint(v2, 'v2.safetensors')).toThrow(
      /v2\.safetensors has checkpoint format version 2; this topkast reads version 1/,
    );
    const other = encodeChecksummed(tensors, { ...rest, format: 'something-else' });
    expect(() => decodeCheckpoint(other, 'x.safetensors')).toThrow(
      /x\.safetensors is not a topkast checkpoint/,
    );
  });
});

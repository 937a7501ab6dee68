import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkpointFileName } from '../checkpoint/checkpointDir.js';
import { cli } from './testing.js';

/** Every file of a directory with the SHA-256 of its bytes. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    files[name] = createHash('sha256')
      .update(readFileSync(join(dir, name)))
      .digest('hex');
  }
  return files;
}

const root = mkdtempSync(join(tmpdir(), 'topkast-ckpt-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const quick = [
  'train',
  '--dataset',
  'mnist',
  '--hidden',
  '16',
  '--steps',
  '30',
  '--batch-size',
  '64',
  '--no-progress',
];

describe('train checkpoint flags', () => {
  const dir = join(root, 'run');

  it('saves every --save-every steps and at the end, keeping the newest --keep', async () => {
    const result = await cli(...quick, '--checkpoint-dir', dir, '--save-every', '7', '--keep', '2');
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual([checkpointFileName(28), checkpointFileName(30)]);
  });

  it('refuses, before any work, what cannot be right, and changes no file', async () => {
    const before = snapshot(dir);
    const cases: [string[], string][] = [
      [[...quick, '--save-every', '5'], '--save-every and --keep need --checkpoint-dir'],
      [
        [...quick, '--checkpoint-dir', dir],
        `--checkpoint-dir ${dir} already holds checkpoints: continue that run with --resume ${dir}`,
      ],
      [
        ['train', '--resume', dir, '--lr', '0.2'],
        `--lr 0.2 contradicts the run being resumed (${join(dir, checkpointFileName(30))} has 0.05)`,
      ],
      [['train', '--resume', dir, '--hidden', '32'], '--hidden [32] contradicts the run being resumed'],
      [['train', '--resume', join(root, 'nothing')], `${join(root, 'nothing')} holds no checkpoint`],
      [['train', '--resume', dir, '--save-every', '0'], "option '--save-every <n>' argument '0' is invalid"],
    ];
    for (const [argv, message] of cases) {
      const result = await cli(...argv);
      expect(result.code, argv.join(' ')).toBe(1);
      expect(result.err).toContain(message);
      expect(result.err.trim().split('\n')).toHaveLength(1);
    }
    expect(snapshot(dir)).toEqual(before);
  });

  it('a resumed finished run accepts flags equal to its config and reports the same result', async () => {
    const first = await cli(...quick);
    const again = await cli('train', '--resume', dir, '--hidden', '16', '--no-progress');
    expect(again.code).toBe(0);
    const accuracy = (text: string) => /test accuracy (\S+)/.exec(text)?.[1];
    expect(accuracy(again.out)).toBe(accuracy(first.out));
  });

  it('a damaged newest checkpoint: --resume refuses, names it and the valid older one, touches nothing', async () => {
    const damaged = join(root, 'damaged');
    mkdirSync(damaged);
    for (const name of readdirSync(dir)) writeFileSync(join(damaged, name), readFileSync(join(dir, name)));
    const newest = join(damaged, checkpointFileName(30));
    const bytes = readFileSync(newest);
    bytes[bytes.length - 100]! ^= 0x10;
    writeFileSync(newest, bytes);
    const before = snapshot(damaged);
    const result = await cli('train', '--resume', damaged, '--no-progress');
    expect(result.code).toBe(1);
    expect(result.err).toContain(`cannot resume: ${newest} is corrupt: its checksum does not match`);
    expect(result.err).toContain(
      `the newest valid one is ${join(damaged, checkpointFileName(28))} (step 28): move ${newest} aside`,
    );
    expect(snapshot(damaged)).toEqual(before);
  });
});

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeResult } from '../run/runTraining.js';
import type { TrainingSummary } from '../train/summary.js';
import { cli } from './testing.js';

const root = join(import.meta.dirname, '..', '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };

describe('the package', () => {
  it('topkast --version prints the version of package.json, in-process and from the built executable', async () => {
    expect(await cli('--version')).toEqual({ code: 0, out: `${manifest.version}\n`, err: '' });
    const built = join(root, 'dist', 'src', 'cli', 'main.js');
    if (existsSync(built)) {
      expect(execFileSync(process.execPath, [built, '--version'], { encoding: 'utf8' })).toBe(
        `${manifest.version}\n`,
      );
    }
  });

  it('the tarball ships the library, its sources for the source maps, LICENSE and README; no wasm build output, benchmarks or tests', () => {
    const [pack] = JSON.parse(
      execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
        cwd: root,
        encoding: 'utf8',
      }),
    ) as [{ files: { path: string }[] }];
    const files = new Set(pack.files.map((file) => file.path));
    for (const needed of [
      'LICENSE',
      'README.md',
      'package.json',
      'dist/src/index.js',
      'dist/src/cli/main.js',
    ]) {
      expect(files.has(needed), needed).toBe(true);
    }
    const unwanted = [...files].filter((file) =>
      /^(build|dist\/bench|dist\/examples|bench|assembly)\/|\.test\.|\/testing\./.test(file),
    );
    expect(unwanted).toEqual([]);
    const maps = [...files].filter((file) => file.endsWith('.js.map'));
    expect(maps.length).toBeGreaterThan(50);
    for (const map of maps) {
      const { sources } = JSON.parse(readFileSync(join(root, map), 'utf8')) as { sources: string[] };
      for (const source of sources) {
        const path = normalize(join(dirname(map), source));
        expect(files.has(path), `${map} → ${path}`).toBe(true);
      }
    }
  });

  it('the result line says "1 epoch" and gives sub-second runs in milliseconds', () => {
    const summary = { steps: 3, epochs: 1, testAccuracy: 0.5, testLoss: 1, trainSeconds: 0.0423 } as const;
    const line = (over: object) =>
      describeResult({
        ...summary,
        timing: { stepMsMedian: 1.25 },
        backend: 'wasm-simd',
        ...over,
      } as unknown as TrainingSummary);
    expect(line({})).toBe(
      'test accuracy 0.5000 | test loss 1.0000 | 3 steps (1 epoch) in 42 ms | 1.3 ms/step median | wasm-simd',
    );
    expect(line({ epochs: 2, trainSeconds: 12.34 })).toContain('3 steps (2 epochs) in 12.3 s |');
  });
});

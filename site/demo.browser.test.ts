/**
 * The demo page as a visitor uses it: the site is built with Vite (as `npm run build:site` builds it), served
 * from a local HTTP server without cross-origin isolation headers (the common static host), and opened in
 * headless Chromium (Debian's, driven by playwright-core). Start trains dense and Top-KAST 90% side by side
 * in two workers; both must finish with test accuracy ≥ 0.75, the page must log no console error and request
 * nothing outside itself, and each download must be the model it trained: read back in Node, it scores the
 * accuracy the page shows. Served again under COOP/COEP, the page is cross-origin isolated and a short run
 * trains the same way (one kernel thread per worker). Skipped, with a message, only outside CI when
 * /usr/bin/chromium is missing.
 *
 * The data: the shipped subset (data/fashion-mnist-subset: 4,000 training and 1,000 test images).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeInferenceFile } from '../src/checkpoint/exportModel.js';
import { inferenceModel } from '../src/checkpoint/inferenceModel.js';
import { fashionMnistSubset } from '../src/data/fashionMnistSubset.js';
import { evaluate } from '../src/train/evaluate.js';
import { CHROMIUM, watchPage } from '../src/util/testing.js';

const skip = !existsSync(CHROMIUM) && !process.env.CI;
if (skip) console.warn(`demo browser test skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);

const SHIPPED_DATA = join(
  import.meta.dirname,
  '..',
  'data',
  'fashion-mnist-subset',
  'fashion-mnist-subset.bin.gz',
);

/** The subset file as the page reads it. */
function subset(file: string) {
  return fashionMnistSubset(readFileSync(file), file);
}

const types: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.gz': 'application/gzip',
};

/** The headers that make a page cross-origin isolated. */
const ISOLATION = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
};

/** Serves `root`'s files, nothing else; with `isolated`, under the isolation headers. */
function serve(root: string, isolated: boolean): Promise<Server> {
  const server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url!, 'http://x').pathname));
    const file = join(root, path === '/' ? 'index.html' : path);
    if (!file.startsWith(root) || !existsSync(file) || !statSync(file).isFile()) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, {
      'content-type': types[extname(file)] ?? 'application/octet-stream',
      ...(isolated ? ISOLATION : {}),
    });
    response.end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe.skipIf(skip)('the demo page in headless Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'topkast-demo-'));
  const out = join(dir, 'site');
  const data = SHIPPED_DATA;
  let server: Server;
  let isolatedServer: Server;
  let browser: Browser;

  beforeAll(async () => {
    process.env.TOPKAST_DEMO_DATA = data;
    await build({
      configFile: join(import.meta.dirname, 'vite.config.ts'),
      logLevel: 'error',
      build: { outDir: out },
    });
    server = await serve(out, false);
    isolatedServer = await serve(out, true);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    server?.close();
    isolatedServer?.close();
    delete process.env.TOPKAST_DEMO_DATA;
    rmSync(dir, { recursive: true, force: true });
  });

  /** Opens the page served by `on`, recording console errors and every request. */
  async function open(on: Server) {
    const origin = `http://127.0.0.1:${(on.address() as AddressInfo).port}`;
    const page = await browser.newPage();
    const { errors, requests } = watchPage(page);
    await page.goto(`${origin}/`);
    const start = page.getByTestId('start');
    await expect.poll(() => start.isEnabled(), { timeout: 20_000 }).toBe(true);
    const outside = () => requests.filter((url) => !url.startsWith(`${origin}/`) && !url.startsWith('blob:'));
    return { page, start, errors, outside };
  }

  /** The final accuracies once both runs have finished, in page order. */
  async function finalAccuracies(page: Page, timeout: number) {
    const finals = page.getByTestId('final-accuracy');
    await expect
      .poll(async () => (await finals.allTextContents()).filter((t) => t !== '').length, { timeout })
      .toBe(2);
    return finals.evaluateAll((outputs) =>
      outputs.map((o) => ({ method: o.getAttribute('data-method'), accuracy: Number(o.textContent) })),
    );
  }

  it('trains dense and Top-KAST 90% side by side to ≥ 0.75 test accuracy, and hands over both models', async () => {
    const { page, start, errors, outside } = await open(server);
    await start.click();
    const results = await finalAccuracies(page, 50_000);
    expect(results.map((r) => r.method)).toEqual(['dense', 'topkast']);
    for (const { accuracy } of results) expect(accuracy).toBeGreaterThanOrEqual(0.75);
    // every chart drew, and the mask picture is the first layer's (256 × 784 weights in cells of 4 × 7)
    const charts = await page.$$eval('svg.chart', (svgs) =>
      svgs.map((svg) => svg.getAttribute('data-chart')),
    );
    expect(charts.sort()).toEqual(['accuracy', 'churn', 'density', 'loss', 'step-time']);
    expect(await page.locator('#mask').evaluate((c: HTMLCanvasElement) => [c.width, c.height])).toEqual([
      112, 64,
    ]);
    expect(await page.locator('#mask-caption').textContent()).toContain('fc1.weight (256 × 784 weights)');

    // the downloads, read back in Node, score what the page shows
    const downloads = await page.$$eval('.download a', (links) =>
      Promise.all(
        links.map(async (a) => [
          ...new Uint8Array(await (await fetch((a as HTMLAnchorElement).href)).arrayBuffer()),
        ]),
      ),
    );
    const { test, normalization } = await subset(data);
    downloads.forEach((bytes, i) => {
      const { model } = inferenceModel(decodeInferenceFile(Uint8Array.from(bytes), 'download'), 'download');
      const { accuracy } = evaluate(model, test, {
        inputSize: 784,
        normalization,
      });
      model.dispose?.();
      expect(accuracy.toFixed(4)).toBe(results[i]!.accuracy.toFixed(4));
    });

    expect(errors).toEqual([]);
    expect(outside()).toEqual([]);
    await page.close();
  }, 90_000);

  it('trains the same under cross-origin isolation (COOP/COEP), one kernel thread per worker', async () => {
    const { page, start, errors, outside } = await open(isolatedServer);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    expect(await page.locator('#status').textContent()).toContain('this page is cross-origin isolated');
    await page.locator('#epochs').fill('1');
    await start.click();
    const results = await finalAccuracies(page, 30_000);
    expect(results.map((r) => r.method)).toEqual(['dense', 'topkast']);
    for (const { accuracy } of results) expect(accuracy).toBeGreaterThan(0.3);
    const kernels = await page.locator('[data-field="kernels"]').allTextContents();
    expect(kernels).toEqual([expect.stringMatching(/, 1 thread$/), expect.stringMatching(/, 1 thread$/)]);
    expect(errors).toEqual([]);
    expect(outside()).toEqual([]);
    await page.close();
  }, 60_000);
});

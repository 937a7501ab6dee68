/**
 * The consumer page (page/) built with Vite against an installed topkast and run in headless Chromium (Debian's,
 * driven by playwright-core, which downloads nothing): for the installed-package test and the `browser` part of
 * the benchmarks.
 */
import { cpSync, existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import type { PageRun } from './page/training.js';

export const CHROMIUM = '/usr/bin/chromium';

/** The page's sources: beside this file, or in the checkout when this file runs from dist/examples/browser. */
const pageSources = [
  join(import.meta.dirname, 'page'),
  join(import.meta.dirname, '..', '..', '..', 'examples', 'browser', 'page'),
].find((dir) => existsSync(join(dir, 'index.html')))!;

/** Whether Chromium is there to run the page. */
export const hasChromium = (): boolean => existsSync(CHROMIUM);

/**
 * Copies the page's sources into `dir`/page and builds them with Vite into `dir`/dist; `dir`/node_modules must
 * hold topkast (installed from its tarball, or linked to a checkout). Returns the built directory.
 */
export async function buildConsumerPage(dir: string): Promise<string> {
  const page = join(dir, 'page');
  for (const file of ['index.html', 'main.ts', 'training.ts'])
    cpSync(join(pageSources, file), join(page, file));
  const outDir = join(dir, 'dist');
  await build({
    configFile: false,
    logLevel: 'silent',
    root: page,
    base: './',
    build: { outDir, emptyOutDir: true },
  });
  return outDir;
}

export interface PageResult {
  readonly run: PageRun;
  /** Console errors and uncaught exceptions. */
  readonly errors: string[];
  /** Every request the page made that did not go to its own server. */
  readonly outsideRequests: string[];
}

/**
 * Serves `dir` on a loopback port, opens its page in headless Chromium to train for `steps` steps (with these
 * hidden layers), and reports.
 */
export async function runConsumerPage(
  dir: string,
  steps: number,
  { hidden = [256, 256], timeoutMs = 120_000 } = {},
): Promise<PageResult> {
  const server = createServer(async (request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname));
    try {
      const body = await readFile(join(dir, path === '/' ? 'index.html' : path));
      response.writeHead(200, { 'content-type': contentTypes[extname(path)] ?? 'application/octet-stream' });
      response.end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    const outsideRequests: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('request', (request) => {
      if (!request.url().startsWith(origin)) outsideRequests.push(request.url());
    });
    await page.goto(`${origin}/index.html?steps=${steps}&hidden=${hidden.join(',')}`);
    await Promise.race([
      page.waitForSelector('#result[data-done]', { timeout: timeoutMs }),
      new Promise((_, reject) => page.on('pageerror', reject)),
    ]);
    const run = (await page.evaluate(
      () => (window as unknown as { topkastRun: PageRun }).topkastRun,
    )) as PageRun;
    return { run, errors, outsideRequests };
  } finally {
    await browser.close();
    server.close();
  }
}

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.gz': 'application/gzip',
};

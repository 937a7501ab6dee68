/**
 * The report as a browser shows it: pages made from synthetic summaries and from real tiny `compare` runs
 * (an MLP on MNIST, a transformer on Austen) are opened in headless Chromium (Debian's, driven by playwright-core), and every chart must have rendered
 * with the expected numbers of lines, points and bars, inside its box, with no console errors and no request
 * beyond the page itself. Skipped, with a message, only outside CI when /usr/bin/chromium is missing.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BrowserContext, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/program.js';
import { tinyTransformer } from '../cli/testing.js';
import type { TextRunSummary } from '../train/summary.js';
import { CHROMIUM, watchPage } from '../util/testing.js';
import { compareLabel } from './reportRun.js';
import { syntheticComparison } from './testing.js';

const skip = !existsSync(CHROMIUM) && !process.env.CI;
if (skip) console.warn(`report browser tests skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);

/** What the page shows of one chart. */
interface RenderedChart {
  id: string;
  width: number;
  height: number;
  lines: number;
  points: number;
  bars: number;
  errorBars: number;
  references: number;
  axisLabels: string[];
  /** Data marks whose box leaves the chart's box. */
  outside: number;
}

interface RenderedPage {
  charts: RenderedChart[];
  /** The page's text as shown. */
  text: string;
  errors: string[];
  requests: string[];
}

/** Silent CLI output; the error text when a command fails. */
async function cli(...argv: string[]): Promise<void> {
  let err = '';
  const code = await runCli(argv, {
    out: () => {},
    err: (text) => {
      err += text;
    },
    progress: { write: () => true, isTTY: false },
  });
  if (code !== 0) throw new Error(`topkast ${argv[0]} failed: ${err}`);
}

describe.skipIf(skip)('the HTML report in headless Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'topkast-report-browser-'));
  let context: BrowserContext;

  beforeAll(async () => {
    context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }, 30_000);
  afterAll(async () => {
    await context?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Opens the page, measures every chart, and keeps a screenshot beside the system's temporary files. */
  async function render(file: string, screenshot: string): Promise<RenderedPage> {
    const page = await context.newPage();
    const { errors, requests } = watchPage(page);
    await page.goto(pathToFileURL(file).href);
    const charts = await page.$$eval('svg.chart', (svgs) =>
      svgs.map((svg) => {
        const box = svg.getBoundingClientRect();
        const marks = [...svg.querySelectorAll('.data > *')].map((mark) => mark.getBoundingClientRect());
        return {
          id: svg.getAttribute('data-chart') ?? '',
          width: box.width,
          height: box.height,
          lines: svg.querySelectorAll('path.series').length,
          points: svg.querySelectorAll('circle.point').length,
          bars: svg.querySelectorAll('rect.bar').length,
          errorBars: svg.querySelectorAll('path.error-bar').length,
          references: svg.querySelectorAll('line.reference').length,
          axisLabels: [...svg.querySelectorAll('.axis-label')].map((t) => t.textContent ?? ''),
          outside: marks.filter(
            (m) =>
              m.left < box.left - 1 ||
              m.right > box.right + 1 ||
              m.top < box.top - 1 ||
              m.bottom > box.bottom + 1,
          ).length,
        };
      }),
    );
    const text = await page.innerText('body');
    await page.screenshot({ path: join(tmpdir(), screenshot), fullPage: true });
    await page.close();
    return { charts, text, errors, requests };
  }

  function chart(page: RenderedPage, id: string): RenderedChart {
    const found = page.charts.find((c) => c.id === id);
    if (found === undefined)
      throw new Error(`no chart ${id} among ${page.charts.map((c) => c.id).join(', ')}`);
    return found;
  }

  /**
   * Runs `topkast compare` with `flags` into DIR/`name`, reports it and renders the page, which must show no
   * console error, fetch nothing beyond itself, and draw every chart with its marks inside it.
   */
  async function reportOfCompare(name: string, flags: readonly string[]): Promise<RenderedPage> {
    const out = join(dir, name);
    await cli('compare', ...flags, '--out', out, '--no-progress');
    const file = join(dir, `${name}.html`);
    await cli('report', '--from', out, '--out', file);
    const page = await render(file, `topkast-report-${name}.png`);
    expect(page.errors).toEqual([]);
    expect(page.requests).toEqual([pathToFileURL(file).href]);
    for (const c of page.charts) {
      expect(c.width * c.height, c.id).toBeGreaterThan(0);
      expect(c.outside, c.id).toBe(0);
    }
    return page;
  }

  it('renders every chart of synthetic compare runs, with a metrics log for one', async () => {
    const out = join(dir, 'synthetic');
    const summaries = syntheticComparison();
    mkdirSync(join(out, 'runs'), { recursive: true });
    for (const summary of summaries) {
      writeFileSync(join(out, 'runs', `${compareLabel(summary)}.json`), JSON.stringify(summary));
    }
    const metrics = join(dir, 'topkast-0.9-seed1.jsonl');
    const lines = Array.from({ length: 30 }, (_, i) => ({
      type: 'step',
      step: (i + 1) * 10,
      loss: 2 / (i + 1),
    }));
    writeFileSync(metrics, lines.map((line) => JSON.stringify(line)).join('\n'));
    const file = join(dir, 'synthetic.html');
    await cli('report', '--from', out, '--out', file, '--metrics', metrics);

    const page = await render(file, 'topkast-report-synthetic.png');
    expect(page.errors).toEqual([]);
    expect(page.requests).toEqual([pathToFileURL(file).href]);
    // 1 comparison chart; per run loss and accuracy; per sparse run (8 of 10) density and churn
    expect(page.charts).toHaveLength(1 + 10 * 2 + 8 * 2);
    for (const c of page.charts) {
      expect(c.width, c.id).toBeGreaterThan(200);
      expect(c.height, c.id).toBeGreaterThan(150);
      expect(c.outside, c.id).toBe(0);
      expect(c.axisLabels, c.id).toHaveLength(2);
    }

    // Top-KAST and RigL at 80% and 90%, two seeds each (std > 0); dense as the reference line
    expect(chart(page, 'accuracy-sparsity')).toMatchObject({
      lines: 2,
      points: 4,
      errorBars: 4,
      references: 1,
      axisLabels: ['forward sparsity', 'test accuracy'],
    });
    const ids = summaries.map(compareLabel).sort(); // runs/*.json are read in name order
    const metricsRun = ids.indexOf('topkast-0.9-seed1');
    const denseRun = ids.indexOf('dense-seed0');
    // three epochs: train and test loss with a marker each, plus the logged steps' line (no markers)
    expect(chart(page, `loss-${metricsRun}`)).toMatchObject({ lines: 3, points: 6 });
    expect(chart(page, `loss-${denseRun}`)).toMatchObject({ lines: 2, points: 6 });
    expect(chart(page, `accuracy-${denseRun}`)).toMatchObject({
      lines: 1,
      points: 3,
      axisLabels: ['step', 'test accuracy'],
    });
    // two sparse layers: forward and backward bars; four refreshes of each layer
    expect(chart(page, `density-${metricsRun}`)).toMatchObject({
      bars: 4,
      axisLabels: ['sparse layer', 'density (fraction kept)'],
    });
    expect(chart(page, `churn-${metricsRun}`)).toMatchObject({ lines: 2, points: 8 });
    expect(page.charts.some((c) => c.id === `density-${denseRun}`)).toBe(false);
  }, 30_000);

  it('renders the report of a real tiny compare run', async () => {
    const page = await reportOfCompare('compare', [
      ...['--dataset', 'mnist', '--hidden', '32', '--steps', '30', '--batch-size', '64'],
      ...['--methods', 'dense,topkast', '--sparsities', '0.8,0.9', '--dense-layers', 'none'],
      ...['--refresh-interval', '10'],
    ]);
    // runs: dense, topkast 80%, topkast 90%; dense has no sparse layers and no refreshes
    expect(page.charts.map((c) => c.id)).toEqual([
      'accuracy-sparsity',
      'loss-0',
      'accuracy-0',
      'loss-1',
      'accuracy-1',
      'density-1',
      'churn-1',
      'loss-2',
      'accuracy-2',
      'density-2',
      'churn-2',
    ]);
    // one seed: no error bars
    expect(chart(page, 'accuracy-sparsity')).toMatchObject({
      lines: 1,
      points: 2,
      errorBars: 0,
      references: 1,
    });
    // 30 steps are part of one epoch: one evaluation
    expect(chart(page, 'accuracy-1')).toMatchObject({ lines: 1, points: 1 });
    // both layers of the 784-32-10 MLP are sparse
    expect(chart(page, 'density-2')).toMatchObject({ bars: 4 });
    expect(chart(page, 'churn-2').lines).toBe(2);
    expect(chart(page, 'churn-2').points).toBeGreaterThanOrEqual(2 * 2);
  }, 60_000);

  it('renders the report of a real tiny language-model compare run', async () => {
    const page = await reportOfCompare('text-compare', [
      ...tinyTransformer,
      ...['--steps', '20', '--eval-every', '10', '--eval-chars', '512', '--seeds', '2'],
      ...['--methods', 'dense,topkast', '--sparsities', '0.8,0.9', '--refresh-interval', '5'],
    ]);
    // runs in compare's order: seed 0's dense, 80%, 90%, then seed 1's; dense has no sparse layers
    const sparseRun = (i: number) => [`density-${i}`, `churn-${i}`];
    expect(page.charts.map((c) => c.id)).toEqual([
      'bpc-sparsity',
      ...[0, 1, 2, 3, 4, 5].flatMap((i) => [`loss-${i}`, `bpc-${i}`, ...(i % 3 === 0 ? [] : sparseRun(i))]),
    ]);
    expect(page.charts).toHaveLength(1 + 6 * 2 + 4 * 2);
    // two seeds: an error bar at each sparsity; dense as the reference line
    expect(chart(page, 'bpc-sparsity')).toMatchObject({
      lines: 1,
      points: 2,
      errorBars: 2,
      references: 1,
      axisLabels: ['forward sparsity', 'test bits/char (lower is better)'],
    });
    // 20 steps evaluated every 10: two periods
    expect(chart(page, 'bpc-1')).toMatchObject({
      lines: 1,
      points: 2,
      axisLabels: ['step', 'validation bits/char (lower is better)'],
    });
    expect(chart(page, 'loss-1')).toMatchObject({ lines: 2, points: 4 });
    // query, key, value, output, fc1 and fc2 sparse: two bars and one churn line each
    expect(chart(page, 'density-1')).toMatchObject({ bars: 12 });
    expect(chart(page, 'churn-1').lines).toBe(6);
    // every run's validation and test BPC is on the page, as compare measured them
    const { runs } = JSON.parse(readFileSync(join(dir, 'text-compare', 'results.json'), 'utf8')) as {
      runs: TextRunSummary[];
    };
    expect(runs).toHaveLength(6);
    for (const run of runs) {
      const { validation, test } = run.bitsPerCharacter;
      expect(page.text).toContain(
        `validation bits/char ${validation.toFixed(4)} · test bits/char ${test.toFixed(4)}`,
      );
    }
  }, 60_000);
});

import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareLabel } from '../report/reportRun.js';
import {
  syntheticComparison,
  syntheticSummary,
  syntheticTextComparison,
  syntheticTextSummary,
} from '../report/testing.js';
import type { TrainingSummary } from '../train/summary.js';
import { cli, tinyTransformer } from './testing.js';

/** The data-chart names of a page's charts, in order. */
const chartIds = (html: string) =>
  [...html.matchAll(/<svg class="chart" data-chart="([^"]+)"/g)].map((m) => m[1]);

/** The SVG of one chart of a page. */
const chartSvg = (html: string, id: string) =>
  new RegExp(`<svg class="chart" data-chart="${id}"[\\s\\S]*?</svg>`).exec(html)![0];

/** The table cells of a page's table rows, one list per row. */
const tableRows = (html: string) =>
  [...html.matchAll(/<tr><td>(.*?)<\/td><\/tr>/g)].map((m) => m[1]!.split('</td><td>'));

const root = mkdtempSync(join(tmpdir(), 'topkast-report-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A `compare --out` directory before results.json: DIR/runs/<label>.json for each summary. */
function compareDirOf(name: string, runs: readonly TrainingSummary[]): string {
  const dir = join(root, name);
  mkdirSync(join(dir, 'runs'), { recursive: true });
  for (const summary of runs) {
    writeFileSync(join(dir, 'runs', `${compareLabel(summary)}.json`), JSON.stringify(summary));
  }
  return dir;
}

const summaries = syntheticComparison();
const compareDir = compareDirOf('compare', summaries);
const resultsFile = join(root, 'results.json');
writeFileSync(resultsFile, JSON.stringify({ runs: summaries }));
const textSummaries = syntheticTextComparison();
const textCompareDir = compareDirOf('text-compare', textSummaries);
const mixedDir = join(root, 'mixed');
mkdirSync(mixedDir, { recursive: true });
writeFileSync(join(mixedDir, 'image.json'), JSON.stringify(summaries[0]));
writeFileSync(join(mixedDir, 'text.json'), JSON.stringify(textSummaries[0]));
const single = join(root, 'my-run.json');
writeFileSync(
  single,
  JSON.stringify(syntheticSummary({ method: 'topkast', sparsity: 0.9, seed: 3, testAccuracy: 0.8 })),
);

describe('topkast report', () => {
  it('reads a compare directory from runs/*.json when results.json is not there yet', async () => {
    const out = join(root, 'from-dir.html');
    const result = await cli('report', '--from', compareDir, '--out', out);
    expect(result.err).toBe('');
    expect(result.out).toBe(`wrote ${out} (10 runs, 37 charts)\n`);
    const html = readFileSync(out, 'utf8');
    expect(chartIds(html)[0]).toBe('accuracy-sparsity');
    expect(html).not.toMatch(/<(script|link|img)\b|url\(/); // self-contained: nothing to fetch
  });

  it('shows the same runs and rows from results.json (rows computed from its runs)', async () => {
    const [fromDir, fromFile] = [join(root, 'a.html'), join(root, 'b.html')];
    await cli('report', '--from', compareDir, '--out', fromDir);
    expect((await cli('report', '--from', resultsFile, '--out', fromFile)).code).toBe(0);
    // runs/*.json are read in name order, results.json in run order: compare as sets
    const headings = (html: string) => [...html.matchAll(/<h2>([^<]+)<\/h2>/g)].map((m) => m[1]).sort();
    const rows = (html: string) =>
      [.../<section id="comparison">[\s\S]*?<\/section>/.exec(html)![0].matchAll(/<tr><td>.*?<\/tr>/g)]
        .map((m) => m[0])
        .sort();
    const [a, b] = [readFileSync(fromDir, 'utf8'), readFileSync(fromFile, 'utf8')];
    expect(headings(b)).toEqual(headings(a));
    expect(headings(b)).toHaveLength(2 + 10); // comparison, runs, and one per run
    expect(chartIds(b)).toHaveLength(chartIds(a).length);
    expect(rows(b)).toEqual(rows(a));
    expect(rows(b)).toHaveLength(5);
    // Top-KAST 80%: seeds at 93% and 94%
    expect(rows(b)).toContain(
      '<tr><td>topkast</td><td>80% / 40%</td><td>12%</td><td>93.50% ± 0.71</td><td>2</td><td>0.600</td><td>0.680</td><td>0.825</td><td>0.500</td></tr>',
    );
  });

  it.each([
    {
      kind: 'an image classifier',
      summary: syntheticSummary({ method: 'topkast', sparsity: 0.9, seed: 3, testAccuracy: 0.8 }),
      period: { type: 'epoch', step: 100, epoch: 1, trainLoss: 1, testAccuracy: 0.7, testLoss: 1 },
      charts: ['accuracy-sparsity', 'loss-0', 'accuracy-0', 'density-0', 'churn-0'],
      series: ['train loss (logged steps)', 'train loss (epoch mean)', 'test loss'],
    },
    {
      kind: 'a language model',
      summary: syntheticTextSummary({ method: 'topkast', sparsity: 0.9, seed: 0, testBpc: 2.5 }),
      period: {
        type: 'epoch',
        step: 100,
        epoch: 1,
        trainLoss: 2.9,
        validationLoss: 2.1,
        validationBpc: 3.03,
      },
      charts: ['bpc-sparsity', 'loss-0', 'bpc-0', 'density-0', 'churn-0'],
      series: ['train loss (logged steps)', 'train loss (period mean)', 'validation loss'],
    },
  ])('reads one run summary of $kind, with its metrics log', async ({ summary, period, charts, series }) => {
    const file = join(root, `${summary.dataset}-run.json`);
    writeFileSync(file, JSON.stringify(summary));
    const metrics = join(root, `${summary.dataset}-log.jsonl`);
    const lines = [
      { type: 'step', step: 10, epoch: 1, loss: 2, lr: 0.1, stepMs: 1 },
      period,
      { type: 'step', step: 20, epoch: 1, loss: 1.5, lr: 0.1, stepMs: 1 },
    ];
    writeFileSync(metrics, `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`);
    const out = join(root, `${summary.dataset}-run.html`);
    const result = await cli('report', '--from', file, '--out', out, '--metrics', metrics);
    expect(result.out).toBe(`wrote ${out} (1 run, 5 charts)\n`);
    const html = readFileSync(out, 'utf8');
    expect(chartIds(html)).toEqual(charts);
    const loss = chartSvg(html, 'loss-0');
    expect(loss.match(/<path class="series"/g)).toHaveLength(3);
    for (const name of series) expect(loss).toContain(`>${name}</text>`);
  });

  /** Trains with `flags`, saving every 10 steps into DIR/`name`, and reports the directory: its page. */
  async function reportOfCheckpoints(name: string, flags: readonly string[]): Promise<string> {
    const dir = join(root, name);
    const train = await cli(
      'train',
      ...flags,
      '--no-progress',
      '--checkpoint-dir',
      dir,
      '--save-every',
      '10',
    );
    expect(train.err).toBe('');
    const out = join(root, `${name}.html`);
    expect((await cli('report', '--from', dir, '--out', out)).out).toBe(`wrote ${out} (1 run, 4 charts)\n`);
    return readFileSync(out, 'utf8');
  }

  it('reads the newest checkpoint of a run', async () => {
    const html = await reportOfCheckpoints('checkpoints', [
      ...['--dataset', 'mnist', '--hidden', '16', '--steps', '20', '--batch-size', '64'],
      ...['--method', 'topkast', '--sparsity', '0.9', '--dense-layers', 'none', '--refresh-interval', '5'],
    ]);
    expect(chartIds(html)).toEqual(['loss-0', 'accuracy-0', 'density-0', 'churn-0']);
    // both layers of 784-16-10 at 10% forward density (±1 weight of rounding), one churn line each
    const density = /data-chart="density-0"[\s\S]*?<\/svg>/.exec(html)![0];
    const forward = [...density.matchAll(/<title>[^<]* forward \(A\): ([\d.]+)<\/title>/g)].map((m) =>
      Number(m[1]),
    );
    expect(forward).toHaveLength(2);
    for (const value of forward) expect(value).toBeCloseTo(0.1, 2);
    const churn = /data-chart="churn-0"[\s\S]*?<\/svg>/.exec(html)![0];
    expect(churn.match(/<path class="series"/g)).toHaveLength(2);
  });

  it('reports language-model runs: test bits per character against sparsity, validation BPC per run', async () => {
    const out = join(root, 'text.html');
    const result = await cli('report', '--from', textCompareDir, '--out', out);
    expect(result.err).toBe('');
    // 1 comparison chart; per run loss and validation BPC; per Top-KAST run (4 of 6) density and churn
    expect(result.out).toBe(`wrote ${out} (6 runs, ${1 + 6 * 2 + 4 * 2} charts)\n`);
    const html = readFileSync(out, 'utf8');
    // runs/*.json in name order: dense-seed0, dense-seed1, topkast-0.8-seed0, …
    expect(chartIds(html).slice(0, 8)).toEqual([
      'bpc-sparsity',
      'loss-0',
      'bpc-0',
      'loss-1',
      'bpc-1',
      'loss-2',
      'bpc-2',
      'density-2',
    ]);
    expect(html).toContain('<h2>Bits per character against sparsity</h2>');
    expect(html).not.toContain('accuracy');
    const sparsity = chartSvg(html, 'bpc-sparsity');
    expect(sparsity).toContain('>test bits/char (lower is better)</text>');
    expect(sparsity.match(/<path class="series"/g)).toHaveLength(1); // Top-KAST; dense is the reference line
    expect(sparsity.match(/<path class="error-bar"/g)).toHaveLength(2);
    expect(sparsity).toContain('dense 2.0050 ± 0.0071');
    // mean ± std over the two seeds: validation 0.02 above test
    const rows = tableRows(html);
    expect(rows.slice(0, 3)).toEqual([
      ['dense', '—', '0%', '2.0250 ± 0.0071', '2.0050 ± 0.0071', '2', '1.000', '1.000', '0.825', '0.500'],
      [
        'topkast',
        '80% / 40%',
        '12%',
        '2.3250 ± 0.0071',
        '2.3050 ± 0.0071',
        '2',
        '0.600',
        '0.680',
        '0.825',
        '0.500',
      ],
      [
        'topkast',
        '90% / 45%',
        '13.5%',
        '2.4250 ± 0.0071',
        '2.4050 ± 0.0071',
        '2',
        '0.550',
        '0.640',
        '0.825',
        '0.500',
      ],
    ]);
    // the runs table: each run's own validation and test BPC
    expect(rows[3]!.slice(1)).toEqual(['dense', '0%', '0', '300', '2.0200', '2.0000', '0%']);
    const bpc = chartSvg(html, 'bpc-2');
    expect(bpc).toContain('>validation bits/char (lower is better)</text>');
    expect(bpc.match(/<circle class="point"/g)).toHaveLength(3); // three evaluation periods
    const loss = chartSvg(html, 'loss-2');
    expect(loss).toContain('validation loss');
    expect(loss).toContain('>loss (nats per character)</text>');
  });

  it('reads the newest checkpoint of a language model', async () => {
    const html = await reportOfCheckpoints('text-checkpoints', [
      ...[...tinyTransformer, '--steps', '20', '--eval-every', '5', '--eval-chars', '256'],
      ...['--method', 'topkast', '--sparsity', '0.8', '--refresh-interval', '5'],
    ]);
    expect(chartIds(html)).toEqual(['loss-0', 'bpc-0', 'density-0', 'churn-0']);
    expect(chartSvg(html, 'bpc-0').match(/<circle class="point"/g)).toHaveLength(4); // every 5 of 20 steps
    // query, key, value, output, fc1, fc2 at 20% forward density
    expect(chartSvg(html, 'density-0').match(/<rect class="bar"/g)).toHaveLength(6 * 2);
    // the whole splits are evaluated after the last step only: not in a checkpoint
    expect(tableRows(html)[0]!.slice(5, 7)).toEqual(['—', '—']);
  });

  it.each([
    [[], "error: required option '--from <path>' not specified (see `topkast report --help`)"],
    [['--from', 'nowhere'], 'nowhere does not exist: give a `topkast compare --out` directory'],
    [['--from', '{bad}'], 'is not valid JSON'],
    [['--from', '{empty}'], 'no runs found in'],
    [
      ['--from', '{notSummary}'],
      'is not a run summary (method: Invalid input: expected string, received undefined): give a file of `topkast train --json`',
    ],
    [['--from', '{emptyResults}'], 'no runs found in'],
    [['--from', '{single}', '--metrics', '{bad}'], 'line 1 is not JSON: give a metrics log'],
    [['--from', '{compare}', '--metrics', '{stray}'], 'stray.jsonl matches no run: name it after its run'],
    [
      ['--from', '{mixed}'],
      'mixed: 1 image-classification and 1 language-model runs do not share a table (test accuracy against bits per character): compare and report each kind apart',
    ],
    [['--from', '{noResult}'], 'is not a run summary (it has no testAccuracy or bitsPerCharacter)'],
  ])('refuses %j with one line naming the problem and the fix, writing nothing', async (argv, message) => {
    const files: Record<string, string> = {
      '{bad}': join(root, 'bad.json'),
      '{empty}': join(root, 'empty'),
      '{notSummary}': join(root, 'not-summary.json'),
      '{emptyResults}': join(root, 'empty-results.json'),
      '{single}': single,
      '{compare}': compareDir,
      '{stray}': join(root, 'stray.jsonl'),
      '{mixed}': mixedDir,
      '{noResult}': join(root, 'no-result.json'),
    };
    writeFileSync(files['{bad}']!, '{"runs": [');
    mkdirSync(files['{empty}']!, { recursive: true });
    writeFileSync(files['{notSummary}']!, '{"hello": 1}');
    writeFileSync(files['{emptyResults}']!, '{"runs": []}');
    writeFileSync(files['{stray}']!, '');
    const { testAccuracy: _accuracy, ...noResult } = summaries[0]!;
    writeFileSync(files['{noResult}']!, JSON.stringify(noResult));
    const out = join(root, 'refused.html');
    const result = await cli(
      'report',
      ...argv.map((a) => files[a] ?? a),
      ...(argv.length > 0 ? ['--out', out] : []),
    );
    expect(result.code).not.toBe(0);
    expect(result.err).toContain(message);
    expect(result.err.trim().split('\n')).toHaveLength(1);
    expect(existsSync(out)).toBe(false);
  });
});

import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareLabel } from '../report/reportRun.js';
import { syntheticComparison, syntheticSummary } from '../report/testing.js';
import { cli } from './testing.js';

/** The data-chart names of a page's charts, in order. */
const chartIds = (html: string) =>
  [...html.matchAll(/<svg class="chart" data-chart="([^"]+)"/g)].map((m) => m[1]);

const root = mkdtempSync(join(tmpdir(), 'topkast-report-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const summaries = syntheticComparison();
const compareDir = join(root, 'compare');
mkdirSync(join(compareDir, 'runs'), { recursive: true });
for (const summary of summaries) {
  writeFileSync(join(compareDir, 'runs', `${compareLabel(summary)}.json`), JSON.stringify(summary));
}
const resultsFile = join(root, 'results.json');
writeFileSync(resultsFile, JSON.stringify({ runs: summaries }));
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

  it('shows the same runs and rows from results.json (rows computed when it has none)', async () => {
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
      '<tr><td>topkast</td><td>80% / 40%</td><td>12%</td><td>93.50% ± 0.71</td><td>2</td><td>0.600</td><td>0.500</td></tr>',
    );
  });

  it('reads one run summary, with its metrics log', async () => {
    const metrics = join(root, 'log.jsonl');
    const lines = [
      { type: 'step', step: 10, epoch: 1, loss: 2, lr: 0.1, stepMs: 1 },
      { type: 'epoch', step: 100, epoch: 1, trainLoss: 1, testAccuracy: 0.7, testLoss: 1 },
      { type: 'step', step: 20, epoch: 1, loss: 1.5, lr: 0.1, stepMs: 1 },
    ];
    writeFileSync(metrics, `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`);
    const out = join(root, 'single.html');
    const result = await cli('report', '--from', single, '--out', out, '--metrics', metrics);
    expect(result.out).toBe(`wrote ${out} (1 run, 5 charts)\n`);
    const html = readFileSync(out, 'utf8');
    expect(chartIds(html)).toEqual(['accuracy-sparsity', 'loss-0', 'accuracy-0', 'density-0', 'churn-0']);
    const loss = /<svg class="chart" data-chart="loss-0"[\s\S]*?<\/svg>/.exec(html)![0];
    expect(loss.match(/<path class="series"/g)).toHaveLength(3); // logged steps, epoch means, test loss
    expect(loss).toContain('train loss (logged steps)');
  });

  it('reads the newest checkpoint of a run', async () => {
    const dir = join(root, 'checkpoints');
    const train = await cli(
      ...['train', '--dataset', 'mnist', '--hidden', '16', '--steps', '20', '--batch-size', '64'],
      ...['--method', 'topkast', '--sparsity', '0.9', '--dense-layers', 'none', '--refresh-interval', '5'],
      ...['--no-progress', '--checkpoint-dir', dir, '--save-every', '10'],
    );
    expect(train.err).toBe('');
    const out = join(root, 'checkpoint.html');
    expect((await cli('report', '--from', dir, '--out', out)).out).toBe(`wrote ${out} (1 run, 4 charts)\n`);
    const html = readFileSync(out, 'utf8');
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

  it.each([
    [[], "error: required option '--from <path>' not specified (see `topkast report --help`)"],
    [['--from', 'nowhere'], 'nowhere does not exist: give a `topkast compare --out` directory'],
    [['--from', '{bad}'], 'is not valid JSON'],
    [['--from', '{empty}'], 'no runs found in'],
    [['--from', '{notSummary}'], 'is not a run summary (no method): give a file of `topkast train --json`'],
    [['--from', '{emptyResults}'], 'no runs found in'],
    [['--from', '{single}', '--metrics', '{bad}'], 'line 1 is not JSON: give a metrics log'],
    [['--from', '{compare}', '--metrics', '{stray}'], 'stray.jsonl matches no run: name it after its run'],
  ])('refuses %j with one line naming the problem and the fix, writing nothing', async (argv, message) => {
    const files: Record<string, string> = {
      '{bad}': join(root, 'bad.json'),
      '{empty}': join(root, 'empty'),
      '{notSummary}': join(root, 'not-summary.json'),
      '{emptyResults}': join(root, 'empty-results.json'),
      '{single}': single,
      '{compare}': compareDir,
      '{stray}': join(root, 'stray.jsonl'),
    };
    writeFileSync(files['{bad}']!, '{"runs": [');
    mkdirSync(files['{empty}']!, { recursive: true });
    writeFileSync(files['{notSummary}']!, '{"hello": 1}');
    writeFileSync(files['{emptyResults}']!, '{"runs": []}');
    writeFileSync(files['{stray}']!, '');
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

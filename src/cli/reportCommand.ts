import { Command } from 'commander';
import { loadReport } from '../report/loadReport.js';
import { withMetrics } from '../report/metricsFile.js';
import { renderReport } from '../report/renderReport.js';
import { outputFile, refuseSharedPaths } from '../util/files.js';
import { writeFileAtomic } from '../util/writeFileAtomic.js';
import type { CliIo } from './io.js';

interface ReportFlags {
  readonly from: string;
  readonly out: string;
  readonly metrics?: readonly string[];
}

/** `topkast report`: one self-contained HTML page of charts from compare results, summaries or checkpoints. */
export function reportCommand(io: CliIo): Command {
  return new Command('report')
    .description(
      'write an HTML page of training curves, test accuracy or bits per character against sparsity, densities and churn',
    )
    .requiredOption(
      '--from <path>',
      'a `compare --out` directory, its results.json, a run summary (`train --json`) or a --checkpoint-dir',
    )
    .requiredOption('--out <file>', 'the HTML file to write')
    .option(
      '--metrics <files...>',
      'metrics logs (`train --metrics`) for finer loss curves, each named after its run (<run>.jsonl)',
    )
    .action((flags: ReportFlags) => {
      outputFile(flags.out, '--out');
      const metrics = (flags.metrics ?? []).map((path) => ({ flag: '--metrics', path }));
      refuseSharedPaths(
        [{ flag: '--out', path: flags.out }],
        [{ flag: '--from', path: flags.from }, ...metrics],
      );
      const input = loadReport(flags.from);
      const runs = withMetrics(input.runs, flags.metrics ?? []);
      const html = renderReport({ ...input, runs }, flags.from);
      writeFileAtomic(flags.out, html);
      const charts = html.match(/<svg class="chart"/g)?.length ?? 0;
      io.out(`wrote ${flags.out} (${runs.length} run${runs.length === 1 ? '' : 's'}, ${charts} charts)\n`);
    });
}

/**
 * The report as one self-contained HTML page: inline CSS and inline SVG charts, no scripts, no external
 * resources. The same input always gives the same bytes.
 */
import { sparsityChart } from './comparisonChart.js';
import { comparisonTable, percent, resultNames, resultValues, runsTable } from './htmlTables.js';
import { churnChart, densityChart } from './layerCharts.js';
import type { ReportInput } from './loadReport.js';
import type { ReportRun } from './reportRun.js';
import { escapeXml } from './svg/escape.js';
import { evaluationChart, lossChart } from './trainingCharts.js';

const STYLE = `
body { font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', sans-serif; color: #222; margin: 24px auto; max-width: 1280px; padding: 0 16px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid #ddd; }
.source, .note { color: #666; } .meta { margin: 0 0 8px; color: #444; }
table { border-collapse: collapse; margin: 8px 0 16px; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: right; } th { background: #f5f5f5; }
td:first-child, th:first-child { text-align: left; }
.charts { display: flex; flex-wrap: wrap; gap: 12px 24px; align-items: flex-start; }
svg.chart { font: 12px system-ui, sans-serif; background: #fff; }
svg.chart .chart-title { font-weight: 600; font-size: 13px; }
svg.chart .grid { stroke: #eaeaea; } svg.chart .axis, svg.chart .tick { stroke: #555; }
svg.chart .tick-label { fill: #444; } svg.chart .axis-label { fill: #222; }
`;

/** The page for `input`, titled after where it came from. */
export function renderReport(input: ReportInput, source: string): string {
  const { kind } = input.comparison;
  const comparison = sparsityChart(input.comparison, kind === 'image' ? 'accuracy-sparsity' : 'bpc-sparsity');
  const sections = [
    `<h1>topkast report</h1><p class="source">from ${escapeXml(source)} · ${input.runs.length} run${input.runs.length === 1 ? '' : 's'}</p>`,
  ];
  if (comparison !== null) {
    sections.push(
      `<section id="comparison"><h2>${kind === 'image' ? 'Accuracy' : 'Bits per character'} against sparsity</h2><div class="charts">${comparison}</div>${comparisonTable(input.comparison)}</section>`,
    );
  }
  sections.push(`<section id="runs"><h2>Runs</h2>${runsTable(input.runs, kind)}</section>`);
  input.runs.forEach((run, i) => {
    sections.push(runSection(run, i));
  });
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>topkast report: ${escapeXml(source)}</title>
<style>${STYLE}</style>
</head>
<body>
${sections.join('\n')}
</body>
</html>
`;
}

/**
 * A run's heading, settings and its four charts (a note in place of each that has no data): loss, test
 * accuracy or validation bits per character, densities and churn.
 */
function runSection(run: ReportRun, i: number): string {
  const evaluation = run.kind === 'image' ? `accuracy-${i}` : `bpc-${i}`;
  const charts = [
    lossChart(run, `loss-${i}`) ?? note('no loss recorded yet'),
    evaluationChart(run, evaluation) ?? note(`no ${run.kind === 'image' ? 'epoch' : 'period'} evaluated yet`),
    densityChart(run, `density-${i}`) ?? note('no sparse layers'),
    churnChart(run, `churn-${i}`) ?? note('no mask refreshes'),
  ];
  const results = resultNames(run.kind).map((name, j) => `${name} ${resultValues(run)[j]}`);
  const meta = [
    escapeXml(run.method),
    `sparsity ${percent(run.sparsity)}`,
    `seed ${run.seed}`,
    `${run.steps} steps`,
    ...results,
  ].join(' · ');
  return `<section class="run" id="run-${i}"><h2>${escapeXml(run.id)}</h2><p class="meta">${meta}</p><div class="charts">${charts.join('')}</div></section>`;
}

function note(text: string): string {
  return `<p class="note">${escapeXml(text)}</p>`;
}

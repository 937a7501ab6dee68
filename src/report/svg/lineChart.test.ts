import { describe, expect, it } from 'vitest';
import { lineChart } from './lineChart.js';

const count = (svg: string, pattern: RegExp) => svg.match(pattern)?.length ?? 0;

/** The cy of every point marker, in drawing order. */
const markerYs = (svg: string) =>
  [...svg.matchAll(/<circle class="point" cx="[\d.]+" cy="([\d.]+)"/g)].map((m) => Number(m[1]));

describe('lineChart', () => {
  const svg = lineChart({
    id: 'test',
    title: 'accuracy <by> "method" & seed',
    xLabel: 'forward sparsity',
    yLabel: 'test accuracy',
    xFormat: 'percent',
    yFormat: 'percent',
    yClamp: [0, 1],
    series: [
      {
        name: 'a',
        color: '#111',
        markers: true,
        points: [
          { x: 0.8, y: 0.9, error: 0.01 },
          { x: 0.9, y: 0.85, error: 0 },
          { x: 0.95, y: Number.NaN },
        ],
      },
      {
        name: 'b',
        color: '#222',
        markers: false,
        points: [0, 1, 2, 3].map((i) => ({ x: 0.8 + i / 20, y: 0.7 })),
      },
    ],
    references: [{ name: 'dense', color: '#333', y: 0.95 }],
  });

  it('draws one path per series, markers where asked, error bars where the error is > 0', () => {
    expect(count(svg, /<path class="series"/g)).toBe(2);
    expect(count(svg, /<circle class="point"/g)).toBe(2); // series a's finite points; b has no markers
    expect(count(svg, /class="error-bar"/g)).toBe(1);
    expect(count(svg, /<line class="reference"/g)).toBe(1);
    expect(count(svg, /class="legend-entry"/g)).toBe(3);
  });

  it('puts higher values higher up, inside the plot area', () => {
    const [high, low] = markerYs(svg) as [number, number];
    expect(high).toBeLessThan(low);
    // y axis 0.7…0.95 (nice: 0.65…1 in steps of 0.05) over 220 px from y = 34
    const axisTicks = [...svg.matchAll(/text-anchor="end">(\d+)%</g)].map((m) => Number(m[1]));
    expect(axisTicks[0]).toBeLessThanOrEqual(70);
    expect(axisTicks.at(-1)).toBeGreaterThanOrEqual(95);
    for (const y of [high, low]) {
      expect(y).toBeGreaterThanOrEqual(34);
      expect(y).toBeLessThanOrEqual(34 + 220);
    }
  });

  it('escapes text and labels both axes', () => {
    expect(svg).toContain('accuracy &lt;by&gt; &quot;method&quot; &amp; seed');
    expect(svg).not.toContain('<by>');
    expect(svg).toMatch(/class="axis-label x-label"[^>]*>forward sparsity</);
    expect(svg).toMatch(/class="axis-label y-label"[^>]*>test accuracy</);
  });
});

import { describe, expect, it } from 'vitest';
import { barChart } from './barChart.js';

describe('barChart', () => {
  const svg = barChart({
    id: 'density',
    title: 'density',
    xLabel: 'layer',
    yLabel: 'density',
    categories: ['first', 'second', 'third'],
    groups: [
      { name: 'forward', color: '#111', values: [0.1, 0.2, 0.5] },
      { name: 'backward', color: '#222', values: [0.2, 0.4, 1] },
    ],
    yClamp: [0, 1],
  });
  const heights = [...svg.matchAll(/<rect class="bar"[^>]* height="([\d.]+)"/g)].map((m) => Number(m[1]));

  it('draws one bar per category and group, heights in proportion to the values', () => {
    expect(heights).toHaveLength(6);
    // drawn category by category: forward then backward; the axis is 0…1 over 220 px
    expect(heights).toEqual([22, 44, 44, 88, 110, 220]);
  });

  it('labels every category and both axes', () => {
    for (const label of ['first', 'second', 'third']) expect(svg).toContain(`>${label}</text>`);
    expect(svg.match(/class="axis-label/g)).toHaveLength(2);
    expect(svg.match(/class="legend-entry"/g)).toHaveLength(2);
  });

  it('moves the plot right so a long first category, turned, stays inside the chart', () => {
    const plotLeft = (categories: string[]) => {
      const chart = barChart({
        id: 'density',
        title: 'density',
        xLabel: 'layer',
        yLabel: 'density',
        categories,
        groups: [{ name: 'forward', color: '#111', values: categories.map(() => 0.5) }],
      });
      return Number(/<line class="axis" x1="([\d.]+)" y1="[\d.]+" x2="\1"/.exec(chart)![1]);
    };
    expect(plotLeft(['first', 'second', 'third'])).toBe(66); // room for the y labels only
    // 29 characters of 6.6 px turned 35° reach 157 px left of the first tick, 50 px into the 300 px plot
    expect(plotLeft(['block1.attention.query.weight', 'fc1', 'fc2'])).toBe(115);
  });
});

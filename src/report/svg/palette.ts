/** Distinguishable colours for series (Tableau 10), reused in turn past ten. */
const COLORS = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
] as const;

/** The i-th series colour. */
export function colorAt(i: number): string {
  return COLORS[i % COLORS.length]!;
}

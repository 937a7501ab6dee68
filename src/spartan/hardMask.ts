import { selectTopK } from '../sparse/topk.js';
import { costBoundary } from './costBoundary.js';
import type { Entries } from './softTopKInput.js';

/**
 * The hard top-k mask of Spartan (spec/spartan.md, "Hard mask"; Tai, Tian, Lim, arXiv:2205.14107, §3.3):
 * order the entries by unit value u_j = v_j / c_j descending (lower flat index first among equal ones),
 * accumulate costs, and keep every entry up to and including t*, the first at which the cumulative cost
 * reaches the budget K. So the kept cost is ≥ K and the count is exact under ties (the reference code keeps
 * every tie). The threshold τ is u at t*.
 *
 * K = 0 keeps nothing (the empty prefix already reaches K) and τ = +∞. With costs omitted (all 1) t* is
 * position ⌈K⌉ − 1, found by the radix select of selectTopK in O(n) without a sort. With costs, a cost-weighted
 * quickselect finds t* in expected O(n) (costBoundary).
 */
export interface HardTopK {
  /** h_j = 1 for the kept entries, else 0. */
  hard: Uint8Array;
  /** τ = u_{t*}, the smallest kept unit value; +∞ when nothing is kept. */
  threshold: number;
}

export function hardTopK(values: Entries, costs: Entries | undefined, budget: number): HardTopK {
  return costs === undefined ? hardTopKUnitCosts(values, budget) : hardTopKWithCosts(values, costs, budget);
}

function hardTopKUnitCosts(values: Entries, budget: number): HardTopK {
  const n = values.length;
  const hard = new Uint8Array(n);
  const kept = selectTopK(values, Math.min(n, Math.ceil(budget)));
  let threshold = Number.POSITIVE_INFINITY;
  for (let i = 0; i < kept.length; i++) {
    const j = kept[i];
    hard[j] = 1;
    if (values[j] < threshold) threshold = values[j];
  }
  return { hard, threshold };
}

function hardTopKWithCosts(values: Entries, costs: Entries, budget: number): HardTopK {
  const n = values.length;
  const unitValues = new Float64Array(n);
  for (let j = 0; j < n; j++) unitValues[j] = values[j] / costs[j];
  const boundary = costBoundary(unitValues, costs, budget);
  const hard = new Uint8Array(n);
  if (boundary < 0) return { hard, threshold: Number.POSITIVE_INFINITY };
  const threshold = unitValues[boundary];
  for (let j = 0; j < n; j++) {
    const u = unitValues[j];
    hard[j] = u > threshold || (u === threshold && j <= boundary) ? 1 : 0;
  }
  return { hard, threshold };
}

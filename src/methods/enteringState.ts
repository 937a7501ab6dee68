/**
 * The optimizer state of entries that enter the backward set B at a refresh (spec/topkast.md, step 5: zero by
 * default, configurable). SparseWeight.setSets carries the state of entries that stay and gives entering
 * entries zero; 'mean' then sets every entering entry of each state array to that array's mean over the
 * entries that stayed (0 when none stayed).
 */
import { containsIndex } from '../sparse/sortedIndices.js';
import type { SparseWeight } from '../sparse/sparseWeight.js';

export type EnteringState = 'zero' | 'mean';

export const ENTERING_STATES: readonly EnteringState[] = ['zero', 'mean'];

/**
 * After `weight.setSets`, sets the state of the entries of the new B that were not in `backwardBefore` (the
 * old B's flat indices, ascending) as `mode` says.
 */
export function setEnteringState(
  weight: SparseWeight,
  backwardBefore: Int32Array,
  mode: EnteringState,
): void {
  if (mode === 'zero' || weight.state.size === 0) return;
  const flat = weight.entryIndices;
  const entering = new Uint8Array(flat.length);
  let stayed = 0;
  for (let p = 0; p < flat.length; p++) {
    if (containsIndex(backwardBefore, flat[p])) stayed++;
    else entering[p] = 1;
  }
  for (const state of weight.state.values()) {
    let sum = 0;
    for (let p = 0; p < state.length; p++) if (!entering[p]) sum += state[p];
    const mean = stayed === 0 ? 0 : sum / stayed;
    for (let p = 0; p < state.length; p++) if (entering[p]) state[p] = mean;
  }
}

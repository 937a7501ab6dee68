/**
 * The shared conformance suite (../../shared/DESIGN.md, "Every method passes one shared conformance suite"), on
 * a tiny 12-16-16-4 MLP trained 40 steps on random data with a mask change every 4 steps; conformance.test.ts
 * runs it on every registered method. A test fixture (it imports vitest), not part of the library.
 *
 * Every method, Spartan included: masks exactly the layers --dense-layers leaves, survives a
 * serialise/deserialise round trip bit for bit, and gives the same numbers for the same seed.
 * Every set-based method besides: keeps exact counts, keeps A ⊆ B, leaves entries outside B bit-identical and
 * starts entering entries at zero optimizer state. Spartan has no sets while it trains (dense weights behind a
 * soft mask); its own invariants (exact hard budget, whole blocks, freeze, finalize) are in
 * softMaskController.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { SparseWeight } from '../../sparse/sparseWeight.js';
import { runLosses, runStep, runSteps } from '../../train/testing.js';
import type { TrainingMethod } from '../controller.js';
import type { DistributionName } from '../distribution.js';
import { createMethod, createTrainingMethod, methodFromConfig } from '../registry.js';
import type { SetBasedMethod } from '../setBasedMethod.js';
import { holds, type OptimizerChoice, restoreRun, snapshotRun, type TinyRun, tinyRun } from '../testing.js';

const totalSteps = 40;
const sparsity = 0.75;

function method(name: string): SetBasedMethod {
  return createMethod(name, { sparsity, refreshInterval: 4 });
}

/** Any method a run may use (Spartan included, its target over the masked layers), with the same settings. */
function anyMethod(name: string): TrainingMethod {
  return createTrainingMethod(name, { sparsity, refreshInterval: 4, budgetScope: 'masked' });
}

/**
 * Checks the layers' kept counts against the distribution's definition (spec/baselines.md), computed here
 * rather than by distributeCounts, the function the controller uses: uniform keeps round(target·n) of every
 * layer; ERK gives every layer that is not dense the same ε = density / ((Σ dims) / (Π dims)) up to rounding,
 * and a layer dense only where ε·(Σ dims)/(Π dims) reaches 1; both keep target·Σn in total, ± 1 per layer.
 */
function checkLayerCounts(
  weights: readonly SparseWeight[],
  counts: readonly number[],
  target: number,
  distribution: DistributionName,
): void {
  const sizes = weights.map((w) => w.size);
  const total = sizes.reduce((a, b) => a + b, 0);
  const kept = counts.reduce((a, b) => a + b, 0);
  expect(Math.abs(kept - target * total)).toBeLessThanOrEqual(weights.length);
  if (distribution === 'uniform') {
    expect(counts).toEqual(sizes.map((n) => Math.min(n, Math.max(1, Math.round(target * n)))));
    return;
  }
  const raw = weights.map((w) => (w.rows + w.cols) / w.size);
  const sparseLayers = weights.map((_, l) => l).filter((l) => counts[l] < sizes[l]);
  const epsilons = sparseLayers.map((l) => counts[l] / sizes[l] / raw[l]);
  const epsilon = epsilons.reduce((a, b) => a + b, 0) / Math.max(1, epsilons.length);
  // Rounding moves a count by at most ½, so ε_l by at most ½ / (n_l·raw_l).
  sparseLayers.forEach((l, i) => {
    expect(Math.abs(epsilons[i] - epsilon)).toBeLessThanOrEqual(1 / (sizes[l] * raw[l]));
  });
  weights.forEach((_, l) => {
    if (counts[l] === sizes[l] && sparseLayers.length > 0) expect(epsilon * raw[l]).toBeGreaterThan(1 - 1e-9);
  });
}

function checkCounts(run: TinyRun, distribution: DistributionName, step: number): void {
  const { weights, method: m } = run.controller;
  const forward = weights.map((w) => w.forwardCount);
  const backward = weights.map((w) => w.backwardCount);
  checkLayerCounts(weights, forward, m.forwardDensity(step, totalSteps), distribution);
  // B keeps the backward distribution's count, or A's where that is larger.
  const backwardTarget = m.backwardDensity(step, totalSteps);
  if (backward.every((b, l) => b > forward[l]))
    checkLayerCounts(weights, backward, backwardTarget, distribution);
  else expect(backwardTarget).toBeLessThanOrEqual(m.forwardDensity(step, totalSteps) + 1e-12);
}

function checkSubset(weight: SparseWeight): void {
  const forward = weight.forwardIndices();
  const backward = weight.backwardIndices();
  for (let i = 1; i < backward.length; i++) expect(backward[i]).toBeGreaterThan(backward[i - 1]);
  for (const flat of forward) expect(holds(backward, flat)).toBe(true);
}

/** What a weight looked like at one moment: θ, B, B's values and state arrays. */
interface WeightMoment {
  theta: Float32Array;
  backward: Int32Array;
  values: Float32Array;
  state: Map<string, Float32Array>;
}

/** A per-entry array (values, state: in the weight's entry order) reordered to ascending flat index. */
function byFlat(weight: SparseWeight, array: Float32Array): Float32Array {
  const entries = weight.entryIndices;
  const order = Array.from(entries.keys()).sort((a, b) => entries[a] - entries[b]);
  return Float32Array.from(order, (p) => array[p]);
}

/** θ, B (ascending) and B's values and state in that ascending order. */
function moment(weight: SparseWeight): WeightMoment {
  return {
    theta: Float32Array.from(weight.syncTheta()),
    backward: weight.backwardIndices().slice(),
    values: byFlat(weight, weight.values),
    state: new Map([...weight.state].map(([key, array]) => [key, byFlat(weight, array)])),
  };
}

/**
 * After a step: entries outside the step's B kept θ bit for bit (those entering the new B: θ or 0, by the
 * method's enteringValue); entries that stayed in B kept their value and state; entries that entered start at
 * zero state. `before` is taken before the step, `updated` after the optimizer's update, before any refresh.
 */
function checkStep(m: SetBasedMethod, weight: SparseWeight, before: WeightMoment, updated: WeightMoment) {
  const theta = weight.syncTheta();
  const next = weight.backwardIndices();
  let entered = 0;
  for (let flat = 0; flat < weight.size; flat++) {
    if (holds(before.backward, flat)) continue;
    const entering = holds(next, flat);
    const expected = entering && m.enteringValue === 'zero' ? 0 : before.theta[flat];
    if (!Object.is(theta[flat], expected)) {
      throw new Error(`${weight.name}[${flat}] outside B moved: ${before.theta[flat]} → ${theta[flat]}`);
    }
    if (entering) entered++;
  }
  const now = moment(weight);
  let old = 0;
  next.forEach((flat, q) => {
    while (old < updated.backward.length && updated.backward[old] < flat) old++;
    const stayed = updated.backward[old] === flat;
    if (stayed) expect(now.values[q]).toBe(updated.values[old]);
    for (const [key, array] of now.state) {
      expect(array[q]).toBe(stayed ? (updated.state.get(key)?.[old] ?? 0) : 0);
    }
  });
  return entered;
}

const layouts: { denseLayers: string[]; distribution: DistributionName }[] = [
  { denseLayers: ['none'], distribution: 'erk' },
  { denseLayers: ['first', 'last'], distribution: 'uniform' },
];

/**
 * The conformance suite (conformance.test.ts) for the named methods: `everyMethod` (Spartan included) the
 * checks every method passes, `setBased` those of set-based methods besides. A test file that registers its
 * own method (registry.ts, registerMethod) runs it on that method alone.
 */
export function describeConformance(everyMethod: readonly string[], setBased: readonly string[]): void {
  describeEveryMethod(everyMethod);
  describeSetBased(setBased);
}

function describeEveryMethod(names: readonly string[]): void {
  describe.each(names)('conformance, every method: %s', (name) => {
    it('masks exactly the layers --dense-layers leaves (none: all three; default: the middle one)', () => {
      for (const [denseLayers, count] of [
        [['none'], 3],
        [['first', 'last'], 1],
      ] as const) {
        const run = tinyRun({ method: anyMethod(name), optimizer: 'sgd', totalSteps, denseLayers });
        expect(run.controller.report().layers.length).toBe(anyMethod(name).sparse ? count : 0);
        run.dispose();
      }
    });

    it('rebuilds from its config, and a run restored from a snapshot repeats the next steps bit for bit', () => {
      const m = anyMethod(name);
      const rebuilt = methodFromConfig(m.name, m.config);
      expect(rebuilt.name).toBe(name);
      expect(rebuilt.config).toEqual(m.config);
      const original = tinyRun({ method: m, optimizer: 'sgd-momentum', totalSteps });
      runSteps(original, 0, 13);
      const snapshot = snapshotRun(original);
      const continued = runSteps(original, 13, totalSteps);
      const restored = tinyRun({ method: rebuilt, optimizer: 'sgd-momentum', totalSteps });
      restoreRun(restored, snapshot);
      expect(runSteps(restored, 13, totalSteps)).toEqual(continued);
      const finalOriginal = snapshotRun(original).trainables;
      const finalRestored = snapshotRun(restored).trainables;
      finalOriginal.forEach((t, i) => {
        expect(finalRestored[i].values).toEqual(t.values);
        expect(finalRestored[i].backward).toEqual(t.backward);
      });
      original.dispose();
      restored.dispose();
    });

    it('gives the same numbers for the same seed, other numbers for another', () => {
      const losses = (seed: number) =>
        runLosses({ method: anyMethod(name), optimizer: 'adamw', totalSteps, seed });
      const first = losses(7);
      expect(losses(7)).toEqual(first);
      expect(losses(8)).not.toEqual(first);
    });
  });
}

function describeSetBased(names: readonly string[]): void {
  describe.each(names)('conformance, set-based methods: %s', (name) => {
    for (const { denseLayers, distribution } of layouts) {
      for (const optimizer of ['sgd-momentum', 'adamw'] as OptimizerChoice[]) {
        it(`keeps exact counts, A ⊆ B, C bit-identical, zero state on entry (${distribution}, dense ${denseLayers}, ${optimizer})`, () => {
          const m = method(name);
          const run = tinyRun({ method: m, optimizer, totalSteps, denseLayers, distribution });
          const { weights } = run.controller;
          checkCounts(run, distribution, -1);
          let entered = 0;
          for (let step = 0; step < totalSteps; step++) {
            const before = weights.map(moment);
            let updated: WeightMoment[] = [];
            runStep(run, step, () => {
              updated = weights.map(moment);
            });
            weights.forEach((w, l) => {
              checkSubset(w);
              entered += checkStep(m, w, before[l], updated[l]);
            });
            checkCounts(run, distribution, step);
          }
          const refreshes = run.controller.churn.length;
          const churn = run.controller.churn.flatMap((record) => record.forwardChurn);
          if (m.sparse && refreshes > 0) {
            expect(churn.some((c) => c > 0)).toBe(true);
            if (m.enteringValue === 'zero') expect(entered).toBeGreaterThan(0);
          }
          run.dispose();
        });
      }
    }
  });
}

/**
 * Synthetic run summaries for the report tests: known accuracies, histories, layers and churn, so a test can
 * say exactly how many lines, points and bars each chart must show.
 */
import type { LayerReport } from '../methods/controller.js';
import type { RunSummary } from '../train/summary.js';

export interface SyntheticRun {
  readonly method: string;
  /** Forward sparsity (0 for dense). */
  readonly sparsity: number;
  readonly seed: number;
  readonly testAccuracy: number;
  /** Epochs in the history (default 3), 100 steps each. */
  readonly epochs?: number;
  /** Sparse layers (default two for a sparse method, none for dense). */
  readonly layers?: number;
  /** Refreshes recorded (default 4 for a sparse method, none for dense). */
  readonly refreshes?: number;
}

/** A summary shaped like `topkast train --json` output, with numbers that follow from `run`. */
export function syntheticSummary(run: SyntheticRun): RunSummary {
  const sparse = run.method !== 'dense';
  const epochs = run.epochs ?? 3;
  const layerCount = run.layers ?? (sparse ? 2 : 0);
  const layers: LayerReport[] = Array.from({ length: layerCount }, (_, j) => ({
    name: `layers.${j + 1}.weight`,
    shape: [64, 64],
    forwardCount: Math.round(4096 * (1 - run.sparsity)),
    backwardCount: Math.round(4096 * Math.min(1, 2 * (1 - run.sparsity))),
    forwardDensity: 1 - run.sparsity,
    backwardDensity: Math.min(1, 2 * (1 - run.sparsity)),
  }));
  const refreshes = run.refreshes ?? (sparse ? 4 : 0);
  const churn = Array.from({ length: refreshes }, (_, r) => ({
    step: (r + 1) * 50,
    forwardChurn: layers.map((_, j) => 0.2 / (r + 1) + 0.01 * j),
  }));
  const history = Array.from({ length: epochs }, (_, e) => ({
    epoch: e + 1,
    step: (e + 1) * 100,
    trainLoss: 1.5 / (e + 1),
    testAccuracy: run.testAccuracy - 0.05 * (epochs - 1 - e),
    testLoss: 1.2 / (e + 1),
  }));
  return {
    method: run.method,
    model: 'mlp 784-64-64-10 relu',
    dataset: 'mnist',
    seed: run.seed,
    epochs,
    steps: epochs * 100,
    testAccuracy: run.testAccuracy,
    testLoss: 0.4,
    trainSeconds: 1,
    timing: { stepMsMedian: 2, evalSeconds: 0.1 },
    parameters: { total: 55050, forwardActive: 40000, backwardActive: 45000 },
    sparsity: {
      method: run.method,
      config: sparse ? { backwardSparsity: run.sparsity / 2 } : {},
      distribution: 'uniform',
      modelSparsity: run.sparsity * 0.15,
      layers,
      relativeTrainingFlops: 1 - run.sparsity * 0.5,
      churn,
    },
    memory: { hotBytes: 1000, masterBytes: 500, denseEquivalentBytes: 2000 },
    backend: 'reference',
    config: { method: run.method, sparsity: run.sparsity, seed: run.seed },
    history,
  };
}

/**
 * A compare-like set: dense, and Top-KAST and RigL at 80% and 90%, for seeds 0 and 1 (accuracy drops with
 * sparsity and differs by seed by 0.01).
 */
export function syntheticComparison(): RunSummary[] {
  const runs: RunSummary[] = [];
  for (const seed of [0, 1]) {
    runs.push(syntheticSummary({ method: 'dense', sparsity: 0, seed, testAccuracy: 0.95 + 0.01 * seed }));
    for (const method of ['topkast', 'rigl']) {
      for (const sparsity of [0.8, 0.9]) {
        const accuracy = (method === 'topkast' ? 0.93 : 0.91) - (sparsity - 0.8) + 0.01 * seed;
        runs.push(syntheticSummary({ method, sparsity, seed, testAccuracy: accuracy }));
      }
    }
  }
  return runs;
}

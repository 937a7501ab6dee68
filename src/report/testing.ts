/**
 * Synthetic run summaries for the report tests: known accuracies or bits per character, histories, layers and
 * churn, so a test can say exactly how many lines, points and bars each chart must show.
 */
import type { LayerReport } from '../methods/controller.js';
import type { RunSummary, TextRunSummary } from '../train/summary.js';

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
      executedTrainingFlops: 1 - run.sparsity * 0.4,
      churn,
    },
    memory: {
      hotBytes: 1000,
      masterBytes: 500,
      indexBytes: 100,
      scratchBytes: 50,
      stepBufferBytes: 0,
      totalBytes: 1650,
      denseEquivalentBytes: 2000,
    },
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

export interface SyntheticTextRun extends Omit<SyntheticRun, 'testAccuracy'> {
  /** Test bits per character; validation's is 0.02 higher. */
  readonly testBpc: number;
}

/**
 * A language model's summary shaped like `topkast train --dataset austen --json` output: the image summary's
 * layers, churn and costs, with bits per character in place of accuracy. The history's validation BPC falls
 * by 0.1 a period to the final validation BPC.
 */
export function syntheticTextSummary(run: SyntheticTextRun): TextRunSummary {
  const image = syntheticSummary({ ...run, testAccuracy: 0 });
  const { epochs: _epochs, testAccuracy: _accuracy, testLoss: _loss, history, ...shared } = image;
  const validation = run.testBpc + 0.02;
  return {
    ...shared,
    model: 'transformer 1×16 2 heads context 16 vocab 81',
    dataset: 'austen',
    bitsPerCharacter: { validation, test: run.testBpc },
    loss: { validation: validation * Math.LN2, test: run.testBpc * Math.LN2 },
    history: history.map((period, i) => {
      const bpc = validation + 0.1 * (history.length - 1 - i);
      const { epoch, step, trainLoss } = period;
      return { epoch, step, trainLoss, validationLoss: bpc * Math.LN2, validationBpc: bpc };
    }),
  };
}

/**
 * A language-model compare: dense and Top-KAST at 80% and 90% for seeds 0 and 1, test BPC 2.00, 2.30 and
 * 2.40 plus 0.01 for seed 1 (means 2.005, 2.305, 2.405; std 0.0071).
 */
export function syntheticTextComparison(): TextRunSummary[] {
  return [0, 1].flatMap((seed) =>
    [0, 0.8, 0.9].map((sparsity) =>
      syntheticTextSummary({
        method: sparsity === 0 ? 'dense' : 'topkast',
        sparsity,
        seed,
        testBpc: (sparsity === 0 ? 2 : 1.5 + sparsity) + 0.01 * seed,
      }),
    ),
  );
}

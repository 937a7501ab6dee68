/**
 * What the consumer page does with topkast, written against the main entry only so that it runs the same in a
 * page and in Node (the benchmarks time it in both): Top-KAST 90%/80% on an MLP over the shipped Fashion-MNIST
 * subset, a checkpoint of the finished run as bytes, and the model exported from those bytes and read back.
 */
import {
  AdamW,
  buildModel,
  constantLr,
  createTrainingMethod,
  type Dataset,
  decodeCheckpoint,
  decodeModelFile,
  encodeCheckpoint,
  encodeModelExport,
  engine,
  evaluate,
  type FitProgress,
  fit,
  inferenceModel,
  resolveTrainConfig,
  sparsify,
} from 'topkast';

export interface PageRun {
  /** Training loss of each step. */
  readonly losses: number[];
  /** Milliseconds of each step (fit's timing: batch, forward, backward, update, refresh). */
  readonly stepMs: number[];
  readonly testAccuracy: number;
  /** The kernels that ran (wasm-relaxed-simd, wasm-simd or reference). */
  readonly backend: string;
  readonly checkpointBytes: number;
  readonly exportBytes: number;
  /** Test accuracy of the model read back from its export's bytes (equal to testAccuracy). */
  readonly exportAccuracy: number;
}

/** Trains for `steps` steps of batch 64 on `dataset` (the Fashion-MNIST subset), then saves and reloads. */
export function trainOnSubset(dataset: Dataset, steps: number, hidden = [256, 256]): PageRun {
  const config = resolveTrainConfig({
    dataset: 'fashion-mnist-subset',
    model: 'mlp',
    hidden,
    activation: 'relu',
    steps,
    batchSize: 64,
    optimizer: 'adamw',
    lr: 0.002,
    schedule: 'constant',
    seed: 1,
    method: 'topkast',
    sparsity: 0.9,
    backwardSparsity: 0.8,
    distribution: 'uniform',
    denseLayers: ['last'],
  });
  const { model } = buildModel(config, 784, dataset.classes);
  const controller = sparsify(model, {
    method: createTrainingMethod(config.method, {
      sparsity: config.sparsity,
      backwardSparsity: config.backwardSparsity,
      refreshInterval: config.refreshInterval,
    }),
    distribution: config.distribution,
    denseLayers: config.denseLayers,
    totalSteps: steps,
    seed: config.seed,
  });
  const optimizer = new AdamW(model.trainables(), { lr: config.lr, weightDecay: config.weightDecay });
  const losses: number[] = [];
  const stepMs: number[] = [];
  let last: FitProgress | undefined;
  const result = fit({
    model,
    optimizer,
    schedule: constantLr(config.lr),
    dataset,
    epochs: Math.ceil(steps / Math.floor(dataset.train.labels.length / config.batchSize)),
    maxSteps: steps,
    batchSize: config.batchSize,
    seed: config.seed,
    hooks: controller,
    callbacks: [
      {
        onBatchEnd: (metrics) => {
          losses.push(metrics.loss);
          stepMs.push(metrics.stepMs);
        },
        onProgress: (progress) => {
          last = progress;
        },
      },
    ],
  });
  const checkpoint = encodeCheckpoint(model, {
    config,
    progress: last!,
    optimizer: optimizer.getState(),
    controller: controller.getState(),
    checkpointing: { saveEvery: steps, keep: 1 },
  });
  model.dispose();
  const exported = encodeModelExport(decodeCheckpoint(checkpoint, 'the page checkpoint'), 'csr');
  const reloaded = inferenceModel(decodeModelFile(exported, 'the page export'), 'the page export', 784);
  const { accuracy } = evaluate(reloaded.model, dataset.test, {
    inputSize: 784,
    normalization: dataset.normalization,
  });
  reloaded.model.dispose?.();
  return {
    losses,
    stepMs,
    testAccuracy: result.testAccuracy,
    backend: engine().kernels.name,
    checkpointBytes: checkpoint.length,
    exportBytes: exported.length,
    exportAccuracy: accuracy,
  };
}

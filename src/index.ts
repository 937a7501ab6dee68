/**
 * topkast: neural networks that are sparse from the first training step to the last (Top-KAST, Spartan and
 * the baselines they are compared with) on WebAssembly SIMD kernels. This file is the public API; everything
 * else is internal.
 */

// Training in a browser: a run in a dedicated worker (serveTrainer) driven from the page (WorkerTrainer).
export { type MaskPicture, maskPicture, type PictureSize } from './browser/maskPicture.js';
export { SlicedRun } from './browser/slicedRun.js';
export type {
  BrowserRunConfig,
  LayerDensity,
  RunFinished,
  RunProgress,
  RunStarted,
  StepRecord,
  TrainerEvent,
  TrainerRequest,
} from './browser/trainerMessages.js';
export { serveTrainer, type TrainerPort } from './browser/trainerWorker.js';
export { type TrainerListeners, type WorkerLike, WorkerTrainer } from './browser/workerTrainer.js';
// Interchange: safetensors; image models to ONNX and TensorFlow.js, the transformer to ONNX.
export { exportOnnx } from './checkpoint/portable/exportOnnx.js';
export { exportTransformerOnnx } from './checkpoint/portable/exportOnnxTransformer.js';
export { exportTfjs, TFJS_WEIGHTS_FILE, type TfjsModel } from './checkpoint/portable/exportTfjs.js';
export { type GraphLayer, type ImageInput, layerGraph } from './checkpoint/portable/layerGraph.js';
export {
  type Dtype,
  decodeSafetensors,
  encodeSafetensors,
  type NamedTensor,
  type SafetensorsContents,
} from './checkpoint/safetensors.js';
export { float32Values, int32Values } from './checkpoint/tensorValues.js';
// Data, training and evaluation.
export { BatchIterator } from './data/batches.js';
export type { Dataset, Split } from './data/dataset.js';
export {
  type DatasetName,
  datasetNames,
  loadDataset,
  loadTextDataset,
  type TextDatasetName,
  textDatasetNames,
} from './data/registry.js';
export { type TextBatch, TextBatcher } from './data/textBatches.js';
export { bitsPerCharacter, decodeTokens, encodeText, type TextDataset } from './data/textDataset.js';
// Engine: the shared-memory heap and the kernels.
export { type BackendName, createEngine, type Engine, engine, useEngine } from './kernels/engine.js';
export { enableRelaxedSimd } from './kernels/relaxedSimd.js';
// Sparsity methods.
export {
  type MethodController,
  type SoftMaskReport,
  type SparsifyOptions,
  SparsityController,
  type SparsityReport,
  sparsify,
} from './methods/controller.js';
export { type DistributionName, distributeCounts, erkDensities } from './methods/distribution.js';
export type { LayerBudget, SelectionContext, Sets, SparsityMethod } from './methods/method.js';
export {
  createMethod,
  createTrainingMethod,
  defaultBackwardSparsity,
  type MethodOptions,
  methodNames,
  trainingMethodNames,
} from './methods/registry.js';
export { type BudgetScope, type CostModel, Spartan, type SpartanOptions } from './methods/spartan.js';
export { SpartanController } from './methods/spartanController.js';
export { TopKast, type TopKastOptions } from './methods/topkast.js';
// Layers and models.
export { GELU, ReLU } from './nn/activations.js';
export { CausalSelfAttention } from './nn/attention.js';
export { type CnnOptions, cnn } from './nn/cnn.js';
export { Conv2d, type Conv2dOptions } from './nn/conv2d.js';
export { Dropout, setTraining } from './nn/dropout.js';
export { Embedding, SparsifiableEmbedding } from './nn/embedding.js';
export { Flatten, Unflatten } from './nn/flatten.js';
export { LayerNorm } from './nn/layerNorm.js';
export { Linear, type LinearOptions } from './nn/linear.js';
export { type MlpOptions, mlp } from './nn/mlp.js';
export type { Module } from './nn/module.js';
export { Parameter } from './nn/parameter.js';
export { AvgPool2d, MaxPool2d } from './nn/pooling.js';
export { Residual } from './nn/residual.js';
export { Sequential } from './nn/sequential.js';
export type { Sparsifiable, WeightTransform } from './nn/sparsifiable.js';
export type { Trainable } from './nn/trainable.js';
export { Transformer, type TransformerOptions, transformer } from './nn/transformer.js';
// Optimizers and learning-rate schedules.
export * from './optim/index.js';
// Sparse weights, patterns, exact top-k.
export { type CsrPattern, csrFromSortedIndices, csrToFlatIndices } from './sparse/csr.js';
export { sparseMatmul } from './sparse/sparseMatmul.js';
export { SparseWeight, type SparseWeightMemory } from './sparse/sparseWeight.js';
export { selectTopK, selectTopKByMagnitude } from './sparse/topk.js';
export { softMaskedWeight, type WeightMasks } from './spartan/softMaskedWeight.js';
export { type SoftTopKInput, type SoftTopKResult, softTopK } from './spartan/softTopK.js';
export { type SoftTopKBackwardInput, softTopKBackward } from './spartan/softTopKBackward.js';
// Tensors and reverse-mode autodiff.
export * from './tensor/index.js';
export { evaluate } from './train/evaluate.js';
export { evaluateText, type TextEvaluation } from './train/evaluateText.js';
export { type FitOptions, type FitResult, fit } from './train/fit.js';
export { type StepHooks, trainStep } from './train/trainStep.js';
export { Random } from './util/random.js';

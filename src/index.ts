/**
 * topkast: neural networks that are sparse from the first training step to the last (Top-KAST, Spartan and
 * the baselines they are compared with) on WebAssembly SIMD kernels. This file is the public API; everything
 * else is internal. It is platform-neutral: nothing it reaches imports a node:* module (src/browserBundle.test.ts
 * bundles it for the browser to check), so it runs the same in Node and in browsers. What needs Node (datasets
 * and caches read from files, checkpoint directories, the relaxed-SIMD flag) is in `topkast/node` (node.ts); the
 * ONNX and TensorFlow.js exports, platform-neutral but built on protobufjs, in `topkast/portable` (portable.ts).
 * Kernel threads (createEngine's `threads`) are Node's worker threads: a page runs the engine on one thread.
 */

// Interchange: safetensors (ONNX and TensorFlow.js: `topkast/portable`).
// Persistence in memory: checkpoints and exports as the bytes of their files (IndexedDB, a download).
export { type Checkpoint, decodeCheckpoint, encodeCheckpoint } from './checkpoint/checkpoint.js';
export type { InferenceFile, Storage } from './checkpoint/exportModel.js';
export { inferenceModel, type RebuiltModel } from './checkpoint/inferenceModel.js';
export { decodeModelFile, encodeModelExport } from './checkpoint/modelBytes.js';
export { modelTensors, restoreModel } from './checkpoint/modelTensors.js';
export type { Checkpointing, RunState } from './checkpoint/runState.js';
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
export {
  type DatasetInfo,
  type DatasetName,
  datasetInfo,
  datasetNames,
  type TextDatasetName,
  textDatasetNames,
} from './data/catalog.js';
export type { Dataset, Normalization, Split } from './data/dataset.js';
export { FASHION_MNIST_SUBSET_FILE, fashionMnistSubset } from './data/fashionMnistSubset.js';
export { type TextBatch, TextBatcher } from './data/textBatches.js';
export {
  bitsPerCharacter,
  buildTextDataset,
  decodeTokens,
  encodeText,
  type TextDataset,
} from './data/textDataset.js';
// Engine: the shared-memory heap and the kernels.
export {
  type BackendName,
  createEngine,
  type Engine,
  engine,
  type KernelChoice,
  kernelChoice,
  setKernelChoice,
  useEngine,
} from './kernels/engine.js';
// Sparsity methods: each a definition (its options, flags and defaults) in a registry a library user extends.
export * as commonOptions from './methods/commonOptions.js';
export type {
  MethodController,
  SoftMaskReport,
  SparsityReport,
  TrainingMethod,
} from './methods/controller.js';
export {
  defineMethod,
  type MethodDefinition,
  type MethodOption,
  type OptionUse,
  option,
  reads,
} from './methods/definition.js';
export { type DistributionName, distributeCounts, erkDensities } from './methods/distribution.js';
export type { LayerBudget, SelectionContext, Sets, SparsityMethod } from './methods/method.js';
export { kinds as optionKinds, OptionValueError } from './methods/optionKinds.js';
export {
  createMethod,
  createTrainingMethod,
  defaultBackwardSparsity,
  type MethodOptions,
  methodDefinitions,
  methodFromConfig,
  methodNames,
  registerMethod,
  trainingMethodNames,
} from './methods/registry.js';
export { SetBasedController } from './methods/setBasedController.js';
export { SetBasedMethod } from './methods/setBasedMethod.js';
export { SoftMaskController } from './methods/softMaskController.js';
export { type SparsifyOptions, sparsify } from './methods/sparsify.js';
export { type BudgetScope, type CostModel, Spartan, type SpartanOptions } from './methods/spartan.js';
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
export { Transformer, type TransformerOptions, transformer } from './nn/transformer.js';
// Optimizers and learning-rate schedules.
export * from './optim/index.js';
// A run's configuration, as the CLI resolves it, and its model.
export { buildModel, buildTextModel } from './run/buildModel.js';
export { resolveTrainConfig, type TrainConfig, type TrainFlags } from './run/trainConfig.js';
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
export type {
  Callbacks,
  EpochMetrics,
  FitProgress,
  StepMetrics,
  TrainPlan,
} from './train/callbacks.js';
export { evaluate } from './train/evaluate.js';
export { evaluateText, type TextEvaluation } from './train/evaluateText.js';
export { type FitOptions, type FitResult, fit } from './train/fit.js';
export { type StepHooks, trainStep } from './train/trainStep.js';
export { Random } from './util/random.js';

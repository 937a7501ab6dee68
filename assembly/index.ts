// Entry point of the WebAssembly kernel module: re-exports every kernel file.
// Memory is imported and shared with the host; everything above heapBase() belongs to the host's heap.
import { scratchEnd } from './scratch';

export { causalAttention, causalAttentionBackward } from './attention';
export { gatherHeads, scatterHeads } from './attentionLayout';
export { biasActivationBackward, biasGelu, biasRelu } from './biasActivation';
export {
  add,
  addRowBias,
  axpy,
  flagOutside,
  moveRuns,
  mul,
  relu,
  reluBackward,
  scale,
} from './elementwise';
export { embeddingBackward, embeddingLookup } from './embedding';
export { gelu, geluBackward } from './gelu';
export { col2im, im2col } from './im2col';
export { layerNorm, layerNormBackward } from './layerNorm';
export { matmul, matmulRows } from './matmul';
export { adamwUpdate, sgdUpdate } from './optimizers';
export { maxPool2d, maxPool2dBackward } from './pooling';
export { rowSums, sum } from './reductions';
export { scratchBytes, setScratch } from './scratch';
export { softmaxCrossEntropy, softmaxCrossEntropyBackward } from './softmaxCrossEntropy';
export * from './sparseSddmm';
export * from './sparseSpmm';
export * from './sparseSpmmTransposed';
export { zeroBytes } from './zero';

/** The first byte the host heap may use: above the static data and the kernels' scratch region. */
export function heapBase(): usize {
  return scratchEnd();
}
export * from './spartanGradient';
export * from './spartanSoftTopK';

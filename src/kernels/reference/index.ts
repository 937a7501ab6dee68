import type { Kernels } from '../kernels.js';
import { causalAttention, causalAttentionBackward, gatherHeads, scatterHeads } from './attention.js';
import { biasActivationBackward, biasGelu, biasRelu } from './biasActivation.js';
import {
  add,
  addRowBias,
  axpy,
  flagOutside,
  gelu,
  geluBackward,
  moveRuns,
  mul,
  relu,
  reluBackward,
  rowSums,
  scale,
  sum,
} from './elementwise.js';
import { embeddingBackward, embeddingLookup } from './embedding.js';
import { col2im, im2col } from './im2col.js';
import { layerNorm, layerNormBackward } from './layerNorm.js';
import { matmulNN, matmulNT, matmulTN } from './matmul.js';
import { adamwUpdate, sgdUpdate } from './optimizers.js';
import { maxPool2d, maxPool2dBackward } from './pooling.js';
import { softmaxCrossEntropy, softmaxCrossEntropyBackward } from './softmaxCrossEntropy.js';
import {
  spartanApplyGradient,
  spartanBand,
  spartanHistogram,
  spartanMaskBackward,
  spartanMaskPass,
  spartanSoftMaskBackward,
  spartanTieBoundary,
  spartanValues,
} from './spartan.js';

/** The plain TypeScript kernels: the spec, the fallback, and what every fast kernel is tested against. */
export const referenceKernels: Kernels = {
  name: 'reference',
  matmulNN,
  matmulTN,
  matmulNT,
  addRowBias,
  rowSums,
  relu,
  reluBackward,
  gelu,
  geluBackward,
  biasGelu,
  biasRelu,
  biasActivationBackward,
  embeddingLookup,
  embeddingBackward,
  layerNorm,
  layerNormBackward,
  gatherHeads,
  scatterHeads,
  causalAttention,
  causalAttentionBackward,
  im2col,
  col2im,
  maxPool2d,
  maxPool2dBackward,
  add,
  mul,
  scale,
  axpy,
  sum,
  moveRuns,
  flagOutside,
  softmaxCrossEntropy,
  softmaxCrossEntropyBackward,
  sgdUpdate,
  adamwUpdate,
  spartanValues,
  spartanHistogram,
  spartanBand,
  spartanTieBoundary,
  spartanMaskPass,
  spartanMaskBackward,
  spartanSoftMaskBackward,
  spartanApplyGradient,
};

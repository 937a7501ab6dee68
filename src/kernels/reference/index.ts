import type { Kernels } from '../kernels.js';
import { causalSoftmax, causalSoftmaxBackward, gatherSequences, scatterSequences } from './attention.js';
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
import { layerNorm, layerNormBackward } from './layerNorm.js';
import { matmul } from './matmul.js';
import { adamwUpdate, sgdUpdate } from './optimizers.js';
import { maxPool2d, maxPool2dBackward } from './pooling.js';
import { softmaxCrossEntropy, softmaxCrossEntropyBackward } from './softmaxCrossEntropy.js';

/** The plain TypeScript kernels: the spec, the fallback, and what every fast kernel is tested against. */
export const referenceKernels: Kernels = {
  name: 'reference',
  matmul,
  addRowBias,
  rowSums,
  relu,
  reluBackward,
  gelu,
  geluBackward,
  layerNorm,
  layerNormBackward,
  gatherSequences,
  scatterSequences,
  causalSoftmax,
  causalSoftmaxBackward,
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
};

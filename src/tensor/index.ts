export { type GradientCheckResult, gradientCheck } from './gradientCheck.js';
export { add } from './ops/add.js';
export { addChannelBias } from './ops/addChannelBias.js';
export { addRowBias } from './ops/addRowBias.js';
export { causalSelfAttention } from './ops/attention.js';
export { avgPool2d } from './ops/avgPool2d.js';
export { type Activation, biasActivation } from './ops/biasActivation.js';
export { dropout } from './ops/dropout.js';
export { embedding } from './ops/embedding.js';
export { gelu } from './ops/gelu.js';
export { im2col } from './ops/im2col.js';
export { layerNorm } from './ops/layerNorm.js';
export { type MatmulOptions, matmul } from './ops/matmul.js';
export { maxPool2d } from './ops/maxPool2d.js';
export { mean } from './ops/mean.js';
export { mul } from './ops/mul.js';
export { relu } from './ops/relu.js';
export { reshape } from './ops/reshape.js';
export { scale } from './ops/scale.js';
export { softmaxCrossEntropy } from './ops/softmaxCrossEntropy.js';
export { sum } from './ops/sum.js';
export { makeWindow, type Window } from './ops/window.js';
export {
  type BackwardFn,
  createOutput,
  type OutputOptions,
  recordBackward,
  recordTape,
  Tape,
} from './tape.js';
export { formatShape, shapeSize, Tensor, type TensorOptions } from './tensor.js';
export type { Trainable } from './trainable.js';

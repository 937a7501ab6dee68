export { type GradientCheckResult, gradientCheck } from './gradientCheck.js';
export { add } from './ops/add.js';
export { addRowBias } from './ops/addRowBias.js';
export { gelu } from './ops/gelu.js';
export { type MatmulOptions, matmul } from './ops/matmul.js';
export { mean } from './ops/mean.js';
export { mul } from './ops/mul.js';
export { relu } from './ops/relu.js';
export { scale } from './ops/scale.js';
export { softmaxCrossEntropy } from './ops/softmaxCrossEntropy.js';
export { sum } from './ops/sum.js';
export {
  type BackwardFn,
  createOutput,
  type OutputOptions,
  recordBackward,
  recordTape,
  Tape,
} from './tape.js';
export { formatShape, shapeSize, Tensor, type TensorOptions } from './tensor.js';

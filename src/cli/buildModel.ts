/**
 * The model a training config describes, for an image dataset: `mlp` (widths from --hidden, activation from
 * --activation) or `cnn` (src/nn/cnn.ts: two conv blocks and a hidden layer; --hidden and --activation apply
 * to mlp only). Square single-channel images are assumed for cnn (both shipped datasets are 28×28).
 */
import { cnn } from '../nn/cnn.js';
import { mlp } from '../nn/mlp.js';
import type { Sequential } from '../nn/sequential.js';
import type { TrainConfig } from './trainConfig.js';

export function buildModel(
  config: Pick<TrainConfig, 'model' | 'hidden' | 'activation' | 'seed'>,
  inputs: number,
  classes: number,
): { model: Sequential; name: string } {
  if (config.model === 'cnn') {
    const side = Math.round(Math.sqrt(inputs));
    if (side * side !== inputs) {
      throw new Error(
        `--model cnn needs square images; this dataset has ${inputs} inputs per example: use --model mlp`,
      );
    }
    return {
      model: cnn({ inputShape: [1, side, side], classes, seed: config.seed }),
      name: `cnn 1×${side}×${side} conv32-conv64-fc128-${classes}`,
    };
  }
  const widths = [inputs, ...config.hidden, classes];
  return {
    model: mlp({
      inputs,
      hidden: config.hidden,
      outputs: classes,
      activation: config.activation,
      seed: config.seed,
    }),
    name: `mlp ${widths.join('-')} ${config.activation}`,
  };
}

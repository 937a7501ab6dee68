/**
 * The model a training config describes. For an image dataset: `mlp` (widths from --hidden, activation from
 * --activation) or `cnn` (src/nn/cnn.ts: two conv blocks and a hidden layer; --hidden and --activation apply
 * to mlp only). Square single-channel images are assumed for cnn (both shipped datasets are 28×28). For a
 * text dataset: the `transformer` language model (src/nn/transformer.ts) over the dataset's vocabulary.
 */
import { cnn } from '../nn/cnn.js';
import { mlp } from '../nn/mlp.js';
import type { Sequential } from '../nn/sequential.js';
import { type Transformer, transformer } from '../nn/transformer.js';
import { imageDefaults, type TrainConfig } from './trainConfig.js';

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
  if (config.model !== 'mlp') {
    throw new Error(`--model ${config.model} is not an image model: use --model mlp or cnn`);
  }
  const { hidden = imageDefaults.hidden, activation = imageDefaults.activation } = config;
  const widths = [inputs, ...hidden, classes];
  return {
    model: mlp({ inputs, hidden, outputs: classes, activation, seed: config.seed }),
    name: `mlp ${widths.join('-')} ${activation}`,
  };
}

/** The transformer of a language-model config, over `vocab` characters. */
export function buildTextModel(
  config: Pick<TrainConfig, 'model' | 'layers' | 'dModel' | 'heads' | 'context' | 'tied' | 'seed'>,
  vocab: number,
): { model: Transformer; name: string } {
  const { layers, dModel, heads, context, tied = false } = config;
  if (
    config.model !== 'transformer' ||
    layers === undefined ||
    dModel === undefined ||
    heads === undefined ||
    context === undefined
  ) {
    throw new Error(
      `a language model needs --model transformer with its layers, width, heads and context, got ${config.model}`,
    );
  }
  return {
    model: transformer({ vocab, layers, dModel, heads, context, tiedEmbeddings: tied, seed: config.seed }),
    name: `transformer ${layers}×${dModel} ${heads} heads context ${context}${tied ? ' tied' : ''} vocab ${vocab}`,
  };
}

/**
 * A language model's ONNX file, with the vocabulary it needs (read from its dataset: Node only).
 */

import { loadTextDataset } from '../../data/registry.js';
import type { Transformer } from '../../nn/transformer.js';
import type { TrainConfig } from '../../run/trainConfig.js';
import type { InferenceFile } from '../exportModel.js';
import { inferenceModel } from '../inferenceModel.js';
import { savedTrainConfig } from '../savedConfig.js';
import { exportTransformerOnnx } from './exportOnnxTransformer.js';

/** The ONNX file of a language model's inference file, with the vocabulary (JSON characters by id) in its metadata. */
export function languageModelOnnx(file: InferenceFile, source: string): Uint8Array {
  const config = savedTrainConfig(file.config as unknown as TrainConfig, source);
  const { vocabulary } = loadTextDataset(config.dataset);
  const { model } = inferenceModel(file, source);
  try {
    const metadata = { vocabulary: JSON.stringify(vocabulary), dataset: config.dataset };
    return exportTransformerOnnx(model as Transformer, metadata);
  } finally {
    model.dispose?.();
  }
}

/**
 * What every export of an image model shares: its layers with forward weights (layerGraph.ts), its input
 * contract (features, normalisation of the dataset it was trained on) and the metadata that records both.
 */
import { datasetInfo } from '../../data/catalog.js';
import type { TrainConfig } from '../../run/trainConfig.js';
import type { InferenceFile } from '../exportModel.js';
import { inferenceModel } from '../inferenceModel.js';
import { savedTrainConfig } from '../savedConfig.js';
import { describeLayers, type GraphLayer, type ImageInput, layerGraph } from './layerGraph.js';

export interface PortableModel {
  readonly layers: readonly GraphLayer[];
  readonly input: ImageInput;
  readonly classes: number;
  /** normalization, input and architecture entries (JSON), for any export's metadata. */
  readonly metadata: Readonly<Record<string, string>>;
}

/** The portable form of an image model's inference file; null for a language model. */
export function portableModel(file: InferenceFile, source: string): PortableModel | null {
  const config = savedTrainConfig(file.config as unknown as TrainConfig, source);
  if (config.model === 'transformer') return null;
  const { inputShape, normalization } = datasetInfo(config.dataset);
  const features = inputShape.reduce((a, b) => a * b, 1);
  const input = { features, mean: normalization.mean, std: normalization.std };
  const { model } = inferenceModel(file, source, features);
  try {
    const layers = layerGraph(model, input);
    const linear = layers.filter((layer) => layer.kind === 'linear');
    const classes = linear[linear.length - 1]!.weight.shape[0]!;
    const metadata = {
      input: JSON.stringify({ shape: [features], values: 'pixels / 255', dataset: config.dataset }),
      normalization: JSON.stringify({ mean: input.mean, std: input.std, formula: '(x - mean) / std' }),
      architecture: JSON.stringify(describeLayers(layers)),
    };
    return { layers, input, classes, metadata };
  } finally {
    model.dispose?.();
  }
}

/** Each weight's shape in the export (a convolution's [out, C, kh, kw]), by trainable name. */
export function weightShapes(layers: readonly GraphLayer[]): Map<string, readonly number[]> {
  const shapes = new Map<string, readonly number[]>();
  for (const layer of layers) {
    if (layer.kind === 'linear' || layer.kind === 'conv2d') shapes.set(layer.weight.name, layer.weight.shape);
  }
  return shapes;
}

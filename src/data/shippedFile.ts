/**
 * Data files shipped in the package (under data/), found from this module upwards: src/data in a checkout,
 * dist/src/data when built, node_modules/topkast/dist/src/data when installed. Node only.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The path of `relative` (e.g. data/austen/austen.txt.gz) in the package; an error says how to get it back. */
export function shippedFile(relative: string): string {
  const here = fileURLToPath(import.meta.url);
  let dir = dirname(here);
  for (let up = 0; up < 5; up++) {
    const candidate = join(dir, relative);
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new Error(
    `${relative} was not found above ${here}: reinstall topkast (it ships the file), or pass { file }`,
  );
}

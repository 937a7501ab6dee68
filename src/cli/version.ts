import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The version in topkast's package.json: the nearest one above this file named topkast (the file runs from
 * src/cli in a checkout and from dist/src/cli when installed, so the depth differs).
 */
export function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const { name, version } = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (name === 'topkast' && version !== undefined) return version;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('topkast: its package.json was not found above its files');
    dir = parent;
  }
}

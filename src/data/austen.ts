/**
 * The six novels of Jane Austen (public domain; about 4.0 million characters, 81 distinct), shipped gzip-compressed
 * in data/austen/austen.txt.gz (see data/austen/README.md for the source and scripts/extract-austen.sh for how
 * it was made). The whole text is one character sequence split 90/5/5 into train, validation and test by
 * contiguous ranges, in the novels' order: Sense and Sensibility, Pride and Prejudice, Mansfield Park, Emma,
 * Northanger Abbey, Persuasion (so test is the end of Persuasion).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { buildTextDataset, type TextDataset } from './textDataset.js';

/** The shipped file's path from the package root (a function, so loading this module touches no node:path). */
const shippedPath = (): string => join('data', 'austen', 'austen.txt.gz');

export interface AustenLoadOptions {
  /** The gzip-compressed text; default: the file shipped with the package. */
  readonly file?: string;
}

export function loadAusten(options: AustenLoadOptions = {}): TextDataset {
  const file = options.file ?? shippedFile();
  const text = gunzipSync(readFileSync(file)).toString('utf8');
  return buildTextDataset('austen', text);
}

/** The shipped file, found from this module upwards (src/data in a checkout, dist/src/data when built). */
function shippedFile(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 5; up++) {
    const candidate = join(dir, shippedPath());
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new Error(
    `austen: ${shippedPath()} was not found above ${fileURLToPath(import.meta.url)}; restore it from the repository or pass { file }`,
  );
}

/**
 * The six novels of Jane Austen (public domain; about 4.0 million characters, 81 distinct), shipped gzip-compressed
 * in data/austen/austen.txt.gz (see data/austen/README.md for the source and scripts/extract-austen.sh for how
 * it was made). The whole text is one character sequence split 90/5/5 into train, validation and test by
 * contiguous ranges, in the novels' order: Sense and Sensibility, Pride and Prejudice, Mansfield Park, Emma,
 * Northanger Abbey, Persuasion (so test is the end of Persuasion). Node only (it reads the file).
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { shippedFile } from './shippedFile.js';
import { buildTextDataset, type TextDataset } from './textDataset.js';

export interface AustenLoadOptions {
  /** The gzip-compressed text; default: the file shipped with the package. */
  readonly file?: string;
}

export function loadAusten(options: AustenLoadOptions = {}): TextDataset {
  const file = options.file ?? shippedFile('data/austen/austen.txt.gz');
  const text = gunzipSync(readFileSync(file)).toString('utf8');
  return buildTextDataset('austen', text);
}

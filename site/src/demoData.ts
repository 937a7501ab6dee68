/**
 * The demo's data: the Fashion-MNIST subset shipped beside the page (src/data/fashionMnistSubset.ts), fetched
 * from the page's own origin.
 */
import type { Dataset } from '../../src/data/dataset.js';
import { fashionMnistSubset } from '../../src/data/fashionMnistSubset.js';
import { DATA_FILE_NAME } from './dataFile.js';

export async function loadDemoDataset(): Promise<Dataset> {
  const response = await fetch(new URL(DATA_FILE_NAME, document.baseURI));
  if (!response.ok) {
    throw new Error(
      `the data file ${DATA_FILE_NAME} did not load (HTTP ${response.status}): rebuild the site`,
    );
  }
  return fashionMnistSubset(new Uint8Array(await response.arrayBuffer()), DATA_FILE_NAME);
}

/**
 * The demo's data: the Fashion-MNIST subset shipped beside the page, a gzipped safetensors file of four U8
 * tensors, `train.images` [n, 784], `train.labels` [n], `test.images` [m, 784], `test.labels` [m] (pixels
 * 0–255, labels 0–9). Fetched from the page's own origin and unpacked with the browser's DecompressionStream.
 */
import { decodeSafetensors, type NamedTensor } from '../../src/checkpoint/safetensors.js';
import type { Dataset, Split } from '../../src/data/dataset.js';
import { fashionMnistSource } from '../../src/data/fashionMnist.js';
import { DATA_FILE_NAME } from './dataFile.js';

export async function loadDemoDataset(): Promise<Dataset> {
  const response = await fetch(new URL(DATA_FILE_NAME, document.baseURI));
  if (!response.ok) {
    throw new Error(
      `the data file ${DATA_FILE_NAME} did not load (HTTP ${response.status}): rebuild the site`,
    );
  }
  const bytes = await gunzipped(new Uint8Array(await response.arrayBuffer()));
  const { tensors } = decodeSafetensors(bytes, DATA_FILE_NAME);
  const byName = new Map(tensors.map((tensor) => [tensor.name, tensor]));
  const split = (name: string): Split => ({
    images: bytesOf(byName.get(`${name}.images`), `${name}.images`),
    labels: bytesOf(byName.get(`${name}.labels`), `${name}.labels`),
  });
  const { name, inputShape, classes, normalization } = fashionMnistSource;
  return { name, inputShape, classes, normalization, train: split('train'), test: split('test') };
}

/** The bytes, gunzipped unless the server already undid the compression (no gzip magic number). */
async function gunzipped(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function bytesOf(tensor: NamedTensor | undefined, name: string): Uint8Array {
  if (tensor === undefined || tensor.dtype !== 'U8') {
    throw new Error(
      `${DATA_FILE_NAME}: expected a U8 tensor ${name}; rebuild the site with the shipped subset`,
    );
  }
  return tensor.data as Uint8Array;
}

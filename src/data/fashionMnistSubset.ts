/**
 * A compact Fashion-MNIST that fits a web page: the first 400 training images of each class of our
 * Fashion-MNIST split (fashionMnist.ts) and the first 100 test images of each class, 4,000 + 1,000 in all,
 * as splits bytes (splitsBytes.ts) gzip-compressed in data/fashion-mnist-subset/fashion-mnist-subset.bin.gz
 * (made by scripts/make-fashion-mnist-subset.mjs from the `fashion-mnist` package). Platform-neutral: a page
 * fetches the file and passes its bytes to fashionMnistSubset; Node loads it by name (registry.ts).
 */
import { datasetInfo } from './catalog.js';
import { type Dataset, inputSize } from './dataset.js';
import { decodeSplits } from './splitsBytes.js';

/** The shipped file, relative to the package root (also its path under the `topkast/data/*` export). */
export const FASHION_MNIST_SUBSET_FILE = 'data/fashion-mnist-subset/fashion-mnist-subset.bin.gz';

const info = datasetInfo('fashion-mnist-subset');

/**
 * The subset from the bytes of its file, gzip-compressed (as shipped) or already decompressed (a server may
 * send it with Content-Encoding: gzip, and the browser then decompresses it). Uses DecompressionStream (every
 * current browser; Node 18+). Throws, naming `source`, when the bytes are not the subset.
 */
export async function fashionMnistSubset(
  bytes: Uint8Array,
  source = 'the Fashion-MNIST subset',
): Promise<Dataset> {
  return fashionMnistSubsetOf(isGzip(bytes) ? await gunzip(bytes, source) : bytes, source);
}

/** The subset from its decompressed bytes; throws, naming `source`, when they are not the subset. */
export function fashionMnistSubsetOf(bytes: Uint8Array, source: string): Dataset {
  const { train, test } = decodeSplits(bytes, { inputSize: inputSize(info), classes: info.classes }, source);
  return { ...info, train, test };
}

/** Whether `bytes` start like a gzip stream (RFC 1952: 1f 8b). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

async function gunzip(bytes: Uint8Array, source: string): Promise<Uint8Array> {
  try {
    const stream = new Blob([bytes as Uint8Array<ArrayBuffer>])
      .stream()
      .pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (error) {
    throw new Error(`${source} is not a valid gzip file (${(error as Error).message}): fetch it again`);
  }
}

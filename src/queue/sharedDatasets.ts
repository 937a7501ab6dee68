/**
 * One copy of each image dataset per `topkast worker` process, shared by all its runs: the worker's main
 * thread loads a dataset the first time a run asks for it, into SharedArrayBuffers, and every processor thread
 * (one per concurrent run, kept between runs) trains on views of that memory, read-only. Runs then skip
 * reading and checking the 55 MB cache file each time, and N concurrent runs hold one copy instead of N.
 * Threads ask over a BroadcastChannel (BullMQ owns the threads' parent port); the answer is a dataset or the
 * error its loading threw.
 */
import { BroadcastChannel } from 'node:worker_threads';
import type { Dataset, Split } from '../data/dataset.js';
import { loadDataset } from '../data/registry.js';

const CHANNEL = 'topkast-worker-datasets';

type Answer = { name: string; dataset: Dataset } | { name: string; error: string };

/** A copy of `bytes` in shared memory. */
function shared(bytes: Uint8Array): Uint8Array {
  const copy = new Uint8Array(new SharedArrayBuffer(bytes.length));
  copy.set(bytes);
  return copy;
}

function sharedSplit(split: Split): Split {
  return { images: shared(split.images), labels: shared(split.labels) };
}

/**
 * Answers the processor threads' requests for datasets (in the worker's main thread), loading each once.
 * Returns the function that stops answering.
 */
export function serveDatasets(): () => void {
  const channel = new BroadcastChannel(CHANNEL);
  const loaded = new Map<string, Dataset>();
  channel.onmessage = (event) => {
    const { request } = (event as unknown as MessageEvent<{ request?: unknown }>).data;
    if (typeof request !== 'string') return;
    let answer: Answer;
    try {
      let dataset = loaded.get(request);
      if (dataset === undefined) {
        const read = loadDataset(request);
        dataset = { ...read, train: sharedSplit(read.train), test: sharedSplit(read.test) };
        loaded.set(request, dataset);
      }
      answer = { name: request, dataset };
    } catch (error) {
      answer = { name: request, error: error instanceof Error ? error.message : String(error) };
    }
    channel.postMessage(answer);
  };
  channel.unref();
  return () => channel.close();
}

let threadChannel: BroadcastChannel | undefined;
const pending = new Map<string, Promise<Dataset>>();

/**
 * The image dataset `name` from the worker's main thread (in a processor thread); asked once per thread and
 * kept. Rejects with the loading error.
 */
export function sharedDataset(name: string): Promise<Dataset> {
  let answer = pending.get(name);
  if (answer === undefined) {
    threadChannel ??= new BroadcastChannel(CHANNEL);
    threadChannel.unref();
    const channel = threadChannel;
    answer = new Promise<Dataset>((resolve, reject) => {
      const listen = (event: Event) => {
        const data = (event as unknown as MessageEvent<Answer>).data;
        if (data?.name !== name) return;
        channel.removeEventListener('message', listen);
        if ('error' in data) reject(new Error(data.error));
        else resolve(data.dataset);
      };
      channel.addEventListener('message', listen);
    });
    pending.set(name, answer);
    answer.catch(() => pending.delete(name));
    channel.postMessage({ request: name });
  }
  return answer;
}

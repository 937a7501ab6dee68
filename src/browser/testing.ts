/** Small runs for the browser trainer's tests. */

import { type Dataset, sampleSplit } from '../data/dataset.js';
import { loadMnist } from '../data/mnist.js';
import type { TrainFlags } from '../run/trainConfig.js';
import { Random } from '../util/random.js';

/** 2,000 training and 500 test digits: 40 steps an epoch at batch 50. */
export function smallMnist(): Dataset {
  const mnist = loadMnist();
  return {
    ...mnist,
    train: sampleSplit(mnist.train, 2000, 784, new Random(1)),
    test: sampleSplit(mnist.test, 500, 784, new Random(2)),
  };
}

/** Top-KAST at 80% on a 784-32-10 MLP, 60 steps (1.5 epochs), refreshing every 10 steps. */
export const topkastFlags: TrainFlags = {
  dataset: 'mnist',
  method: 'topkast',
  sparsity: 0.8,
  hidden: [32],
  steps: 60,
  batchSize: 50,
  schedule: 'cosine',
  seed: 4,
  denseLayers: ['none'],
  refreshInterval: 10,
};

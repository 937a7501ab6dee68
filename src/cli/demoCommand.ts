import { Command } from 'commander';
import type { CliIo } from './io.js';
import { describeResult, runTraining } from './runTraining.js';
import type { TrainConfig } from './trainConfig.js';

/**
 * What `npm start` runs: dense MLP 784-1024-1024-10 on Fashion-MNIST with SGD (momentum 0.9, lr 0.05,
 * cosine decay), sized to finish in about a minute on a 2-core machine.
 */
export const demoConfig: TrainConfig = {
  dataset: 'fashion-mnist',
  model: 'mlp',
  hidden: [1024, 1024],
  activation: 'relu',
  epochs: 3,
  batchSize: 128,
  optimizer: 'sgd',
  lr: 0.05,
  momentum: 0.9,
  nesterov: false,
  weightDecay: 5e-4,
  schedule: 'cosine',
  seed: 0,
  method: 'dense',
  sparsity: 0,
  distribution: 'uniform',
  denseLayers: ['first', 'last'],
};

/** `topkast demo`: a short default training run that prints its accuracy and step time. */
export function demoCommand(io: CliIo): Command {
  return new Command('demo')
    .description('a one-minute dense training run on Fashion-MNIST (what npm start runs)')
    .action(() => {
      const summary = runTraining(demoConfig, {
        progress: { stream: io.progress },
        announce: (line) => io.out(`${line}\n`),
      });
      io.out(`${describeResult(summary)}\n`);
      io.out('next: npx topkast train --help\n');
    });
}

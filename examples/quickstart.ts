/**
 * The README's library example: Top-KAST 90%/80% on both hidden layers of an MLP, on Fashion-MNIST.
 * Run it after `npm ci` with `node dist/examples/quickstart.js [epochs]`.
 */
import { cosineLr, createMethod, fit, mlp, SGD, sparsify } from 'topkast';
import { loadDataset } from 'topkast/node';

export function quickstart(epochs: number, maxSteps?: number) {
  const dataset = loadDataset('fashion-mnist');
  const model = mlp({ inputs: 784, hidden: [1024, 1024], outputs: 10, activation: 'relu', seed: 0 });
  const totalSteps = maxSteps ?? epochs * Math.floor(60_000 / 128);
  const controller = sparsify(model, {
    method: createMethod('topkast', { sparsity: 0.9, backwardSparsity: 0.8 }),
    denseLayers: ['last'], // the 10-way output layer stays dense
    totalSteps,
    seed: 0,
  });
  const optimizer = new SGD(model.trainables(), { lr: 0.05, momentum: 0.9 });
  const result = fit({
    model,
    optimizer,
    schedule: cosineLr({ lr: 0.05, totalSteps }),
    dataset,
    epochs,
    maxSteps,
    batchSize: 128,
    seed: 0,
    hooks: controller, // the method's refreshes and exploration penalty
  });
  const report = controller.report();
  model.dispose();
  return { testAccuracy: result.testAccuracy, modelSparsity: report.modelSparsity, memory: report.memory };
}

if (process.argv[1]?.endsWith('quickstart.js')) {
  console.log(quickstart(Number(process.argv[2] ?? 2)));
}

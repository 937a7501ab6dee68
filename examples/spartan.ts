/**
 * The README's Spartan example: a 95%-sparse MLP on Fashion-MNIST learned through a soft top-k mask that
 * sharpens over training, then finalized into ordinary sparse layers.
 * Run it after `npm ci` with `node dist/examples/spartan.js [epochs]`.
 */
import { cosineLr, fit, mlp, SGD, Spartan, sparsify } from 'topkast';
import { loadDataset } from 'topkast/node';

export function spartanExample(epochs: number, maxSteps?: number) {
  const dataset = loadDataset('fashion-mnist');
  const model = mlp({ inputs: 784, hidden: [1024, 1024], outputs: 10, activation: 'relu', seed: 0 });
  const totalSteps = maxSteps ?? epochs * Math.floor(60_000 / 128);
  const controller = sparsify(model, {
    // β multiplies raw |w| (about 0.03 here), so an MLP wants a larger β_target than the spec's convnet 10.
    method: new Spartan({ sparsity: 0.95, betaTarget: 100, budgetScope: 'masked' }),
    denseLayers: ['last'],
    distribution: 'global', // one soft top-k over both hidden layers
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
    hooks: controller, // masks every step, the soft top-k gradient, freeze at 80%, finalize at the end
  });
  const report = controller.report();
  model.dispose();
  return {
    testAccuracy: result.testAccuracy,
    modelSparsity: report.modelSparsity,
    softMask: report.softMask,
  };
}

if (process.argv[1]?.endsWith('spartan.js')) {
  console.log(spartanExample(Number(process.argv[2] ?? 2)));
}

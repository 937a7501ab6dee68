import { resolveTrainConfig, type TrainConfig } from '../cli/trainConfig.js';

/**
 * A run config read back from a checkpoint, checked and rebuilt the way the CLI builds one (resolveTrainConfig),
 * so it has the same defaults, the same checks and the same key order as the config of the run that saved it
 * (a resumed run's summary is then byte-identical to the uninterrupted run's).
 */
export function savedTrainConfig(saved: TrainConfig, source: string): TrainConfig {
  try {
    return resolveTrainConfig({
      dataset: saved.dataset,
      model: saved.model,
      hidden: saved.hidden,
      activation: saved.activation,
      epochs: saved.epochs,
      steps: saved.steps,
      batchSize: saved.batchSize,
      optimizer: saved.optimizer,
      lr: saved.lr,
      momentum: saved.optimizer === 'sgd' ? saved.momentum : undefined,
      nesterov: saved.nesterov,
      weightDecay: saved.weightDecay,
      schedule: saved.schedule,
      seed: saved.seed,
      method: saved.method,
      sparsity: saved.sparsity,
      bwdSparsity: saved.backwardSparsity,
      refreshInterval: saved.refreshInterval,
      penalty: saved.penalty,
      distribution: saved.distribution,
      denseLayers: saved.denseLayers,
    });
  } catch (error) {
    throw new Error(`${source}: its run config is not valid: ${(error as Error).message}`);
  }
}

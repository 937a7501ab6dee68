import { resolveTrainConfig, type TrainConfig, trainFlagsOf } from '../cli/trainConfig.js';

/**
 * A run config read back from a checkpoint, checked and rebuilt the way the CLI builds one (resolveTrainConfig),
 * so it has the same defaults, the same checks and the same key order as the config of the run that saved it
 * (a resumed run's summary is then byte-identical to the uninterrupted run's).
 */
export function savedTrainConfig(saved: TrainConfig, source: string): TrainConfig {
  try {
    return resolveTrainConfig(trainFlagsOf(saved));
  } catch (error) {
    throw new Error(`${source}: its run config is not valid: ${(error as Error).message}`);
  }
}

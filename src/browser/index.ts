/**
 * `topkast/browser`: training in a page. A run goes to a dedicated worker (serveTrainer there), driven from
 * the page (WorkerTrainer): progress with losses, evaluations, densities, churn and mask pictures; pause,
 * resume and stop; the trained model's export bytes at the end. Kept out of the main entry so a library user
 * who trains on the main thread does not bundle it.
 */
export { type MaskPicture, maskPicture, type PictureSize } from './maskPicture.js';
export { SlicedRun } from './slicedRun.js';
export type {
  BrowserRunConfig,
  LayerDensity,
  RunFinished,
  RunProgress,
  RunStarted,
  StepRecord,
  TrainerEvent,
  TrainerRequest,
} from './trainerMessages.js';
export { serveTrainer, type TrainerPort } from './trainerWorker.js';
export { type TrainerListeners, type WorkerLike, WorkerTrainer } from './workerTrainer.js';

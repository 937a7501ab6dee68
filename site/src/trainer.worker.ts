/** A training worker: trains the run the page's WorkerTrainer starts (src/browser/trainerWorker.ts). */
import { serveTrainer, type TrainerPort } from '../../src/browser/trainerWorker.js';

serveTrainer(self as unknown as TrainerPort);

/** A training worker: trains the run the page's WorkerTrainer starts (src/browser/trainerWorker.ts). */
import { serveTrainer } from '../../src/browser/trainerWorker.js';

serveTrainer();

/**
 * The page side of the browser trainer: trains a run in a dedicated worker that called serveTrainer, so the
 * page stays responsive, and hands the page what the worker streams.
 *
 *   const worker = new Worker(new URL('./trainer.worker.ts', import.meta.url), { type: 'module' });
 *   const trainer = new WorkerTrainer(worker, { onProgress: (p) => draw(p) });
 *   const done = await trainer.start({ flags: { dataset: 'fashion-mnist', method: 'topkast', ... } }, dataset);
 *
 * where trainer.worker.ts is `serveTrainer()`. pause(), resume() and stop() take effect after the slice
 * of steps in progress (about 100 ms); a stopped run still resolves, evaluated where it stood. A worker
 * trains one run.
 */
import type { Dataset } from '../data/dataset.js';
import type {
  BrowserRunConfig,
  RunFinished,
  RunProgress,
  RunStarted,
  RunState,
  TrainerEvent,
  TrainerRequest,
} from './trainerMessages.js';

export interface TrainerListeners {
  onStarted?(started: RunStarted): void;
  onProgress?(progress: RunProgress): void;
  onState?(state: RunState['state']): void;
}

/** What the trainer needs of a Worker (or of a MessagePort, in tests). */
export interface WorkerLike {
  postMessage(message: TrainerRequest): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<TrainerEvent>) => void): void;
  addEventListener(type: 'error', listener: (event: ErrorEvent) => void): void;
}

export class WorkerTrainer {
  private readonly worker: WorkerLike;
  private readonly listeners: TrainerListeners;
  private started = false;
  private settled = false;

  constructor(worker: WorkerLike, listeners: TrainerListeners = {}) {
    this.worker = worker;
    this.listeners = listeners;
  }

  /**
   * Starts the run `config` describes on `dataset` (copied to the worker) and resolves when it has finished or
   * been stopped; rejects with the worker's error (a bad config, a diverged run, a worker that failed to load).
   */
  start(config: BrowserRunConfig, dataset: Dataset): Promise<RunFinished> {
    if (this.started) {
      throw new Error(
        'WorkerTrainer.start: a worker trains one run: make a new worker and trainer for the next',
      );
    }
    this.started = true;
    return new Promise<RunFinished>((resolve, reject) => {
      const settle = (finish: () => void) => {
        if (this.settled) return;
        this.settled = true;
        finish();
      };
      this.worker.addEventListener('error', (event) =>
        settle(() => reject(new Error(`the training worker failed: ${event.message || 'it did not load'}`))),
      );
      this.worker.addEventListener('message', ({ data: event }) => {
        switch (event.type) {
          case 'started':
            this.listeners.onStarted?.(event);
            return;
          case 'progress':
            this.listeners.onProgress?.(event);
            return;
          case 'state':
            this.listeners.onState?.(event.state);
            return;
          case 'done':
            settle(() => resolve(event));
            return;
          case 'error':
            settle(() => reject(new Error(event.message)));
            return;
        }
      });
      this.worker.postMessage({ type: 'start', config, dataset });
    });
  }

  /** Pauses the run after the slice in progress. */
  pause(): void {
    this.worker.postMessage({ type: 'pause' });
  }

  resume(): void {
    this.worker.postMessage({ type: 'resume' });
  }

  /** Ends the run after the slice in progress; start's promise then resolves with the run evaluated there. */
  stop(): void {
    this.worker.postMessage({ type: 'stop' });
  }
}

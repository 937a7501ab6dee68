/**
 * The worker side of the browser trainer: `serveTrainer()` in a dedicated worker's module makes it train
 * what the page's WorkerTrainer asks. The run (SlicedRun) advances in slices of about sliceMs milliseconds;
 * between slices the worker yields to its event loop with a zero timer, so pause, resume and stop arrive
 * within one slice. (Not a MessageChannel message, which is sooner: Node, and browsers are free to, drain a
 * port that keeps posting to itself before another port's messages. Browsers clamp nested timers to 4 ms,
 * under 4% of a 100 ms slice.)
 *
 * Kernels: the engine runs on the worker's thread only. Its kernel threads are Node's worker_threads
 * (kernels/threadsPool.ts); in a browser one worker is one core, whether or not the page is cross-origin
 * isolated, so a page that wants both cores trains two runs side by side (as the demo does).
 */
import { SlicedRun } from './slicedRun.js';
import type { RunProgress, TrainerEvent, TrainerRequest } from './trainerMessages.js';

/** What the trainer needs of its end of the channel: a dedicated worker's global scope, or a MessagePort. */
export interface TrainerPort {
  postMessage(message: TrainerEvent, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<TrainerRequest>) => void): void;
}

const DEFAULT_SLICE_MS = 100;

/**
 * Answers a page's start, pause, resume and stop requests on `port` (default: the worker's own global scope),
 * for one run.
 */
export function serveTrainer(port: TrainerPort = globalThis as unknown as TrainerPort): void {
  let run: SlicedRun | undefined;
  let started = false;
  let sliceMs = DEFAULT_SLICE_MS;
  let paused = false;
  let stopping = false;
  let scheduled = false;

  const post = (event: TrainerEvent, transfer: Transferable[] = []) => port.postMessage(event, transfer);
  const fail = (error: unknown) => {
    post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
    end();
  };
  const end = () => {
    run?.dispose();
    run = undefined;
  };
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    setTimeout(runSlice, 0);
  };

  const runSlice = () => {
    scheduled = false;
    if (run === undefined || paused) return;
    try {
      if (!stopping) {
        const progress = run.runSlice(sliceMs);
        post(progress, pictureBuffers(progress));
      }
      if (stopping || run.finished) {
        const done = run.finish();
        post(done, done.model ? [done.model.buffer] : []);
        end();
        return;
      }
      schedule();
    } catch (error) {
      fail(error);
    }
  };

  port.addEventListener('message', ({ data: request }) => {
    switch (request.type) {
      case 'start':
        if (started) {
          post({ type: 'error', message: 'this worker has trained its run: start the next in a new worker' });
          return;
        }
        started = true;
        try {
          run = new SlicedRun(request.config, request.dataset);
          sliceMs = request.config.sliceMs ?? DEFAULT_SLICE_MS;
          post(run.started());
          schedule();
        } catch (error) {
          fail(error);
        }
        return;
      case 'pause':
        if (run === undefined || paused) return;
        paused = true;
        post({ type: 'state', state: 'paused' });
        return;
      case 'resume':
        if (run === undefined || !paused) return;
        paused = false;
        post({ type: 'state', state: 'running' });
        schedule();
        return;
      case 'stop':
        if (run === undefined) return;
        stopping = true;
        paused = false;
        schedule();
        return;
    }
  });
}

/** The picture's arrays move to the page instead of being copied. */
function pictureBuffers(progress: RunProgress): Transferable[] {
  return progress.mask ? [progress.mask.kept.buffer, progress.mask.entered.buffer] : [];
}

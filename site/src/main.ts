/**
 * The demo: trains dense and a chosen sparse method side by side on the shipped Fashion-MNIST subset, each in
 * its own worker (src/browser: serveTrainer in trainer.worker.ts, WorkerTrainer here), and draws what they
 * stream. Charts are redrawn at most once per frame.
 */
import type { BrowserRunConfig } from '../../src/browser/trainerMessages.js';
import { WorkerTrainer } from '../../src/browser/workerTrainer.js';
import type { Dataset } from '../../src/data/dataset.js';
import type { TrainFlags } from '../../src/run/trainConfig.js';
import { accuracyChart, churnChart, densityChart, lossChart, stepTimeChart } from './charts.js';
import { loadDemoDataset } from './demoData.js';
import { drawMask } from './maskCanvas.js';
import { RunView } from './runView.js';

const DENSE_COLOR = '#4e79a7';
const SPARSE_COLOR = '#e15759';
/** Milliseconds of training between updates from a worker. */
const SLICE_MS = 50;

const element = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const form = element<HTMLFormElement>('settings');
const startButton = element<HTMLButtonElement>('start');
const pauseButton = element<HTMLButtonElement>('pause');
const stopButton = element<HTMLButtonElement>('stop');
const status = element<HTMLParagraphElement>('status');

let dataset: Dataset | undefined;
let trainers: WorkerTrainer[] = [];
let workers: Worker[] = [];
let runs: RunView[] = [];
let paused = false;
let drawScheduled = false;

function methodLabel(select: HTMLSelectElement): string {
  return select.selectedOptions[0]!.textContent!.trim();
}

function settings() {
  const value = (id: string) => element<HTMLInputElement | HTMLSelectElement>(id).value;
  const common = {
    dataset: 'fashion-mnist-subset',
    hidden: [Number(value('hidden'))],
    epochs: Number(value('epochs')),
    batchSize: 100,
    schedule: 'cosine',
    seed: 1,
  } as const;
  const method = value('method');
  const sparsity = Number(value('sparsity'));
  const dense: TrainFlags = { ...common, method: 'dense' };
  const sparse: TrainFlags = {
    ...common,
    method,
    sparsity,
    denseLayers: ['none'],
    refreshInterval: Number(value('refresh')),
  };
  const label = `${methodLabel(element('method'))} ${Math.round(sparsity * 100)}%`;
  return { dense, sparse, method, label };
}

async function start(): Promise<void> {
  if (!dataset) return;
  for (const worker of workers) worker.terminate();
  const { dense, sparse, method, label } = settings();
  runs = [
    new RunView(element('run-dense'), 'dense', 'Dense', DENSE_COLOR),
    new RunView(element('run-sparse'), method, label, SPARSE_COLOR),
  ];
  const configs: BrowserRunConfig[] = [
    { flags: dense, sliceMs: SLICE_MS },
    { flags: sparse, sliceMs: SLICE_MS },
  ];
  workers = runs.map(() => new Worker(new URL('./trainer.worker.ts', import.meta.url), { type: 'module' }));
  trainers = runs.map(
    (run, i) =>
      new WorkerTrainer(workers[i]!, {
        onStarted: (started) => {
          run.onStarted(started);
          scheduleDraw();
        },
        onProgress: (progress) => {
          run.onProgress(progress);
          scheduleDraw();
        },
      }),
  );
  setRunning(true);
  status.textContent = `Training dense and ${label} side by side…`;
  // Each run ends on its own: one that fails leaves the other running.
  const outcomes = await Promise.allSettled(
    trainers.map(async (trainer, i) => {
      const finished = await trainer.start(configs[i]!, dataset!);
      runs[i]!.onFinished(finished);
      return finished;
    }),
  );
  for (const worker of workers) worker.terminate();
  workers = [];
  setRunning(false);
  scheduleDraw();
  const lines = outcomes.map((outcome, i) =>
    outcome.status === 'fulfilled'
      ? `${runs[i]!.label} ${outcome.value.testAccuracy.toFixed(4)}${outcome.value.stopped ? ' (stopped early)' : ''}`
      : `${runs[i]!.label} failed: ${(outcome.reason as Error).message}`,
  );
  status.textContent = `Done. Test accuracy: ${lines.join('; ')}.`;
}

function setRunning(running: boolean): void {
  paused = false;
  startButton.disabled = running;
  pauseButton.disabled = !running;
  stopButton.disabled = !running;
  pauseButton.textContent = 'Pause';
  for (const input of form.querySelectorAll<HTMLInputElement | HTMLSelectElement>('input, select')) {
    input.disabled = running;
  }
}

function scheduleDraw(): void {
  if (drawScheduled) return;
  drawScheduled = true;
  requestAnimationFrame(() => {
    drawScheduled = false;
    draw();
  });
}

function draw(): void {
  element('loss-chart').innerHTML = lossChart(runs);
  element('accuracy-chart').innerHTML = accuracyChart(runs);
  element('step-time-chart').innerHTML = stepTimeChart(runs);
  const sparse = runs[1];
  if (!sparse) return;
  element('density-chart').innerHTML = densityChart(sparse) ?? '';
  element('churn-chart').innerHTML = churnChart(sparse) ?? '<p class="note">No mask refresh yet.</p>';
  const { mask } = sparse;
  const caption = element('mask-caption');
  if (mask) {
    drawMask(element('mask'), mask);
    const when = sparse.maskStep === 0 ? 'the initial mask' : `after the refresh at step ${sparse.maskStep}`;
    caption.textContent =
      `${sparse.label}, layer ${mask.layer} (${mask.rows} × ${mask.cols} weights), ${when}: ` +
      `each cell is ${mask.cellRows} × ${mask.cellCols} weights.`;
  } else {
    caption.textContent = `${sparse.label} has no sparse mask yet.`;
  }
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  void start();
});
pauseButton.addEventListener('click', () => {
  paused = !paused;
  for (const trainer of trainers) paused ? trainer.pause() : trainer.resume();
  pauseButton.textContent = paused ? 'Resume' : 'Pause';
  status.textContent = paused ? 'Paused.' : 'Training…';
});
stopButton.addEventListener('click', () => {
  for (const trainer of trainers) trainer.stop();
  stopButton.disabled = true;
  pauseButton.disabled = true;
  status.textContent = 'Stopping: evaluating both runs where they stand…';
});

loadDemoDataset().then(
  (loaded) => {
    dataset = loaded;
    const isolation = crossOriginIsolated ? 'cross-origin isolated' : 'not cross-origin isolated';
    status.textContent = `Ready: ${loaded.train.labels.length.toLocaleString('en-US')} training and ${loaded.test.labels.length.toLocaleString('en-US')} test images (this page is ${isolation}; each run uses one core).`;
    startButton.disabled = false;
  },
  (error: Error) => {
    status.textContent = `The data did not load: ${error.message}`;
  },
);

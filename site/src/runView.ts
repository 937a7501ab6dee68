/**
 * What the page knows of one run, as the worker streams it (src/browser/trainerMessages.ts), and the card
 * that shows its numbers: progress, loss, test accuracy, step time, active weights, the final accuracy and
 * the download of the trained model.
 */
import type { MaskPicture } from '../../src/browser/maskPicture.js';
import type {
  LayerDensity,
  RunFinished,
  RunProgress,
  RunStarted,
  StepRecord,
} from '../../src/browser/trainerMessages.js';
import type { ChurnRecord } from '../../src/methods/controller.js';
import type { EpochMetrics } from '../../src/train/callbacks.js';
import { median } from '../../src/train/median.js';

export class RunView {
  readonly method: string;
  readonly label: string;
  readonly color: string;
  started: RunStarted | undefined;
  readonly steps: StepRecord[] = [];
  readonly evaluations: EpochMetrics[] = [];
  readonly churn: ChurnRecord[] = [];
  layers: readonly LayerDensity[] = [];
  mask: MaskPicture | null = null;
  /** The step after which the mask was pictured (0: the initial mask). */
  maskStep = 0;
  finished: RunFinished | undefined;
  private readonly card: HTMLElement;

  constructor(card: HTMLElement, method: string, label: string, color: string) {
    this.card = card;
    this.method = method;
    this.label = label;
    this.color = color;
    card.style.setProperty('--run-color', color);
    card.innerHTML = `
      <h2>${label}</h2>
      <progress max="1" value="0" aria-label="${label}: steps done"></progress>
      <dl>
        <div><dt>Step</dt><dd data-field="step">–</dd></div>
        <div><dt>Loss</dt><dd data-field="loss">–</dd></div>
        <div><dt>Test accuracy</dt><dd data-field="accuracy">–</dd></div>
        <div><dt>Step time (median)</dt><dd data-field="step-time">–</dd></div>
        <div><dt>Weights used</dt><dd data-field="active">–</dd></div>
        <div><dt>Kernels</dt><dd data-field="kernels">–</dd></div>
      </dl>
      <p class="final" hidden>Final test accuracy
        <output data-testid="final-accuracy" data-method="${method}"></output></p>
      <p class="download" hidden><a download="topkast-${method}.safetensors">Download the trained model</a></p>`;
  }

  onStarted(started: RunStarted): void {
    this.started = started;
    this.layers = started.layers;
    this.mask = started.mask;
    this.set('kernels', `${started.backend}, ${started.threads} thread${started.threads === 1 ? '' : 's'}`);
    this.progressBar().max = started.totalSteps;
    this.render();
  }

  onProgress(progress: RunProgress): void {
    this.steps.push(...progress.steps);
    this.evaluations.push(...progress.evaluations);
    this.churn.push(...progress.churn);
    this.layers = progress.layers;
    if (progress.mask) {
      this.mask = progress.mask;
      this.maskStep = progress.churn.at(-1)!.step + 1;
    }
    this.render();
  }

  onFinished(finished: RunFinished): void {
    this.finished = finished;
    const final = this.card.querySelector<HTMLElement>('.final')!;
    final.querySelector('output')!.textContent = finished.testAccuracy.toFixed(4);
    final.hidden = false;
    if (finished.model) {
      const link = this.card.querySelector<HTMLAnchorElement>('.download a')!;
      const bytes = finished.model;
      link.href = URL.createObjectURL(new Blob([bytes.slice()], { type: 'application/octet-stream' }));
      link.textContent = `Download the trained model (${(bytes.length / 1024).toFixed(0)} kB, safetensors)`;
      link.dataset.bytes = String(bytes.length);
      link.parentElement!.hidden = false;
    }
    this.set('accuracy', finished.testAccuracy.toFixed(4));
    this.render();
  }

  /** Median step time over the steps so far, in milliseconds. */
  medianStepMs(): number {
    return median(this.steps.map((s) => s.stepMs));
  }

  private render(): void {
    if (this.started) this.set('active', activeWeights(this.started.parameters, this.layers));
    const last = this.steps.at(-1);
    const total = this.started?.totalSteps ?? 0;
    if (last) {
      this.progressBar().value = last.step;
      this.set('step', `${last.step} of ${total}`);
      this.set('loss', last.loss.toFixed(3));
      this.set('step-time', `${this.medianStepMs().toFixed(2)} ms`);
    }
    const evaluation = this.evaluations.at(-1);
    if (evaluation && !this.finished)
      this.set('accuracy', `${evaluation.testAccuracy.toFixed(4)} (epoch ${evaluation.epoch})`);
  }

  private progressBar(): HTMLProgressElement {
    return this.card.querySelector('progress')!;
  }

  private set(field: string, text: string): void {
    this.card.querySelector(`[data-field="${field}"]`)!.textContent = text;
  }
}

/** "23,558 of 203,530 (11.6%)": the forward pass's weights, dense layers and biases included. */
function activeWeights(parameters: number, layers: readonly LayerDensity[]): string {
  const sparseTotal = layers.reduce((sum, l) => sum + l.shape[0] * l.shape[1], 0);
  const sparseKept = layers.reduce(
    (sum, l) => sum + Math.round(l.forwardDensity * l.shape[0] * l.shape[1]),
    0,
  );
  const used = parameters - sparseTotal + sparseKept;
  const percent = ((100 * used) / parameters).toFixed(1);
  return `${used.toLocaleString('en-US')} of ${parameters.toLocaleString('en-US')} (${percent}%)`;
}

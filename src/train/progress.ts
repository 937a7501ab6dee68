import cliProgress from 'cli-progress';
import type { Callbacks, PeriodMetrics, StepMetrics, TrainPlan } from './callbacks.js';

/** Where progress goes: a Node stream, or anything with `write` (tests). */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

export interface ProgressOptions {
  /** Default process.stderr, so standard output stays free for results. */
  readonly stream?: ProgressStream;
  /** Draw a live progress bar; default: when the stream is a terminal. Otherwise plain lines are printed. */
  readonly bar?: boolean;
  /** Plain lines: one every this many steps (default: about 10 per epoch). */
  readonly every?: number;
}

/**
 * Shows training progress: on a terminal a live bar (cli-progress) with step, epoch, loss, learning rate,
 * step time and ETA, with each epoch's evaluation printed above it; elsewhere (CI, a pipe, a log file) plain
 * lines every few steps and one per epoch, which read well in a log.
 */
export function progressReporter(options: ProgressOptions = {}): Callbacks<PeriodMetrics> {
  const stream = options.stream ?? process.stderr;
  return (options.bar ?? stream.isTTY === true) ? barProgress(stream) : lineProgress(stream, options.every);
}

function barProgress(stream: ProgressStream): Callbacks<PeriodMetrics> {
  let plan: TrainPlan;
  let bar: cliProgress.SingleBar | null = null;
  const payload = (epoch: number) => ({
    period: plan.periodName ?? 'epoch',
    epoch,
    epochs: plan.epochs,
    loss: '-',
    lr: '-',
    stepMs: '-',
  });
  return {
    onTrainBegin(p) {
      plan = p;
      // Training is synchronous, so the bar redraws from update() (synchronousUpdate), not from its timer.
      bar = new cliProgress.SingleBar(
        {
          stream: stream as NodeJS.WritableStream,
          format:
            ' {bar} {value}/{total} | {period} {epoch}/{epochs} | loss {loss} | lr {lr} | {stepMs} ms/step | ETA {eta_formatted}',
          hideCursor: true,
          barsize: 20,
          etaBuffer: 50,
          clearOnComplete: true,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(p.totalSteps, 0, payload(1));
    },
    onBatchEnd(m) {
      bar?.update(m.step, {
        epoch: m.epoch,
        loss: m.loss.toFixed(4),
        lr: formatLr(m.lr),
        stepMs: m.stepMs.toFixed(1),
      });
    },
    onEpochEnd(m) {
      // The bar stays on one line: clear it, print the epoch's result there, and start it again below.
      bar?.stop();
      stream.write(`${formatEpoch(m, plan)}\n`);
      if (m.step < plan.totalSteps) bar?.start(plan.totalSteps, m.step, payload(m.epoch + 1));
    },
    onTrainEnd() {
      bar?.stop();
      bar = null;
    },
  };
}

function lineProgress(stream: ProgressStream, every?: number): Callbacks<PeriodMetrics> {
  let plan: TrainPlan;
  let interval = 1;
  return {
    onTrainBegin(p) {
      plan = p;
      interval = every ?? Math.max(1, Math.round(p.stepsPerEpoch / 10));
      const period = p.periodName ?? 'epoch';
      stream.write(`training: ${p.totalSteps} steps, ${p.epochs} ${period}s of ${p.stepsPerEpoch} steps\n`);
    },
    onBatchEnd(m) {
      if (m.step % interval === 0 || m.step === plan.totalSteps) stream.write(`${formatStep(m, plan)}\n`);
    },
    onEpochEnd(m) {
      stream.write(`${formatEpoch(m, plan)}\n`);
    },
  };
}

/** `step 120/2340 | epoch 1/5 | loss 0.5123 | lr 0.05 | 31.2 ms/step` */
export function formatStep(m: StepMetrics, plan: TrainPlan): string {
  return `step ${m.step}/${plan.totalSteps} | ${plan.periodName ?? 'epoch'} ${m.epoch}/${plan.epochs} | loss ${m.loss.toFixed(4)} | lr ${formatLr(m.lr)} | ${m.stepMs.toFixed(1)} ms/step`;
}

/**
 * `epoch 1/5 (step 468) | train loss 0.5213 | test accuracy 0.8532 | test loss 0.4011`, or for a language
 * model `eval 2/10 (step 200) | train loss 1.6021 | validation bpc 2.2874`.
 */
export function formatEpoch(m: PeriodMetrics, plan: TrainPlan): string {
  const head = `${plan.periodName ?? 'epoch'} ${m.epoch}/${plan.epochs} (step ${m.step}) | train loss ${m.trainLoss.toFixed(4)}`;
  return 'validationBpc' in m
    ? `${head} | validation bpc ${m.validationBpc.toFixed(4)}`
    : `${head} | test accuracy ${m.testAccuracy.toFixed(4)} | test loss ${m.testLoss.toFixed(4)}`;
}

function formatLr(lr: number): string {
  return Number(lr.toPrecision(3)).toString();
}

/**
 * The messages between a page (WorkerTrainer) and its training worker (serveTrainer): plain data and typed
 * arrays, so they pass through postMessage's structured clone.
 *
 * page → worker: start (once), then pause, resume and stop at any time.
 * worker → page: started, then progress after every slice of steps (and paused or running when that changes),
 * then done (or error).
 */

import type { Dataset } from '../data/dataset.js';
import type { ChurnRecord } from '../methods/controller.js';
import type { TrainFlags } from '../run/trainConfig.js';
import type { EpochMetrics } from '../train/callbacks.js';
import type { MaskPicture, PictureSize } from './maskPicture.js';

/**
 * A run in the browser: the flags of `topkast train` (same names, defaults and checks; `dataset` names what the
 * data is, e.g. 'fashion-mnist', and the images come with the start message), and what to picture.
 */
export interface BrowserRunConfig {
  readonly flags: TrainFlags;
  /** The picture of the first sparse layer's mask (default 64 × 112 cells at most). */
  readonly picture?: PictureSize;
  /** Milliseconds of training between progress messages (default 100). */
  readonly sliceMs?: number;
}

export type TrainerRequest =
  | { readonly type: 'start'; readonly config: BrowserRunConfig; readonly dataset: Dataset }
  | { readonly type: 'pause' }
  | { readonly type: 'resume' }
  | { readonly type: 'stop' };

/** One optimizer step as the page sees it. */
export interface StepRecord {
  /** 1-based step. */
  readonly step: number;
  readonly loss: number;
  /** The step's time, its share of set refreshes included. */
  readonly stepMs: number;
}

/** A sparse layer's kept fractions now. */
export interface LayerDensity {
  readonly name: string;
  readonly shape: readonly [number, number];
  readonly forwardDensity: number;
  readonly backwardDensity: number;
}

/** What is known before the first step. */
export interface RunStarted {
  readonly type: 'started';
  /** The method's registry name. */
  readonly method: string;
  /** e.g. 'mlp 784-256-10 relu'. */
  readonly model: string;
  readonly parameters: number;
  readonly totalSteps: number;
  readonly stepsPerEpoch: number;
  /** The kernels the worker runs ('wasm-relaxed-simd', 'wasm-simd' or 'reference') and on how many threads. */
  readonly backend: string;
  readonly threads: number;
  readonly layers: readonly LayerDensity[];
  readonly mask: MaskPicture | null;
}

/** What happened since the previous message. */
export interface RunProgress {
  readonly type: 'progress';
  readonly steps: readonly StepRecord[];
  /** Test-split evaluations (fit's, after each epoch) since the previous message. */
  readonly evaluations: readonly EpochMetrics[];
  /** Set refreshes since the previous message, with each layer's churn (fraction of A that changed). */
  readonly churn: readonly ChurnRecord[];
  readonly layers: readonly LayerDensity[];
  /** A new picture of the mask when it changed since the previous one, else null. */
  readonly mask: MaskPicture | null;
}

/** The run paused (after the slice in progress) or runs again. */
export interface RunState {
  readonly type: 'state';
  readonly state: 'paused' | 'running';
}

/** The end of a run: finished, or stopped early (then evaluated where it stood). */
export interface RunFinished {
  readonly type: 'done';
  readonly stopped: boolean;
  readonly steps: number;
  readonly testAccuracy: number;
  readonly testLoss: number;
  readonly stepMsMedian: number;
  /** The trained model as `topkast export --format csr` writes it (a safetensors file); none before a step. */
  readonly model: Uint8Array | undefined;
}

export interface RunFailed {
  readonly type: 'error';
  readonly message: string;
}

export type TrainerEvent = RunStarted | RunProgress | RunState | RunFinished | RunFailed;

/**
 * Batching: turns a split's byte images into feature-major float batches, x [features, batch] and labels
 * [batch], in kernel-heap buffers allocated once and refilled for every batch (the hot loop allocates
 * nothing). Pixels become x = (pixel/255 − mean) / std; the default (mean 0, std 1) is plain [0, 1] scaling.
 *
 * Order: with a `random`, epoch e visits the examples in the permutation drawn by `random.fork(e)` (fork does
 * not advance `random`), so an epoch's order depends only on the seed and the epoch number, and the iterator's
 * whole progress is its position { epoch, index }: serialise it to resume a run where it stopped.
 *
 * The last partial batch: with `dropLast` (training) it is skipped, so every step sees a full batch; without
 * (evaluation) it is produced, smaller, so every example counts once.
 */
import { engine } from '../kernels/engine.js';
import { Tensor } from '../tensor/tensor.js';
import type { Random } from '../util/random.js';
import { type Normalization, type Split, splitSize } from './dataset.js';

export interface BatchIteratorOptions {
  readonly batchSize: number;
  /** Features per example (784 for a flattened 28×28 image). */
  readonly inputSize: number;
  /** Shuffle each epoch from this generator; omit to visit examples in the split's order. */
  readonly random?: Random;
  /** Skip the last partial batch of an epoch (training) instead of producing it (evaluation). */
  readonly dropLast: boolean;
  readonly normalization?: Normalization;
}

/** One batch: views of the iterator's buffers, valid until the next call to next(). */
export interface Batch {
  /** Inputs, feature-major [inputSize, size]. Not owned by any tape: do not dispose it. */
  readonly x: Tensor;
  /** Labels, an Int32Array heap view of length size. */
  readonly labels: Int32Array;
  readonly size: number;
}

/** Where an iterator stands: `index` batches of epoch `epoch` (0-based) have been produced. */
export interface BatchPosition {
  readonly epoch: number;
  readonly index: number;
}

export class BatchIterator {
  readonly batchSize: number;
  readonly inputSize: number;
  /** Batches in one epoch (a partial last batch counts unless dropLast). */
  readonly batchesPerEpoch: number;
  private readonly split: Split;
  private readonly random: Random | undefined;
  private readonly pixelValues = new Float32Array(256);
  private readonly inputs: Float32Array;
  private readonly labelBuffer: Int32Array;
  private readonly fullBatch: Batch;
  private partialBatch: Batch | null = null;
  private order: Int32Array;
  private orderEpoch = -1;
  private epoch = 0;
  private index = 0;

  constructor(split: Split, options: BatchIteratorOptions) {
    const { batchSize, inputSize, dropLast, normalization = { mean: 0, std: 1 } } = options;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new Error(`BatchIterator: batch size must be a positive integer, got ${batchSize}`);
    }
    if (split.images.length !== splitSize(split) * inputSize) {
      throw new Error(
        `BatchIterator: ${split.images.length} pixels are not ${splitSize(split)} images of ${inputSize}`,
      );
    }
    if (!(normalization.std > 0)) throw new Error(`BatchIterator: std must be > 0, got ${normalization.std}`);
    const count = splitSize(split);
    this.batchesPerEpoch = dropLast ? Math.floor(count / batchSize) : Math.ceil(count / batchSize);
    if (this.batchesPerEpoch === 0) {
      throw new Error(
        `BatchIterator: ${count} examples make no full batch of ${batchSize}: use a batch size ≤ ${count}`,
      );
    }
    this.split = split;
    this.batchSize = batchSize;
    this.inputSize = inputSize;
    this.random = options.random;
    for (let p = 0; p < 256; p++) this.pixelValues[p] = (p / 255 - normalization.mean) / normalization.std;
    const { heap } = engine();
    this.inputs = heap.allocF32(inputSize * batchSize);
    this.labelBuffer = heap.allocI32(batchSize);
    this.fullBatch = this.viewBatch(batchSize);
    this.order = new Int32Array(count);
  }

  /** The next batch to produce. */
  get position(): BatchPosition {
    return { epoch: this.epoch, index: this.index };
  }

  /** Moves to a saved position (from `position`); the following batches repeat those produced after it. */
  setPosition(position: BatchPosition): void {
    const { epoch, index } = position;
    if (!Number.isInteger(epoch) || epoch < 0 || !Number.isInteger(index) || index < 0) {
      throw new Error(
        `BatchIterator.setPosition: expected non-negative integers, got ${JSON.stringify(position)}`,
      );
    }
    if (index > this.batchesPerEpoch) {
      throw new Error(
        `BatchIterator.setPosition: index ${index} is past the ${this.batchesPerEpoch} batches of an epoch`,
      );
    }
    this.epoch = epoch;
    this.index = index;
  }

  /** True while the current epoch has batches left. */
  hasNext(): boolean {
    return this.index < this.batchesPerEpoch;
  }

  /** Starts the next epoch (a new order when shuffling). */
  nextEpoch(): void {
    this.epoch++;
    this.index = 0;
  }

  /** Fills the buffers with the next batch of the current epoch; throws when the epoch is over. */
  next(): Batch {
    if (!this.hasNext()) {
      throw new Error(`BatchIterator: epoch ${this.epoch} has no batches left: call nextEpoch() first`);
    }
    const order = this.epochOrder();
    const start = this.index * this.batchSize;
    const size = Math.min(this.batchSize, order.length - start);
    const { images, labels } = this.split;
    const { inputs, labelBuffer, pixelValues, inputSize } = this;
    for (let b = 0; b < size; b++) {
      const example = order[start + b]!;
      const pixels = example * inputSize;
      for (let f = 0; f < inputSize; f++) inputs[f * size + b] = pixelValues[images[pixels + f]!]!;
      labelBuffer[b] = labels[example]!;
    }
    this.index++;
    if (size === this.batchSize) return this.fullBatch;
    this.partialBatch ??= this.viewBatch(size);
    return this.partialBatch;
  }

  /** Returns the buffers to the heap; the iterator and its batches must not be used afterwards. */
  dispose(): void {
    const { heap } = engine();
    heap.free(this.inputs);
    heap.free(this.labelBuffer);
  }

  /** The example order of the current epoch: identity, or the epoch's seeded permutation. */
  private epochOrder(): Int32Array {
    if (this.orderEpoch !== this.epoch) {
      for (let i = 0; i < this.order.length; i++) this.order[i] = i;
      this.random?.fork(this.epoch).shuffle(this.order);
      this.orderEpoch = this.epoch;
    }
    return this.order;
  }

  /** A batch of `size` examples over the start of the buffers (feature-major with row stride `size`). */
  private viewBatch(size: number): Batch {
    const x = new Tensor(this.inputs.subarray(0, this.inputSize * size), [this.inputSize, size]);
    return { x, labels: this.labelBuffer.subarray(0, size), size };
  }
}

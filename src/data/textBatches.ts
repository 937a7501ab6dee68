/**
 * Batching for character-level language modelling: windows of `context` consecutive token ids and, for each
 * position, the id that follows it (the next-character target).
 *
 * Layout: tokens [context, batch] (row t holds position t of every window, so window b is column b) as a
 * tensor of exact integer values, the input a Transformer takes; targets an Int32Array of context·batch in
 * the same order (entry t·batch + b), matching the columns of the logits [vocab, context·batch]. Both are
 * kernel-heap buffers allocated once and refilled for every batch.
 *
 * Order: with a `random`, every batch draws its window starts uniformly from 0 .. n − context − 1 (any window
 * whose targets fit), so the stream depends only on the seed. Without, batches visit the consecutive,
 * non-overlapping windows starting at 0, context, 2·context, … once (evaluation); the last batch may be smaller.
 */
import { engine } from '../kernels/engine.js';
import { Tensor } from '../tensor/tensor.js';
import type { Random } from '../util/random.js';

export interface TextBatchOptions {
  readonly context: number;
  readonly batchSize: number;
  /** Draw random windows from this generator; omit to visit consecutive windows once. */
  readonly random?: Random;
}

/** One batch: views of the batcher's buffers, valid until the next call to next(). */
export interface TextBatch {
  /** Token ids [context, size]. Not owned by any tape: do not dispose it. */
  readonly tokens: Tensor;
  /** The next token of each position, entry t·size + b. */
  readonly targets: Int32Array;
  readonly size: number;
}

export class TextBatcher {
  readonly context: number;
  readonly batchSize: number;
  /** Consecutive windows in the split (what an evaluation pass visits). */
  readonly windows: number;
  private readonly ids: Uint8Array;
  private readonly random: Random | undefined;
  private readonly tokenBuffer: Float32Array;
  private readonly targetBuffer: Int32Array;
  private readonly fullBatch: TextBatch;
  private partialBatch: TextBatch | null = null;
  private nextWindow = 0;

  constructor(ids: Uint8Array, options: TextBatchOptions) {
    const { context, batchSize } = options;
    if (!Number.isInteger(context) || context < 1 || !Number.isInteger(batchSize) || batchSize < 1) {
      throw new Error(
        `TextBatcher: context and batch size must be positive integers, got ${context} and ${batchSize}`,
      );
    }
    if (ids.length < context + 1) {
      throw new Error(
        `TextBatcher: ${ids.length} tokens hold no window of ${context} with its targets; use a context below ${ids.length}`,
      );
    }
    this.ids = ids;
    this.context = context;
    this.batchSize = batchSize;
    this.random = options.random;
    this.windows = Math.floor((ids.length - 1) / context);
    const { heap } = engine();
    this.tokenBuffer = heap.allocF32(context * batchSize);
    this.targetBuffer = heap.allocI32(context * batchSize);
    this.fullBatch = this.viewBatch(batchSize);
  }

  /** Without a random: true while consecutive windows are left (always true with a random). */
  hasNext(): boolean {
    return this.random !== undefined || this.nextWindow < this.windows;
  }

  /** Starts the consecutive windows over from the beginning. */
  rewind(): void {
    this.nextWindow = 0;
  }

  /** Fills the buffers with the next batch. */
  next(): TextBatch {
    if (!this.hasNext()) {
      throw new Error('TextBatcher: every window was visited: call rewind() to start over');
    }
    const { context, ids, random } = this;
    const size = random ? this.batchSize : Math.min(this.batchSize, this.windows - this.nextWindow);
    for (let b = 0; b < size; b++) {
      const start = random ? random.nextInt(ids.length - context) : (this.nextWindow + b) * context;
      for (let t = 0; t < context; t++) {
        this.tokenBuffer[t * size + b] = ids[start + t];
        this.targetBuffer[t * size + b] = ids[start + t + 1];
      }
    }
    if (!random) this.nextWindow += size;
    if (size === this.batchSize) return this.fullBatch;
    if (this.partialBatch?.size !== size) this.partialBatch = this.viewBatch(size);
    return this.partialBatch;
  }

  /** Returns the buffers to the heap; the batcher and its batches must not be used afterwards. */
  dispose(): void {
    const { heap } = engine();
    heap.free(this.tokenBuffer);
    heap.free(this.targetBuffer);
  }

  private viewBatch(size: number): TextBatch {
    const n = this.context * size;
    return {
      tokens: new Tensor(this.tokenBuffer.subarray(0, n), [this.context, size]),
      targets: this.targetBuffer.subarray(0, n),
      size,
    };
  }
}

import { engine } from '../kernels/engine.js';
import { formatShape, Tensor } from './tensor.js';

/** Adds d loss / d input into the `.grad` of each input that requires grad, given d loss / d output. */
export type BackwardFn = (outputGrad: Float32Array) => void;

interface Node {
  readonly output: Tensor;
  readonly backward: BackwardFn;
}

/**
 * A tape records the ops of one forward pass and owns every tensor they create, so that one training step
 * is one scope:
 *
 *     const { tape, result: loss } = recordTape(() => softmaxCrossEntropy(model.forward(x), labels));
 *     tape.backward(loss);          // d loss / d θ accumulates into each parameter's .grad
 *     const value = loss.item();    // read what you need ...
 *     tape.dispose();               // ... before this: every tensor the ops made is returned to the heap
 *
 * Lifetime rule. Inside recordTape, every tensor an op returns belongs to the tape and dies with
 * tape.dispose() (its data and its grad). Tensors created directly (Tensor.zeros, Tensor.fromArray,
 * parameters) and tensors made outside the scope are never touched by dispose, only their `.grad` gets
 * accumulated into. Inputs and labels must stay alive and unchanged until backward has run. Outside any
 * tape, ops just compute and the caller owns (and must dispose) what they return.
 *
 * Because the heap reuses freed blocks of the same size, a second identical step allocates no new memory.
 * Tapes nest: each records the ops run directly inside its own recordTape call.
 */
export class Tape {
  private readonly nodes: Node[] = [];
  private readonly tensors: Tensor[] = [];
  private readonly scratch: Float32Array[] = [];
  private backwardDone = false;
  private disposed = false;

  /**
   * Seeds d loss / d loss = 1 and runs the recorded ops in reverse, accumulating gradients into `.grad` of
   * every tensor that requires grad (parameter grads are allocated once and never zeroed here: that is the
   * optimizer's zeroGrad). Runs at most once per tape.
   */
  backward(loss: Tensor): void {
    if (this.disposed)
      throw new Error('backward: the tape was disposed; call backward before tape.dispose()');
    if (this.backwardDone)
      throw new Error('backward: already ran on this tape; record a new tape for a new pass');
    if (loss.size !== 1) {
      throw new Error(
        `backward: the loss must have one entry, got shape ${formatShape(loss.shape)}: reduce it with sum or mean`,
      );
    }
    if (!this.tensors.includes(loss) || !loss.requiresGrad) {
      throw new Error(
        'backward: the loss was not computed on this tape from tensors that require grad: run the forward pass inside recordTape, with parameters created requiresGrad',
      );
    }
    this.backwardDone = true;
    loss.ensureGrad()[0] = 1;
    for (let i = this.nodes.length - 1; i >= 0; i--) {
      const { output, backward } = this.nodes[i];
      if (output.grad !== null) backward(output.grad);
    }
  }

  /** Returns every tensor and scratch array the recorded ops created to the heap. Disposing twice is a no-op. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const tensor of this.tensors) tensor.dispose();
    const heap = engine().heap;
    for (const array of this.scratch) heap.free(array);
    this.nodes.length = 0;
    this.tensors.length = 0;
    this.scratch.length = 0;
  }

  /** @internal op outputs register here (see createOutput). */
  own(tensor: Tensor): void {
    this.tensors.push(tensor);
  }

  /** @internal ops with a gradient register here (see recordBackward). */
  record(output: Tensor, backward: BackwardFn, scratch: readonly Float32Array[]): void {
    this.nodes.push({ output, backward });
    for (const array of scratch) this.scratch.push(array);
  }
}

let active: Tape | null = null;

/**
 * Runs `fn` (synchronously) while recording a tape, and returns the tape with fn's result. If fn throws,
 * the tape is disposed and the error rethrown.
 */
export function recordTape<T>(fn: () => T): { tape: Tape; result: T } {
  const tape = new Tape();
  const previous = active;
  active = tape;
  try {
    const result = fn();
    if (typeof (result as { then?: unknown } | null)?.then === 'function') {
      throw new Error('recordTape: fn returned a promise; the recorded forward pass must be synchronous');
    }
    return { tape, result };
  } catch (error) {
    tape.dispose();
    throw error;
  } finally {
    active = previous;
  }
}

/** How an op's output is made (see createOutput). */
export interface OutputOptions {
  /** The op reads a trainable that is not a tensor (a SparseWeight), so its output needs a gradient. */
  trainableInput?: boolean;
  /** The op's kernel writes every entry of the output, so it need not be zeroed first. */
  overwritten?: boolean;
}

/**
 * For op authors: allocates an op's output (zeroed unless `overwritten`). It requires grad when a tape is
 * recording and any input requires grad (or `trainableInput`), and it belongs to the recording tape if there
 * is one (otherwise to the caller). Throws if an input was disposed.
 */
export function createOutput(
  op: string,
  shape: readonly number[],
  inputs: readonly Tensor[],
  options: OutputOptions = {},
): Tensor {
  let requiresGrad = options.trainableInput ?? false;
  for (const input of inputs) {
    input.assertAlive(op);
    if (input.requiresGrad) requiresGrad = true;
  }
  const tensorOptions = { requiresGrad: requiresGrad && active !== null };
  const output = options.overwritten
    ? Tensor.uninitialized(shape, tensorOptions)
    : Tensor.zeros(shape, tensorOptions);
  active?.own(output);
  return output;
}

/**
 * For op authors: records the op's backward when its output requires grad. `scratch` lists heap arrays
 * the backward reads (saved intermediates): they are freed with the tape, or at once if nothing is recorded.
 */
export function recordBackward(
  output: Tensor,
  backward: BackwardFn,
  scratch: readonly Float32Array[] = [],
): void {
  if (output.requiresGrad && active !== null) {
    active.record(output, backward, scratch);
    return;
  }
  const heap = engine().heap;
  for (const array of scratch) heap.free(array);
}

/**
 * The Kernels contract on top of the WebAssembly exports: each call checks that its arrays live in the kernel
 * memory and are long enough for the given sizes (a kernel writing past an array would silently corrupt its
 * neighbours in the heap), then passes their byte offsets.
 */
import type { Kernels } from './kernels.js';

type Ptr = number;
type Flag = boolean; // passed to wasm as an i32, 1 or 0
/** channels, height, width, batch, kh, kw, sh, sw of a pooling kernel. */
type PoolSizes = [number, number, number, number, number, number, number, number];

/** The dense kernel functions the module exports (see assembly/index.ts). */
export interface DenseKernelExports {
  heapBase(): number;
  matmul(
    a: Ptr,
    b: Ptr,
    c: Ptr,
    m: number,
    k: number,
    n: number,
    transA: Flag,
    transB: Flag,
    acc: Flag,
  ): void;
  addRowBias(x: Ptr, bias: Ptr, out: Ptr, rows: number, cols: number): void;
  rowSums(x: Ptr, out: Ptr, rows: number, cols: number, accumulate: Flag): void;
  relu(x: Ptr, out: Ptr, n: number): void;
  reluBackward(x: Ptr, dy: Ptr, dx: Ptr, n: number, accumulate: Flag): void;
  gelu(x: Ptr, out: Ptr, n: number): void;
  geluBackward(x: Ptr, dy: Ptr, dx: Ptr, n: number, accumulate: Flag): void;
  layerNorm(
    x: Ptr,
    gain: Ptr,
    bias: Ptr,
    out: Ptr,
    normalized: Ptr,
    inverseStd: Ptr,
    rows: number,
    cols: number,
    eps: number,
  ): void;
  layerNormBackward(
    dy: Ptr,
    gain: Ptr,
    normalized: Ptr,
    inverseStd: Ptr,
    dx: Ptr,
    dgain: Ptr,
    dbias: Ptr,
    scratch: Ptr,
    rows: number,
    cols: number,
    accumulate: Flag,
  ): void;
  gatherSequences(x: Ptr, out: Ptr, d: number, length: number, batch: number): void;
  scatterSequences(gathered: Ptr, x: Ptr, d: number, length: number, batch: number, accumulate: Flag): void;
  causalSoftmax(scores: Ptr, length: number, blocks: number, scale: number): void;
  causalSoftmaxBackward(probs: Ptr, grads: Ptr, length: number, blocks: number, scale: number): void;
  maxPool2d(x: Ptr, y: Ptr, ...sizes: PoolSizes): void;
  maxPool2dBackward(x: Ptr, dy: Ptr, dx: Ptr, ...sizes: PoolSizes): void;
  add(a: Ptr, b: Ptr, out: Ptr, n: number): void;
  mul(a: Ptr, b: Ptr, out: Ptr, n: number): void;
  scale(a: Ptr, s: number, out: Ptr, n: number): void;
  axpy(alpha: number, x: Ptr, y: Ptr, n: number): void;
  sum(x: Ptr, n: number): number;
  moveRuns(array: Ptr, runs: Ptr, runCount: number): void;
  flagOutside(values: Ptr, n: number, below: number, above: number, out: Ptr, capacity: number): number;
  softmaxCrossEntropy(logits: Ptr, labels: Ptr, probs: Ptr, classes: number, batch: number): number;
  softmaxCrossEntropyBackward(
    probs: Ptr,
    labels: Ptr,
    dlogits: Ptr,
    classes: number,
    batch: number,
    scale: number,
    accumulate: Flag,
  ): void;
  sgdUpdate(
    params: Ptr,
    grads: Ptr,
    velocity: Ptr,
    n: number,
    lr: number,
    momentum: number,
    nesterov: Flag,
    weightDecay: number,
  ): void;
  adamwUpdate(
    params: Ptr,
    grads: Ptr,
    m: Ptr,
    v: Ptr,
    n: number,
    lr: number,
    beta1: number,
    beta2: number,
    eps: number,
    weightDecay: number,
    bc1: number,
    bc2: number,
  ): void;
}

type View = Float32Array | Int32Array;

/**
 * A function that returns the byte offset of a view of `memory` holding at least `count` entries, or throws.
 * A buffer of the memory is recognised by identity once seen; a new one (the memory grew, and shared memory
 * hands out a new SharedArrayBuffer object each time) must be a SharedArrayBuffer whose length is a whole
 * number of wasm pages between the memory's size at binding time and its current size.
 */
export function viewPointer(memory: WebAssembly.Memory): (view: View, count: number, name: string) => Ptr {
  const known = new Set<ArrayBufferLike>([memory.buffer]);
  const initialBytes = memory.buffer.byteLength;
  const isMemoryBuffer = (buffer: ArrayBufferLike): boolean => {
    if (known.has(buffer)) return true;
    const bytes = buffer.byteLength;
    const fits =
      buffer instanceof SharedArrayBuffer &&
      bytes % 65536 === 0 &&
      bytes >= initialBytes &&
      bytes <= memory.buffer.byteLength;
    if (fits) known.add(buffer);
    return fits;
  };
  return (view, count, name) => {
    if (!isMemoryBuffer(view.buffer)) {
      throw new Error(
        `${name} is not in the kernel heap: allocate it with engine().heap.allocF32/allocI32 (or copy it in)`,
      );
    }
    if (view.length < count) {
      throw new Error(
        `${name} has ${view.length} entries but the kernel needs ${count}: pass a larger array`,
      );
    }
    return view.byteOffset;
  };
}

/** The Kernels object over a module instance's exports; `memory` is the memory the instance imported. */
export function bindWasmKernels(memory: WebAssembly.Memory, wasm: DenseKernelExports, name: string): Kernels {
  const ptr = viewPointer(memory);
  return {
    name,
    matmul(a, b, c, m, k, n, transA, transB, accumulate) {
      if (transA && transB) throw new Error('matmul: transA and transB together is not supported');
      wasm.matmul(
        ptr(a, m * k, 'a'),
        ptr(b, k * n, 'b'),
        ptr(c, m * n, 'c'),
        m,
        k,
        n,
        transA,
        transB,
        accumulate,
      );
    },
    addRowBias(x, bias, out, rows, cols) {
      wasm.addRowBias(
        ptr(x, rows * cols, 'x'),
        ptr(bias, rows, 'bias'),
        ptr(out, rows * cols, 'out'),
        rows,
        cols,
      );
    },
    rowSums(x, out, rows, cols, accumulate) {
      wasm.rowSums(ptr(x, rows * cols, 'x'), ptr(out, rows, 'out'), rows, cols, accumulate);
    },
    relu(x, out, n) {
      wasm.relu(ptr(x, n, 'x'), ptr(out, n, 'out'), n);
    },
    reluBackward(x, dy, dx, n, accumulate) {
      wasm.reluBackward(ptr(x, n, 'x'), ptr(dy, n, 'dy'), ptr(dx, n, 'dx'), n, accumulate);
    },
    gelu(x, out, n) {
      wasm.gelu(ptr(x, n, 'x'), ptr(out, n, 'out'), n);
    },
    geluBackward(x, dy, dx, n, accumulate) {
      wasm.geluBackward(ptr(x, n, 'x'), ptr(dy, n, 'dy'), ptr(dx, n, 'dx'), n, accumulate);
    },
    layerNorm(x, gain, bias, out, normalized, inverseStd, rows, cols, eps) {
      const n = rows * cols;
      wasm.layerNorm(
        ptr(x, n, 'x'),
        ptr(gain, rows, 'gain'),
        ptr(bias, rows, 'bias'),
        ptr(out, n, 'out'),
        ptr(normalized, n, 'normalized'),
        ptr(inverseStd, cols, 'inverseStd'),
        rows,
        cols,
        eps,
      );
    },
    gatherSequences(x, out, d, length, batch) {
      const n = d * length * batch;
      wasm.gatherSequences(ptr(x, n, 'x'), ptr(out, n, 'out'), d, length, batch);
    },
    scatterSequences(gathered, x, d, length, batch, accumulate) {
      const n = d * length * batch;
      wasm.scatterSequences(ptr(gathered, n, 'gathered'), ptr(x, n, 'x'), d, length, batch, accumulate);
    },
    causalSoftmax(scores, length, blocks, scale) {
      wasm.causalSoftmax(ptr(scores, length * length * blocks, 'scores'), length, blocks, scale);
    },
    causalSoftmaxBackward(probs, grads, length, blocks, scale) {
      const n = length * length * blocks;
      wasm.causalSoftmaxBackward(ptr(probs, n, 'probs'), ptr(grads, n, 'grads'), length, blocks, scale);
    },
    layerNormBackward(dy, gain, normalized, inverseStd, dx, dgain, dbias, scratch, rows, cols, accumulate) {
      const n = rows * cols;
      wasm.layerNormBackward(
        ptr(dy, n, 'dy'),
        ptr(gain, rows, 'gain'),
        ptr(normalized, n, 'normalized'),
        ptr(inverseStd, cols, 'inverseStd'),
        ptr(dx, n, 'dx'),
        ptr(dgain, rows, 'dgain'),
        ptr(dbias, rows, 'dbias'),
        ptr(scratch, 2 * cols, 'scratch'),
        rows,
        cols,
        accumulate,
      );
    },
    maxPool2d(x, y, ...sizes) {
      const [inputs, outputs] = poolCounts(sizes);
      wasm.maxPool2d(ptr(x, inputs, 'x'), ptr(y, outputs, 'y'), ...sizes);
    },
    maxPool2dBackward(x, dy, dx, ...sizes) {
      const [inputs, outputs] = poolCounts(sizes);
      wasm.maxPool2dBackward(ptr(x, inputs, 'x'), ptr(dy, outputs, 'dy'), ptr(dx, inputs, 'dx'), ...sizes);
    },
    add(a, b, out, n) {
      wasm.add(ptr(a, n, 'a'), ptr(b, n, 'b'), ptr(out, n, 'out'), n);
    },
    mul(a, b, out, n) {
      wasm.mul(ptr(a, n, 'a'), ptr(b, n, 'b'), ptr(out, n, 'out'), n);
    },
    scale(a, s, out, n) {
      wasm.scale(ptr(a, n, 'a'), s, ptr(out, n, 'out'), n);
    },
    axpy(alpha, x, y, n) {
      wasm.axpy(alpha, ptr(x, n, 'x'), ptr(y, n, 'y'), n);
    },
    sum(x, n) {
      return wasm.sum(ptr(x, n, 'x'), n);
    },
    flagOutside(values, n, below, above, out, capacity) {
      return wasm.flagOutside(ptr(values, n, 'values'), n, below, above, ptr(out, capacity, 'out'), capacity);
    },
    moveRuns(array, runs, runCount) {
      let reach = 0;
      for (let r = 0; r < runCount; r++) {
        const [start, end, d] = [runs[3 * r], runs[3 * r + 1], runs[3 * r + 2]];
        if (start < 0 || start + d < 0 || end < start) {
          throw new Error(
            `moveRuns: run ${r} [${start}, ${end}) by ${d} leaves the array: pass runs inside it`,
          );
        }
        reach = Math.max(reach, end, end + d);
      }
      wasm.moveRuns(ptr(array, reach, 'array'), ptr(runs, 3 * runCount, 'runs'), runCount);
    },
    softmaxCrossEntropy(logits, labels, probs, classes, batch) {
      const size = classes * batch;
      const labelsAt = ptr(labels, batch, 'labels');
      for (let b = 0; b < batch; b++) {
        const label = labels[b];
        if (!(label >= 0 && label < classes)) {
          throw new Error(`label ${label} of example ${b} is outside 0..${classes - 1}`);
        }
      }
      return wasm.softmaxCrossEntropy(
        ptr(logits, size, 'logits'),
        labelsAt,
        ptr(probs, size, 'probs'),
        classes,
        batch,
      );
    },
    softmaxCrossEntropyBackward(probs, labels, dlogits, classes, batch, scale, accumulate) {
      const size = classes * batch;
      wasm.softmaxCrossEntropyBackward(
        ptr(probs, size, 'probs'),
        ptr(labels, batch, 'labels'),
        ptr(dlogits, size, 'dlogits'),
        classes,
        batch,
        scale,
        accumulate,
      );
    },
    sgdUpdate(params, grads, velocity, n, lr, momentum, nesterov, weightDecay) {
      const velocityAt = momentum === 0 ? 0 : ptr(velocity, n, 'velocity');
      wasm.sgdUpdate(
        ptr(params, n, 'params'),
        ptr(grads, n, 'grads'),
        velocityAt,
        n,
        lr,
        momentum,
        nesterov,
        weightDecay,
      );
    },
    adamwUpdate(params, grads, m, v, n, lr, beta1, beta2, eps, weightDecay, bc1, bc2) {
      wasm.adamwUpdate(
        ptr(params, n, 'params'),
        ptr(grads, n, 'grads'),
        ptr(m, n, 'm'),
        ptr(v, n, 'v'),
        n,
        lr,
        beta1,
        beta2,
        eps,
        weightDecay,
        bc1,
        bc2,
      );
    },
  };
}

/** Entries of a pooling kernel's input [C, H, W, B] and output [C, Hout, Wout, B]. */
function poolCounts([channels, height, width, batch, kh, kw, sh, sw]: PoolSizes): [number, number] {
  const outHeight = Math.floor((height - kh) / sh) + 1;
  const outWidth = Math.floor((width - kw) / sw) + 1;
  return [channels * height * width * batch, channels * outHeight * outWidth * batch];
}

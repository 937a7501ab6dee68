/**
 * The Kernels contract on top of the WebAssembly exports: each call checks that its arrays live in the kernel
 * memory and are long enough for the given sizes (a kernel writing past an array would silently corrupt its
 * neighbours in the heap), then passes their byte offsets.
 */
import { causalProbsSize, type Kernels } from './kernels.js';

type Ptr = number;
type Flag = boolean; // passed to wasm as an i32, 1 or 0
/** channels, height, width, batch, kh, kw, sh, sw of a pooling kernel. */
type PoolSizes = [number, number, number, number, number, number, number, number];
/** channels, height, width, batch, kh, kw, sh, sw, ph, pw of im2col and col2im. */
export type Im2colSizes = [...PoolSizes, number, number];

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
  biasGelu(x: Ptr, bias: Ptr, out: Ptr, slope: Ptr, rows: number, cols: number): void;
  biasRelu(x: Ptr, bias: Ptr, out: Ptr, rows: number, cols: number): void;
  biasActivationBackward(
    saved: Ptr,
    dy: Ptr,
    dx: Ptr,
    dbias: Ptr,
    rows: number,
    cols: number,
    relu: Flag,
    accumulate: Flag,
  ): void;
  embeddingLookup(table: Ptr, ids: Ptr, out: Ptr, dim: number, n: number): void;
  embeddingBackward(ids: Ptr, dy: Ptr, dtable: Ptr, dim: number, n: number): void;
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
  gatherHeads(x: Ptr, out: Ptr, d: number, length: number, batch: number, heads: number): void;
  scatterHeads(
    blocks: Ptr,
    x: Ptr,
    d: number,
    length: number,
    batch: number,
    heads: number,
    accumulate: Flag,
  ): void;
  causalAttention(
    q: Ptr,
    k: Ptr,
    v: Ptr,
    probs: Ptr,
    out: Ptr,
    length: number,
    headDim: number,
    blocks: number,
    scale: number,
  ): void;
  causalAttentionBackward(
    q: Ptr,
    k: Ptr,
    v: Ptr,
    probs: Ptr,
    dout: Ptr,
    dq: Ptr,
    dk: Ptr,
    dv: Ptr,
    scratch: Ptr,
    length: number,
    headDim: number,
    blocks: number,
    scale: number,
  ): void;
  im2col(x: Ptr, cols: Ptr, ...sizes: Im2colSizes): void;
  col2im(dcols: Ptr, dx: Ptr, ...sizes: Im2colSizes): void;
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
  spartanValues(w: Ptr, out: Ptr, n: number, scale: number): void;
  spartanHistogram(
    values: Ptr,
    costs: Ptr,
    n: number,
    highMask: number,
    prefix: number,
    shift: number,
    bins: number,
    histogram: Ptr,
  ): void;
  spartanTieBoundary(values: Ptr, costs: Ptr, n: number, threshold: number, remaining: number): number;
  spartanBand(
    values: Ptr,
    costs: Ptr,
    n: number,
    low: number,
    high: number,
    band: Ptr,
    capacity: number,
    sums: Ptr,
    weights: Ptr,
    scale: number,
  ): number;
  spartanMaskPass(
    values: Ptr,
    costs: Ptr,
    n: number,
    beta: number,
    threshold: number,
    mu: number,
    boundary: number,
    sums: Ptr,
    soft: Ptr,
    effective: Ptr,
    exponentials: Ptr,
    ratio: number,
  ): void;
  spartanMaskBackward(dy: Ptr, w: Ptr, soft: Ptr, grad: Ptr, upstream: Ptr, n: number): void;
  spartanSoftMaskBackward(dy: Ptr, w: Ptr, soft: Ptr, grad: Ptr, costs: Ptr, n: number, beta: number): number;
  spartanApplyGradient(
    w: Ptr,
    grad: Ptr,
    soft: Ptr,
    upstream: Ptr,
    costs: Ptr,
    n: number,
    beta: number,
    s: number,
  ): void;
}

type View = Float32Array | Int32Array | Float64Array;

/**
 * A function that returns the byte offset of a view of `memory` holding at least `count` entries, or throws.
 * A buffer of the memory is recognised by identity once seen; a new one (the memory grew, and shared memory
 * hands out a new SharedArrayBuffer object each time) must be a SharedArrayBuffer whose length is a whole
 * number of wasm pages between the memory's size at binding time and its current size.
 */
export function viewPointer(memory: WebAssembly.Memory): (view: View, count: number, name: string) => Ptr {
  const known = new Set<ArrayBufferLike>([memory.buffer]);
  const initialBytes = memory.buffer.byteLength;
  // The memory's own buffer class: a page that is not cross-origin isolated has no SharedArrayBuffer global.
  const SharedBuffer = memory.buffer.constructor as typeof SharedArrayBuffer;
  const isMemoryBuffer = (buffer: ArrayBufferLike): boolean => {
    if (known.has(buffer)) return true;
    const bytes = buffer.byteLength;
    const fits =
      buffer instanceof SharedBuffer &&
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
  /** Offsets of Spartan's values and costs (0 for unit costs). */
  const entries = (values: Float32Array, costs: Float32Array | null, n: number): [Ptr, Ptr] => [
    ptr(values, n, 'values'),
    costs === null ? 0 : ptr(costs, n, 'costs'),
  ];
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
    biasGelu(x, bias, out, slope, rows, cols) {
      const n = rows * cols;
      const slopeAt = slope === null ? 0 : ptr(slope, n, 'slope');
      wasm.biasGelu(ptr(x, n, 'x'), ptr(bias, rows, 'bias'), ptr(out, n, 'out'), slopeAt, rows, cols);
    },
    biasRelu(x, bias, out, rows, cols) {
      const n = rows * cols;
      wasm.biasRelu(ptr(x, n, 'x'), ptr(bias, rows, 'bias'), ptr(out, n, 'out'), rows, cols);
    },
    biasActivationBackward(saved, dy, dx, dbias, rows, cols, relu, accumulate) {
      const n = rows * cols;
      wasm.biasActivationBackward(
        ptr(saved, n, 'saved'),
        ptr(dy, n, 'dy'),
        ptr(dx, n, 'dx'),
        ptr(dbias, rows, 'dbias'),
        rows,
        cols,
        relu,
        accumulate,
      );
    },
    embeddingLookup(table, ids, out, vocab, dim, n) {
      wasm.embeddingLookup(
        ptr(table, vocab * dim, 'table'),
        ptr(ids, n, 'ids'),
        ptr(out, dim * n, 'out'),
        dim,
        n,
      );
    },
    embeddingBackward(ids, dy, dtable, vocab, dim, n) {
      wasm.embeddingBackward(
        ptr(ids, n, 'ids'),
        ptr(dy, dim * n, 'dy'),
        ptr(dtable, vocab * dim, 'dtable'),
        dim,
        n,
      );
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
    gatherHeads(x, out, d, length, batch, heads) {
      checkHeads(d, heads);
      const n = d * length * batch;
      wasm.gatherHeads(ptr(x, n, 'x'), ptr(out, n, 'out'), d, length, batch, heads);
    },
    scatterHeads(blocks, x, d, length, batch, heads, accumulate) {
      checkHeads(d, heads);
      const n = d * length * batch;
      wasm.scatterHeads(ptr(blocks, n, 'blocks'), ptr(x, n, 'x'), d, length, batch, heads, accumulate);
    },
    causalAttention(q, k, v, probs, out, length, headDim, blocks, scale) {
      const n = blocks * length * headDim;
      wasm.causalAttention(
        ptr(q, n, 'q'),
        ptr(k, n, 'k'),
        ptr(v, n, 'v'),
        ptr(probs, blocks * causalProbsSize(length), 'probs'),
        ptr(out, n, 'out'),
        length,
        headDim,
        blocks,
        scale,
      );
    },
    causalAttentionBackward(q, k, v, probs, dout, dq, dk, dv, scratch, length, headDim, blocks, scale) {
      const n = blocks * length * headDim;
      wasm.causalAttentionBackward(
        ptr(q, n, 'q'),
        ptr(k, n, 'k'),
        ptr(v, n, 'v'),
        ptr(probs, blocks * causalProbsSize(length), 'probs'),
        ptr(dout, n, 'dout'),
        ptr(dq, n, 'dq'),
        ptr(dk, n, 'dk'),
        ptr(dv, n, 'dv'),
        ptr(scratch, 3 * causalProbsSize(length), 'scratch'),
        length,
        headDim,
        blocks,
        scale,
      );
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
    im2col(x, cols, ...sizes) {
      const [inputs, columns] = im2colCounts(sizes);
      wasm.im2col(ptr(x, inputs, 'x'), ptr(cols, columns, 'cols'), ...sizes);
    },
    col2im(dcols, dx, ...sizes) {
      const [inputs, columns] = im2colCounts(sizes);
      wasm.col2im(ptr(dcols, columns, 'dcols'), ptr(dx, inputs, 'dx'), ...sizes);
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
    // Spartan: a null array passes 0 (costs: unit costs; soft and effective: a read-only mask pass).
    spartanValues(w, out, n, scale) {
      wasm.spartanValues(ptr(w, n, 'w'), ptr(out, n, 'out'), n, scale);
    },
    spartanHistogram(values, costs, n, highMask, prefix, shift, bins, histogram) {
      const [valuesAt, costsAt] = entries(values, costs, n);
      const histogramAt = ptr(histogram, 4 * bins, 'histogram');
      wasm.spartanHistogram(valuesAt, costsAt, n, highMask, prefix, shift, bins, histogramAt);
    },
    spartanBand(values, costs, n, low, high, band, capacity, sums, weights, scale) {
      const [valuesAt, costsAt] = entries(values, costs, n);
      const [bandAt, sumsAt] = [ptr(band, capacity, 'band'), ptr(sums, 3, 'sums')];
      const weightsAt = weights === null ? 0 : ptr(weights, n, 'weights');
      return wasm.spartanBand(valuesAt, costsAt, n, low, high, bandAt, capacity, sumsAt, weightsAt, scale);
    },
    spartanTieBoundary(values, costs, n, threshold, remaining) {
      return wasm.spartanTieBoundary(...entries(values, costs, n), n, threshold, remaining);
    },
    spartanMaskPass(
      values,
      costs,
      n,
      beta,
      threshold,
      mu,
      boundary,
      sums,
      soft,
      effective,
      exponentials,
      ratio,
    ) {
      wasm.spartanMaskPass(
        ...entries(values, costs, n),
        n,
        beta,
        threshold,
        mu,
        boundary,
        ptr(sums, 3, 'sums'),
        soft === null ? 0 : ptr(soft, n, 'soft'),
        effective === null ? 0 : ptr(effective, n, 'effective'),
        exponentials === null ? 0 : ptr(exponentials, n, 'exponentials'),
        ratio,
      );
    },
    spartanMaskBackward(dy, w, soft, grad, upstream, n) {
      wasm.spartanMaskBackward(
        ptr(dy, n, 'dy'),
        ptr(w, n, 'w'),
        ptr(soft, n, 'soft'),
        grad === null ? 0 : ptr(grad, n, 'grad'),
        upstream === null ? 0 : ptr(upstream, n, 'upstream'),
        n,
      );
    },
    spartanSoftMaskBackward(dy, w, soft, grad, costs, n, beta) {
      const costsAt = costs === null ? 0 : ptr(costs, n, 'costs');
      const [dyAt, wAt, softAt] = [ptr(dy, n, 'dy'), ptr(w, n, 'w'), ptr(soft, n, 'soft')];
      return wasm.spartanSoftMaskBackward(dyAt, wAt, softAt, ptr(grad, n, 'grad'), costsAt, n, beta);
    },
    spartanApplyGradient(w, grad, soft, upstream, costs, n, beta, s) {
      wasm.spartanApplyGradient(
        ptr(w, n, 'w'),
        ptr(grad, n, 'grad'),
        ptr(soft, n, 'soft'),
        upstream === null ? 0 : ptr(upstream, n, 'upstream'),
        costs === null ? 0 : ptr(costs, n, 'costs'),
        n,
        beta,
        s,
      );
    },
  };
}

/** Entries of im2col's input [C, H, W, B] and of its columns [C·kh·kw, Hout·Wout·B]. */
export function im2colCounts([channels, height, width, batch, kh, kw, sh, sw, ph, pw]: Im2colSizes): [
  number,
  number,
] {
  const outHeight = Math.floor((height + 2 * ph - kh) / sh) + 1;
  const outWidth = Math.floor((width + 2 * pw - kw) / sw) + 1;
  return [channels * height * width * batch, channels * kh * kw * outHeight * outWidth * batch];
}

/** The head blocks of gatherHeads need d_h = d / heads whole: the kernel would misplace features otherwise. */
function checkHeads(d: number, heads: number): void {
  if (!Number.isInteger(heads) || heads < 1 || d % heads !== 0) {
    throw new Error(`${heads} heads do not divide ${d} features: pick a divisor of ${d}`);
  }
}

/** Entries of a pooling kernel's input [C, H, W, B] and output [C, Hout, Wout, B]. */
function poolCounts([channels, height, width, batch, kh, kw, sh, sw]: PoolSizes): [number, number] {
  const outHeight = Math.floor((height - kh) / sh) + 1;
  const outWidth = Math.floor((width - kw) / sw) + 1;
  return [channels * height * width * batch, channels * outHeight * outWidth * batch];
}

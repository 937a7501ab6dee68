/**
 * The worker side of the thread pool (threadsPool.ts) and the control block both sides share.
 *
 * A job is one kernel call cut into chunks: the kernel, its numeric arguments (float64 words, so float
 * arguments such as a learning rate pass exactly as they would in a direct call), the chunk boundaries, and
 * how a chunk [start, end) reaches the arguments (its Slicing): a kernel that takes a range (matmulRows' rows
 * r0, r1) gets start and end in an argument pair; an elementwise kernel gets its pointers moved by start
 * times their stride and its count set to end − start. Every thread, the main one included, claims chunks one
 * at a time until none is left, so a thread that a busy machine deschedules delays the job by one chunk at
 * most. The chunks are fixed before the job starts, so which thread runs which chunk never changes the result.
 *
 * Claiming is a compare-and-swap on the ticket word, (chunk count << 16) | next chunk. A claim that succeeds
 * is a chunk of the job published at that moment (the main thread writes a job's data before its ticket and
 * rewrites it only after every claimed chunk is complete), so a thread reads the job's data after its claim
 * and never sees a half-written job.
 *
 * The worker is a self-contained CommonJS script passed as a string (`new Worker(source, { eval: true })`), so
 * no file has to be found at run time: the same code works from the TypeScript sources under vitest and from
 * the compiled dist/ files, and a bundler has nothing to resolve.
 */

/** Kernels a worker can run, by their export names in the wasm module; the job stores the index. */
export const THREAD_KERNELS = [
  'matmulRows',
  'spmm',
  'spmmTransposed',
  'sddmm',
  'add',
  'mul',
  'scale',
  'axpy',
  'relu',
  'reluBackward',
  'gelu',
  'geluBackward',
  'addRowBias',
  'rowSums',
  'sgdUpdate',
  'adamwUpdate',
  'im2col',
  'col2im',
  'maxPool2d',
  'maxPool2dBackward',
  'biasGelu',
  'biasRelu',
  'biasActivationBackward',
  'causalAttention',
  'causalAttentionBackward',
  'zeroBytes',
  'spartanMaskPassChunks',
  'spartanSoftMaskBackwardChunks',
  'spartanApplyGradientRange',
] as const;
export type ThreadKernel = (typeof THREAD_KERNELS)[number];

/** How a chunk [start, end) of a job reaches the kernel's arguments (any combination of the four). */
export interface Slicing {
  /** Index of the argument pair that receives start and end (a kernel that takes a range). */
  rangeArg?: number;
  /** Index of the argument that receives end − start (a kernel that takes a count). */
  countArg?: number;
  /** Bytes added to argument i per unit of start (the pointers a chunk slices); missing or 0: unchanged. */
  strides?: readonly number[];
  /**
   * Index of the argument that gets chunkBytes bytes per chunk number added (chunk c's own scratch region at
   * scratch + c·chunkBytes, whichever thread claims it).
   */
  chunkArg?: number;
  /** Bytes of each chunk's region at argument chunkArg. */
  chunkBytes?: number;
}

/** Arguments a job holds: the most any THREAD_KERNELS export takes (causalAttentionBackward, 13). */
export const MAX_ARGS = 13;
/** Chunks a job may have. */
export const MAX_CHUNKS = 64;

/** Indices of the control block's words. */
export const Control = {
  /** Bumped by the main thread after it publishes a job (and to quit); sleeping workers wait on it. */
  generation: 0,
  /** (chunk count << 16) | next unclaimed chunk, of the current job. */
  ticket: 1,
  /** Chunks of the current job that are complete; the main thread waits on it. */
  completed: 2,
  /** Workers that have instantiated the module (or failed to). */
  ready: 3,
  /** Chunks of the current job (or worker start-ups) that threw; each failing worker posts its error. */
  failed: 4,
  /** Set to 1 with the last generation bump: workers leave their loop. */
  quit: 5,
  /** Index in THREAD_KERNELS of the current job's kernel. */
  kernel: 6,
  /** Index in the arguments of the range start (the range end follows it), or −1. */
  rangeArg: 7,
  /** Index in the arguments of the chunk's count, or −1. */
  countArg: 8,
  /** Index in the arguments of the chunk's own scratch region, or −1. */
  chunkArg: 9,
  /** Bytes of a chunk's scratch region: chunk c's starts at the argument plus c times this. */
  chunkBytes: 10,
  /** First of MAX_ARGS strides: bytes added to each argument per unit of the chunk's start. */
  strides: 11,
  /** First of MAX_CHUNKS + 1 chunk boundaries. */
  cuts: 11 + MAX_ARGS,
} as const;

/** Int32 words of a control block; the job's arguments follow it, MAX_ARGS float64 words (ARGS_AT). */
export const CONTROL_INTS = Control.cuts + MAX_CHUNKS + 1;
/** Byte offset of the argument words from the start of the control block (8-byte aligned). */
export const ARGS_AT = Math.ceil(CONTROL_INTS / 2) * 8;
/** Bytes of a control block with its arguments. */
export const CONTROL_BYTES = ARGS_AT + MAX_ARGS * 8;

/**
 * Milliseconds a worker keeps polling for the next job before it sleeps in Atomics.wait. Waking a sleeping
 * thread took 50–90 µs here (on a shared 2-core machine), polling catches a job in ~1 µs; training issues its
 * large kernels back to back, so a short poll covers the gaps without burning a core when idle.
 */
const WORKER_SPIN_MS = 0.2;

/**
 * Source of a worker. Its workerData: { module, memory, control, scratch, index, port } — the compiled kernel
 * module, the shared memory, the byte offsets of the control block and of this worker's matmul scratch region,
 * the worker's number (for error messages), and a MessagePort for errors (read by the main thread with
 * receiveMessageOnPort, so it can report them while it is blocked). Every failure is caught and counted, so
 * the main thread never waits for a worker that died. Between jobs a worker polls for WORKER_SPIN_MS, then
 * sleeps.
 */
export const workerSource = `'use strict';
const { workerData } = require('node:worker_threads');
const { module, memory, control, scratch, index, port } = workerData;
const C = ${JSON.stringify(Control)};
const words = new Int32Array(memory.buffer, control, ${CONTROL_INTS});
const jobArgs = new Float64Array(memory.buffer, control + ${ARGS_AT}, ${MAX_ARGS});
const args = new Array(${MAX_ARGS});
const fail = (error) => {
  port.postMessage('worker ' + index + ': ' + (error instanceof Error ? error.stack || error.message : String(error)));
  Atomics.add(words, C.failed, 1);
};
const hasWork = () => {
  const ticket = Atomics.load(words, C.ticket);
  return (ticket & 0xffff) < ticket >>> 16;
};
let kernels = null;
try {
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
  exports.setScratch(scratch);
  kernels = ${JSON.stringify(THREAD_KERNELS)}.map((name) => exports[name]);
} catch (error) {
  fail(error);
}
Atomics.add(words, C.ready, 1);
Atomics.notify(words, C.ready);
while (kernels !== null) {
  const seen = Atomics.load(words, C.generation);
  if (Atomics.load(words, C.quit) === 1) break;
  for (;;) {
    const ticket = Atomics.load(words, C.ticket);
    const chunk = ticket & 0xffff;
    if (chunk >= ticket >>> 16) break;
    if (Atomics.compareExchange(words, C.ticket, ticket, ticket + 1) !== ticket) continue;
    const start = words[C.cuts + chunk];
    const end = words[C.cuts + chunk + 1];
    for (let i = 0; i < ${MAX_ARGS}; i++) args[i] = jobArgs[i] + start * words[C.strides + i];
    const rangeArg = words[C.rangeArg];
    if (rangeArg >= 0) {
      args[rangeArg] = start;
      args[rangeArg + 1] = end;
    }
    const countArg = words[C.countArg];
    if (countArg >= 0) args[countArg] = end - start;
    const chunkArg = words[C.chunkArg];
    if (chunkArg >= 0) args[chunkArg] += chunk * words[C.chunkBytes];
    try {
      kernels[words[C.kernel]](...args);
    } catch (error) {
      fail(error);
    }
    Atomics.add(words, C.completed, 1);
    Atomics.notify(words, C.completed);
  }
  const spinEnd = performance.now() + ${WORKER_SPIN_MS};
  while (!hasWork() && Atomics.load(words, C.generation) === seen && performance.now() < spinEnd);
  if (!hasWork()) Atomics.wait(words, C.generation, seen);
}
port.close();
`;

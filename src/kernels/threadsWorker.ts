/**
 * The worker side of the thread pool (threadsPool.ts) and the control block both sides share.
 *
 * The control block is an Int32Array in the shared wasm memory: a header of counters, then one slot per
 * worker holding the kernel to run and its numeric arguments. The main thread writes the slots, bumps the
 * generation and notifies; each worker wakes, runs its slot, counts itself done and notifies back.
 *
 * The worker is a self-contained CommonJS script passed as a string (`new Worker(source, { eval: true })`), so
 * no file has to be found at run time: the same code works from the TypeScript sources under vitest and from
 * the compiled dist/ files, and a bundler has nothing to resolve.
 */

/** Kernels a worker can run, by their export names in the wasm module; a slot stores the index. */
export const THREAD_KERNELS = ['matmulRows', 'spmm', 'sddmm', 'spmmTransposed'] as const;
export type ThreadKernel = (typeof THREAD_KERNELS)[number];

/** Arguments a slot holds: the most any THREAD_KERNELS export takes (matmulRows and the sparse ones take 11). */
export const MAX_ARGS = 11;

/** Indices of the control block's header words. */
export const Control = {
  /** Bumped by the main thread once per job (and to quit); workers wait on it. */
  generation: 0,
  /** Workers done with the current job; the main thread waits on it. */
  done: 1,
  /** Workers that have instantiated the module (or failed to). */
  ready: 2,
  /** Workers whose share of the current job (or whose start-up) threw; each posts its error on its port. */
  failed: 3,
  /** Set to 1 with the last generation bump: workers leave their loop. */
  quit: 4,
} as const;

/**
 * Milliseconds a worker keeps polling for the next job before it sleeps in Atomics.wait. Waking a sleeping
 * thread took 50–90 µs here (on a shared 2-core machine), polling catches a job in ~1 µs; training issues its
 * large kernels back to back, so a short poll covers the gaps without burning a core when idle.
 */
const WORKER_SPIN_MS = 0.2;

const HEADER_INTS = 8;
const SLOT_INTS = 1 + MAX_ARGS;

/** Int32 words of a control block for `workers` workers. */
export function controlInts(workers: number): number {
  return HEADER_INTS + workers * SLOT_INTS;
}

/** The first word of worker `index`'s slot: the kernel index, then its arguments. */
export function slotStart(index: number): number {
  return HEADER_INTS + index * SLOT_INTS;
}

/**
 * Source of a worker. Its workerData: { module, memory, control, scratch, index, port } — the compiled kernel
 * module, the shared memory, the byte offsets of the control block and of this worker's matmul scratch region,
 * its slot index, and a MessagePort for error messages (read by the main thread with receiveMessageOnPort, so
 * it can report them while it is blocked). Every failure is caught and counted, so the main thread never
 * waits for a worker that died. Between jobs a worker polls for WORKER_SPIN_MS, then sleeps.
 */
export const workerSource = `'use strict';
const { workerData } = require('node:worker_threads');
const { module, memory, control, scratch, index, port } = workerData;
const KERNELS = ${JSON.stringify(THREAD_KERNELS)};
const C = ${JSON.stringify(Control)};
const words = new Int32Array(memory.buffer, control, ${HEADER_INTS} + (index + 1) * ${SLOT_INTS});
const slot = ${HEADER_INTS} + index * ${SLOT_INTS};
const fail = (error) => {
  port.postMessage(error instanceof Error ? error.stack || error.message : String(error));
  Atomics.add(words, C.failed, 1);
};
// Read before signalling ready: the first job may bump the generation as soon as the main thread sees it.
let seen = Atomics.load(words, C.generation);
let kernels = null;
try {
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
  exports.setScratch(scratch);
  kernels = KERNELS.map((name) => exports[name]);
} catch (error) {
  fail(error);
}
Atomics.add(words, C.ready, 1);
Atomics.notify(words, C.ready);
while (kernels !== null) {
  const spinEnd = performance.now() + ${WORKER_SPIN_MS};
  while (Atomics.load(words, C.generation) === seen && performance.now() < spinEnd);
  Atomics.wait(words, C.generation, seen);
  seen = Atomics.load(words, C.generation);
  if (Atomics.load(words, C.quit) === 1) break;
  try {
    const args = Array.from(words.subarray(slot + 1, slot + ${SLOT_INTS}));
    kernels[words[slot]](...args);
  } catch (error) {
    fail(error);
  }
  Atomics.add(words, C.done, 1);
  Atomics.notify(words, C.done);
}
port.close();
`;

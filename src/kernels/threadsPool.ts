/**
 * A pool of worker threads that run wasm kernels on the engine's shared memory, synchronously: `run` cuts a
 * kernel call into chunks that the main thread and the workers claim until none is left (threadsWorker.ts),
 * and returns when every chunk is complete.
 *
 * Each worker instantiates the same compiled module on the same memory and packs matmul panels into its own
 * scratch region (allocated from the heap), so chunks never write the same bytes. Coordination is an
 * Int32Array control block in that memory (layout and worker code: threadsWorker.ts) with Atomics.wait and
 * Atomics.notify; each side polls for a fraction of a millisecond before it sleeps, because a dispatch to a
 * polling thread costs ~1.5 µs and waking a sleeping one 50–90 µs. Creating the pool blocks until every
 * worker is ready, which takes ~50 ms.
 *
 * Node only: the pool loads worker_threads through process.getBuiltinModule, so importing this file costs a
 * browser bundle nothing, and creating a pool outside Node is an error that says so. Workers are unref'd: a
 * process that never closes its pool still exits.
 */
import type { MessagePort, Worker } from 'node:worker_threads';
import type { Heap } from './heap.js';
import {
  ARGS_AT,
  CONTROL_BYTES,
  CONTROL_INTS,
  Control,
  MAX_ARGS,
  MAX_CHUNKS,
  type Slicing,
  THREAD_KERNELS,
  type ThreadKernel,
  workerSource,
} from './threadsWorker.js';

/** How long `run` waits for the workers' chunks before it gives up on the pool (a worker hung or was killed). */
const DEFAULT_TIMEOUT_MS = 60_000;
/** How long creating a pool waits for its workers to instantiate the module. */
const START_TIMEOUT_MS = 30_000;
/**
 * Milliseconds the main thread polls for the workers' last chunks before it sleeps in Atomics.wait (a chunk
 * is a fraction of the job, so they usually finish within it; waking from a sleep costs 50–90 µs).
 */
const MAIN_SPIN_MS = 0.2;

type WasmFunction = (...args: number[]) => void;

export interface ThreadPoolOptions {
  /** Threads in all, the main thread included (so threads − 1 workers); at least 2. */
  threads: number;
  /** The compiled kernel module the main thread instantiated (instantiateWasmKernels(...).module). */
  module: WebAssembly.Module;
  /** The main thread's instance exports, which run its chunks. */
  exports: Record<string, unknown>;
  /** The engine's heap: the control block and the workers' scratch regions are allocated from it. */
  heap: Heap;
  /** Milliseconds `run` waits for the workers before it throws and closes the pool. */
  timeoutMs?: number;
}

export class ThreadPool {
  /** Threads in all, the main thread included. */
  readonly threads: number;
  /** The engine's heap (threaded kernels take their chunks' scratch regions from it). */
  readonly heap: Heap;
  private readonly control: Uint8Array;
  private readonly words: Int32Array;
  private readonly jobArgs: Float64Array;
  private readonly scratch: Uint8Array[];
  private readonly workers: Worker[];
  private readonly ports: MessagePort[];
  private readonly mainKernels: WasmFunction[];
  private readonly mainArgs = new Array<number>(MAX_ARGS).fill(0);
  private readonly timeoutMs: number;
  private readonly receive: (port: MessagePort) => { message: unknown } | undefined;
  private isClosed = false;
  private exited: Promise<void> = Promise.resolve();

  constructor({ threads, module, exports, heap, timeoutMs = DEFAULT_TIMEOUT_MS }: ThreadPoolOptions) {
    if (!Number.isInteger(threads) || threads < 2) {
      throw new Error(
        `a thread pool needs at least 2 threads, got ${threads}: run on one thread without a pool`,
      );
    }
    const workerThreads = nodeWorkerThreads();
    this.threads = threads;
    this.heap = heap;
    this.timeoutMs = timeoutMs;
    this.receive = workerThreads.receiveMessageOnPort;
    this.mainKernels = THREAD_KERNELS.map((name) => {
      const kernel = exports[name];
      if (typeof kernel !== 'function') {
        throw new Error(
          `the WebAssembly module does not export ${name}: rebuild it with \`npm run build:wasm\``,
        );
      }
      return kernel as WasmFunction;
    });
    const scratchBytes = (exports.scratchBytes as () => number)();
    this.control = heap.allocU8(CONTROL_BYTES);
    this.words = new Int32Array(heap.memory.buffer, this.control.byteOffset, CONTROL_INTS);
    this.jobArgs = new Float64Array(heap.memory.buffer, this.control.byteOffset + ARGS_AT, MAX_ARGS);
    this.scratch = [];
    this.workers = [];
    this.ports = [];
    for (let index = 1; index < threads; index++) {
      const scratch = heap.allocU8(scratchBytes);
      const { port1, port2 } = new workerThreads.MessageChannel();
      const worker = new workerThreads.Worker(workerSource, {
        eval: true,
        workerData: {
          module,
          memory: heap.memory,
          control: this.control.byteOffset,
          scratch: scratch.byteOffset,
          index,
          port: port2,
        },
        transferList: [port2],
      });
      worker.unref();
      this.scratch.push(scratch);
      this.workers.push(worker);
      this.ports.push(port1);
    }
    this.awaitCount(Control.ready, this.workers.length, 'start', START_TIMEOUT_MS);
  }

  /** True once close() ran (or a timeout or a failed start closed the pool). */
  get closed(): boolean {
    return this.isClosed;
  }

  /**
   * Runs `kernel` once per chunk c = [cuts[c], cuts[c + 1]), with `args` (the export's numeric arguments,
   * booleans as 0 or 1) sliced to the chunk as `slicing` says (see Slicing); the main thread and the workers
   * claim chunks until none is left. Returns when all are complete; throws if any chunk threw (naming the
   * worker and its error) or the workers did not finish within the timeout.
   */
  run(kernel: ThreadKernel, args: readonly number[], slicing: Slicing, cuts: readonly number[]): void {
    if (this.isClosed) throw new Error('the thread pool is closed: create a new engine to run on threads');
    const chunks = cuts.length - 1;
    const { rangeArg = -1, countArg = -1, strides = [], chunkArg = -1, chunkBytes = 0 } = slicing;
    if (
      args.length > MAX_ARGS ||
      strides.length > args.length ||
      rangeArg + 1 >= args.length ||
      countArg >= args.length ||
      chunkArg >= args.length
    ) {
      throw new Error(
        `run: ${args.length} arguments, range at ${rangeArg}, count at ${countArg}, chunk region at ${chunkArg}, ` +
          `${strides.length} strides: at most ${MAX_ARGS} arguments, range, count, region and strides inside them`,
      );
    }
    if (chunks < 1 || chunks > MAX_CHUNKS)
      throw new Error(`run: ${chunks} chunks, expected 1 to ${MAX_CHUNKS}`);
    const words = this.words;
    const jobArgs = this.jobArgs;
    const kernelIndex = THREAD_KERNELS.indexOf(kernel);
    words[Control.kernel] = kernelIndex;
    words[Control.rangeArg] = rangeArg;
    words[Control.countArg] = countArg;
    words[Control.chunkArg] = chunkArg;
    words[Control.chunkBytes] = chunkBytes;
    for (let i = 0; i < MAX_ARGS; i++) {
      jobArgs[i] = i < args.length ? args[i] : 0;
      words[Control.strides + i] = i < strides.length ? strides[i] : 0;
    }
    for (let c = 0; c <= chunks; c++) words[Control.cuts + c] = cuts[c];
    Atomics.store(words, Control.completed, 0);
    Atomics.store(words, Control.failed, 0);
    Atomics.store(words, Control.ticket, chunks << 16);
    Atomics.add(words, Control.generation, 1);
    Atomics.notify(words, Control.generation);

    const main = this.mainKernels[kernelIndex];
    const mainArgs = this.mainArgs;
    let mainError: unknown;
    for (;;) {
      const ticket = Atomics.load(words, Control.ticket);
      const chunk = ticket & 0xffff;
      if (chunk >= chunks) break;
      if (Atomics.compareExchange(words, Control.ticket, ticket, ticket + 1) !== ticket) continue;
      const start = cuts[chunk];
      const end = cuts[chunk + 1];
      for (let i = 0; i < MAX_ARGS; i++) mainArgs[i] = jobArgs[i] + start * words[Control.strides + i];
      if (rangeArg >= 0) {
        mainArgs[rangeArg] = start;
        mainArgs[rangeArg + 1] = end;
      }
      if (countArg >= 0) mainArgs[countArg] = end - start;
      if (chunkArg >= 0) mainArgs[chunkArg] += chunk * chunkBytes;
      try {
        main(...mainArgs);
      } catch (error) {
        mainError ??= error;
      }
      Atomics.add(words, Control.completed, 1);
    }
    this.awaitCount(Control.completed, chunks, `run ${kernel}`, this.timeoutMs);
    if (mainError !== undefined) throw mainError;
  }

  /**
   * Stops the workers and returns the control block and scratch regions to the heap; resolves once every
   * worker thread has exited. Idempotent; `run` throws afterwards.
   */
  close(): Promise<void> {
    return this.stop(true);
  }

  /** Stops the workers; the memory they use goes back to the heap only if none may still be writing to it. */
  private stop(returnMemory: boolean): Promise<void> {
    if (!this.isClosed) {
      this.isClosed = true;
      Atomics.store(this.words, Control.quit, 1);
      Atomics.add(this.words, Control.generation, 1);
      Atomics.notify(this.words, Control.generation);
      this.exited = Promise.all(this.workers.map((worker) => worker.terminate())).then(() => undefined);
      for (const port of this.ports) port.close();
      if (returnMemory) {
        for (const scratch of this.scratch) this.heap.free(scratch);
        this.heap.free(this.control);
      }
    }
    return this.exited;
  }

  /** Blocks until the counter at `word` reaches `target`, then surfaces any worker's error. */
  private awaitCount(word: number, target: number, what: string, timeoutMs: number): void {
    const words = this.words;
    const deadline = performance.now() + timeoutMs;
    const spinEnd = performance.now() + MAIN_SPIN_MS;
    while (Atomics.load(words, word) < target && performance.now() < spinEnd);
    for (;;) {
      const count = Atomics.load(words, word);
      if (count >= target) break;
      const left = deadline - performance.now();
      if (left <= 0 || Atomics.wait(words, word, count, left) === 'timed-out') {
        void this.stop(false); // a late worker may still write its scratch region, so it is not reused
        throw new Error(
          `worker threads did not ${what} within ${timeoutMs} ms (${target - count} of ${target} unfinished): ` +
            'the pool is closed; create a new engine, or run on one thread (threads: 1)',
        );
      }
    }
    if (Atomics.load(words, Control.failed) === 0) return;
    const messages: string[] = [];
    for (const port of this.ports) {
      for (let received = this.receive(port); received; received = this.receive(port)) {
        messages.push(String(received.message));
      }
    }
    if (what === 'start') void this.close();
    throw new Error(`a worker thread failed to ${what}\n${messages.join('\n')}`);
  }
}

/** Node's worker_threads module, or an error that says threads need Node. */
function nodeWorkerThreads(): typeof import('node:worker_threads') {
  if (typeof process === 'undefined' || typeof process.getBuiltinModule !== 'function') {
    throw new Error(
      'worker threads need Node.js 20.16 or later (process.getBuiltinModule): use threads: 1 here',
    );
  }
  return process.getBuiltinModule('node:worker_threads');
}

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createSharedMemory, Heap } from './heap.js';
import { ThreadPool } from './threadsPool.js';
import { instantiateWasmKernels } from './wasm.js';

/** A wasm instance on a fresh memory, with its heap: what a pool is built from. */
function setUp() {
  const memory = createSharedMemory(16);
  const instance = instantiateWasmKernels(memory, 'simd');
  const heap = new Heap(memory, instance.heapBase);
  return { instance, heap, options: { module: instance.module, exports: instance.exports, heap } };
}

/** matmulRows arguments for C = A·B with A [m×k] all ones and B [k×n] all twos (the row range at index 9). */
function onesTimesTwos(heap: Heap, m: number, k: number, n: number) {
  const a = heap.allocF32(m * k).fill(1);
  const b = heap.allocF32(k * n).fill(2);
  const c = heap.allocF32(m * n);
  return { c, args: [a.byteOffset, b.byteOffset, c.byteOffset, m, k, n, 0, 0, 0, 0, m] };
}

describe('ThreadPool', () => {
  const { heap, options } = setUp();
  let pool: ThreadPool;
  beforeAll(() => {
    pool = new ThreadPool({ threads: 2, ...options });
  });
  afterAll(() => pool.close());

  test('runs every chunk once, all complete when run returns', () => {
    const { c, args } = onesTimesTwos(heap, 64, 3, 8);
    pool.run('matmulRows', args, { rangeArg: 9 }, [0, 8, 16, 24, 32, 40, 48, 56, 64]);
    expect(Array.from(new Set(c))).toEqual([6]);
    // Accumulating twice more adds each chunk's product exactly once per call.
    args[8] = 1;
    pool.run('matmulRows', args, { rangeArg: 9 }, [0, 4, 60, 64]);
    pool.run('matmulRows', args, { rangeArg: 9 }, [0, 64]);
    expect(Array.from(new Set(c))).toEqual([18]);
  });

  test('an error in any chunk surfaces as an exception, and the pool keeps working', () => {
    const { c, args } = onesTimesTwos(heap, 8, 2, 4);
    const outOfMemory = [...args];
    outOfMemory[2] = heap.memory.buffer.byteLength - 4; // C's first row would end past the memory
    // Many chunks so that the worker claims some of them too, whichever thread it is that fails first.
    expect(() => pool.run('matmulRows', outOfMemory, { rangeArg: 9 }, [0, 0, 0, 0, 0, 0, 0, 0, 4])).toThrow(
      /memory access out of bounds/,
    );
    pool.run('matmulRows', args, { rangeArg: 9 }, [0, 4, 8]);
    expect(Array.from(new Set(c))).toEqual([4]);
  });

  test('refuses a job it cannot hold', () => {
    const { args } = onesTimesTwos(heap, 8, 2, 4);
    expect(() => pool.run('matmulRows', args, { rangeArg: 10 }, [0, 8])).toThrow(
      /range, count, region and strides inside them/,
    );
    expect(() => pool.run('matmulRows', args, { rangeArg: 9, chunkArg: 11 }, [0, 8])).toThrow(
      /chunk region at 11/,
    );
    expect(() => pool.run('matmulRows', args, { rangeArg: 9 }, [0])).toThrow(/0 chunks, expected 1 to 64/);
  });
});

describe('worker errors', () => {
  test("a worker's error names the worker and its message", async () => {
    const { heap, options } = setUp();
    const pool = new ThreadPool({ threads: 2, ...options });
    // C = A·B with rows 0..255 inside the memory (~10 ms of work) and rows 256..259 past its end. The main
    // thread claims the first chunk at once; the worker, woken from its sleep, gets the failing second one.
    const [m, k, n] = [260, 512, 512];
    const a = heap.allocF32(m * k).fill(1);
    const b = heap.allocF32(k * n).fill(2);
    heap.allocF32(256 * n);
    const c = heap.memory.buffer.byteLength - 256 * n * 4;
    const args = [a.byteOffset, b.byteOffset, c, m, k, n, 0, 0, 0, 0, m];
    // On a loaded machine the worker may wake late and the main thread take both chunks (its own error, not a
    // worker's): try again, up to 20 times, until the worker got the failing chunk.
    let message = '';
    for (let attempt = 0; attempt < 20 && !message.includes('worker 1'); attempt++) {
      try {
        pool.run('matmulRows', args, { rangeArg: 9 }, [0, 256, 260]);
      } catch (error) {
        message = (error as Error).message;
      }
    }
    expect(message).toMatch(
      /a worker thread failed to run matmulRows\nworker 1: RuntimeError: memory access out of bounds/,
    );
    await pool.close();
  });
});

describe('ThreadPool lifetime', () => {
  test('needs at least two threads', () => {
    const { options } = setUp();
    expect(() => new ThreadPool({ threads: 1, ...options })).toThrow(/at least 2 threads, got 1/);
  });

  test('a worker that cannot start is an exception at creation', () => {
    const { options } = setUp();
    const empty = new WebAssembly.Module(Uint8Array.from([0, 97, 115, 109, 1, 0, 0, 0])); // exports nothing
    expect(() => new ThreadPool({ threads: 2, ...options, module: empty })).toThrow(
      /a worker thread failed to start\nworker 1: TypeError: exports.setScratch is not a function/,
    );
  });

  test('close stops the workers and returns its memory to the heap; run then throws', async () => {
    const { heap, options } = setUp();
    const before = heap.allocatedBytes;
    const pool = new ThreadPool({ threads: 3, ...options });
    expect(heap.allocatedBytes).toBeGreaterThan(before);
    await pool.close();
    expect(heap.allocatedBytes).toBe(before);
    expect(pool.closed).toBe(true);
    expect(() => pool.run('spmm', [], {}, [0, 1])).toThrow(/the thread pool is closed/);
    await pool.close();
  });

  test('a worker that does not finish within the timeout is an exception, and closes the pool', async () => {
    const { heap, options } = setUp();
    const pool = new ThreadPool({ threads: 2, ...options, timeoutMs: 1 });
    const { args } = onesTimesTwos(heap, 512, 512, 512);
    // The worker claims the first chunk (~10 ms) while the main thread is still claiming: keep trying until
    // a run leaves the worker with a chunk to finish after the main thread's own. On a loaded machine the
    // worker may wake too late for many runs in a row (the main thread then takes both chunks), so try long.
    expect(() => {
      for (let attempt = 0; attempt < 1000; attempt++)
        pool.run('matmulRows', args, { rangeArg: 9 }, [0, 256, 512]);
    }).toThrow(/did not run matmulRows within 1 ms \(1 of 2 unfinished\): the pool is closed/);
    expect(pool.closed).toBe(true);
    await pool.close();
  });
});

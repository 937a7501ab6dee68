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

/** matmulRows arguments for rows r0..r1 of C = A·B with A [m×k] all ones and B [k×n] all twos. */
function onesTimesTwos(heap: Heap, m: number, k: number, n: number) {
  const a = heap.allocF32(m * k).fill(1);
  const b = heap.allocF32(k * n).fill(2);
  const c = heap.allocF32(m * n);
  const rows = (r0: number, r1: number) => [
    a.byteOffset,
    b.byteOffset,
    c.byteOffset,
    m,
    k,
    n,
    0,
    0,
    0,
    r0,
    r1,
  ];
  return { c, rows };
}

describe('ThreadPool', () => {
  const { heap, options } = setUp();
  let pool: ThreadPool;
  beforeAll(() => {
    pool = new ThreadPool({ threads: 2, ...options });
  });
  afterAll(() => pool.close());

  test('runs each share on its own thread, all done when run returns', () => {
    const { c, rows } = onesTimesTwos(heap, 16, 3, 8);
    pool.run('matmulRows', [rows(0, 8), rows(8, 16)]);
    expect(Array.from(new Set(c))).toEqual([6]);
  });

  test("a worker's error surfaces as an exception naming the worker, and the pool keeps working", () => {
    const { c, rows } = onesTimesTwos(heap, 8, 2, 4);
    const outOfMemory = rows(0, 4);
    outOfMemory[2] = heap.memory.buffer.byteLength - 4; // C's first row would end past the memory
    expect(() => pool.run('matmulRows', [rows(0, 0), outOfMemory])).toThrow(
      /worker thread failed to run matmulRows\nworker 1: RuntimeError: memory access out of bounds/,
    );
    pool.run('matmulRows', [rows(0, 4), rows(4, 8)]);
    expect(Array.from(new Set(c))).toEqual([4]);
  });

  test("the main thread's error is thrown after the workers are done", () => {
    const { c, rows } = onesTimesTwos(heap, 8, 2, 4);
    const outOfMemory = rows(0, 4);
    outOfMemory[2] = heap.memory.buffer.byteLength - 4;
    expect(() => pool.run('matmulRows', [outOfMemory, rows(4, 8)])).toThrow(/memory access out of bounds/);
    expect(Array.from(c.subarray(16))).toEqual(new Array(16).fill(4));
  });

  test('refuses a wrong number of shares', () => {
    expect(() => pool.run('spmm', [[]])).toThrow(/1 shares for 2 threads: pass one share per thread/);
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
    expect(() => pool.run('spmm', [[], [], []])).toThrow(/the thread pool is closed/);
    await pool.close();
  });

  test('a worker that does not finish within the timeout is an exception, and closes the pool', async () => {
    const { heap, options } = setUp();
    const pool = new ThreadPool({ threads: 2, ...options, timeoutMs: 1 });
    const { rows } = onesTimesTwos(heap, 512, 512, 512); // ~10 ms of work for the worker
    expect(() => pool.run('matmulRows', [rows(0, 0), rows(0, 512)])).toThrow(
      /did not run matmulRows within 1 ms \(1 of 1 still running\): the pool is closed/,
    );
    expect(pool.closed).toBe(true);
    await pool.close();
  });
});

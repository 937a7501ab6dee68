import { setFlagsFromString } from 'node:v8';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { createEngine, type Engine } from './engine.js';
import { ThreadPool } from './threadsPool.js';

// Node 20 validates relaxed SIMD only behind a V8 flag; 'auto' then picks the build training uses.
setFlagsFromString('--experimental-wasm-relaxed-simd');

/** The bits of a float array, for exact comparison. */
const bits = (view: Float32Array) => Array.from(new Uint32Array(view.buffer, view.byteOffset, view.length));

/**
 * On `engine`: a dense product C = A·B (256×256·256×128) and a sparse one y = W·x (W 512×256 keeping every
 * third entry, batch 64), both above the split thresholds, from the same deterministic inputs.
 */
function products(engine: Engine): { dense: number[]; sparse: number[] } {
  const { heap, kernels, sparse } = engine;
  const [m, k, n] = [256, 256, 128];
  const a = heap.allocF32(m * k);
  const b = heap.allocF32(k * n);
  for (let i = 0; i < a.length; i++) a[i] = Math.sin(i);
  for (let i = 0; i < b.length; i++) b[i] = Math.cos(i);
  const c = heap.allocF32(m * n);
  kernels.matmulNN({ a, b, c, m, k, n, accumulate: false });

  const [rows, cols, batch] = [512, 256, 64];
  const rowOffsets = heap.allocI32(rows + 1);
  const kept: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let col = r % 3; col < cols; col += 3) kept.push(col);
    rowOffsets[r + 1] = kept.length;
  }
  const columnIndices = heap.allocI32(kept.length);
  columnIndices.set(kept);
  const values = heap.allocF32(kept.length);
  for (let i = 0; i < values.length; i++) values[i] = Math.sin(3 * i);
  const x = heap.allocF32(cols * batch);
  for (let i = 0; i < x.length; i++) x[i] = Math.cos(5 * i);
  const y = heap.allocF32(rows * batch);
  sparse.spmm({ rowOffsets, columnIndices, values, x, y, rows, batch, accumulate: false });
  return { dense: bits(c), sparse: bits(y) };
}

describe('createEngine with threads', () => {
  afterEach(() => vi.unstubAllEnvs());

  test('two threads give the bits of one; after close the engine runs on one thread, same bits', async () => {
    const one = createEngine('auto');
    const two = createEngine('auto', { threads: 2 });
    expect(two.threads).toBe(2);
    expect(two.kernels.name).toBe(one.kernels.name);
    const want = products(one);
    expect(products(two)).toEqual(want);
    await two.close();
    expect(two.threads).toBe(1);
    expect(products(two)).toEqual(want);
  });

  test('two threads zero a large reused heap block between them; after close the heap zeroes it alone', async () => {
    const two = createEngine('auto', { threads: 2 });
    const run = vi.spyOn(ThreadPool.prototype, 'run');
    const big = 5 << 18; // 5 MiB of floats
    two.heap.free(two.heap.allocF32(big).fill(9));
    expect(two.heap.allocF32(big).every((v) => v === 0)).toBe(true);
    expect(run.mock.calls.map(([kernel]) => kernel)).toEqual(['zeroBytes']);
    run.mockRestore();
    await two.close();
    const block = two.heap.allocF32(big).fill(4);
    two.heap.free(block);
    expect(two.heap.allocF32(big).every((v) => v === 0)).toBe(true);
  });

  test('TOPKAST_THREADS sets the default and must be a whole number ≥ 1', async () => {
    vi.stubEnv('TOPKAST_THREADS', '2');
    const fromEnv = createEngine('wasm-simd');
    expect(fromEnv.threads).toBe(2);
    await fromEnv.close();
    expect(createEngine('wasm-simd', { threads: 1 }).threads).toBe(1);
    expect(createEngine('reference').threads).toBe(1);
    vi.stubEnv('TOPKAST_THREADS', 'two');
    expect(() => createEngine('wasm-simd')).toThrow(
      /TOPKAST_THREADS=two is not a thread count: use a whole number/,
    );
  });

  test('refuses thread counts it cannot run', () => {
    expect(() => createEngine('wasm-simd', { threads: 0 })).toThrow(/threads is not a thread count/);
    expect(() => createEngine('wasm-simd', { threads: 1.5 })).toThrow(/threads is not a thread count/);
    expect(() => createEngine('reference', { threads: 2 })).toThrow(
      /the reference backend runs on one thread, not 2: use a wasm backend or threads: 1/,
    );
  });
});

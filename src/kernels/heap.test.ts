import { describe, expect, it } from 'vitest';
import { createSharedMemory, Heap } from './heap.js';

const PAGE = 65536;

describe('Heap', () => {
  it('hands out zeroed, 64-byte aligned views above its base', () => {
    const heap = new Heap(createSharedMemory(1), 100);
    const a = heap.allocF32(3);
    const b = heap.allocI32(5);
    expect(a.byteOffset).toBe(128);
    expect(b.byteOffset).toBe(192);
    expect(Array.from(a)).toEqual([0, 0, 0]);
    expect(Array.from(b)).toEqual([0, 0, 0, 0, 0]);
    expect(heap.allocatedBytes).toBe(128);
  });

  it('keeps earlier views valid and in the heap when the memory grows', () => {
    const memory = createSharedMemory(1);
    const heap = new Heap(memory, 0);
    const before = heap.allocF32(4);
    before.set([1, 2, 3, 4]);
    const big = heap.allocF32(3 * PAGE); // 12 pages: forces growth
    expect(memory.buffer.byteLength).toBeGreaterThanOrEqual(13 * PAGE);
    expect(big.buffer).not.toBe(before.buffer);
    expect(Array.from(before)).toEqual([1, 2, 3, 4]);
    // Both views alias the same memory: a write through a new view is seen through the old one.
    new Float32Array(memory.buffer, before.byteOffset, 4)[2] = 30;
    expect(before[2]).toBe(30);
    expect(heap.owns(before)).toBe(true);
    expect(heap.owns(big)).toBe(true);
    expect(heap.ptr(before)).toBe(before.byteOffset);
  });

  it('zeroes reused blocks from the size setZeroing names through its function, and on its own after null', () => {
    const heap = new Heap(createSharedMemory(1), 0);
    const zeroed: number[] = [];
    heap.setZeroing((ptr, bytes) => {
      zeroed.push(bytes);
      new Float32Array(heap.memory.buffer, ptr, bytes / 4).fill(0);
    }, 4096);
    for (const n of [16, 1024, 2000]) heap.free(heap.allocF32(n).fill(5));
    const reused = [16, 1024, 2000].map((n) => heap.allocF32(n));
    expect(zeroed).toEqual([4096, 8000]); // 1024 and 2000 floats; 16 floats (64 bytes) are zeroed by the heap itself
    for (const view of reused) expect(view.every((v) => v === 0)).toBe(true);
    heap.setZeroing(null);
    heap.free(reused[2].fill(3));
    expect(heap.allocF32(2000).every((v) => v === 0)).toBe(true);
    expect(zeroed).toHaveLength(2);
  });

  it('reuses freed blocks of the same size, zeroed, and stops growing', () => {
    const heap = new Heap(createSharedMemory(1), 0);
    const first = heap.allocF32(10);
    first.fill(7);
    const reserved = heap.reservedBytes;
    heap.free(first);
    expect(heap.allocatedBytes).toBe(0);
    const second = heap.allocF32(10);
    expect(second.byteOffset).toBe(first.byteOffset);
    expect(Array.from(second)).toEqual(new Array(10).fill(0));
    expect(heap.reservedBytes).toBe(reserved);
    const other = heap.allocF32(100); // a different size is not served from that free list
    expect(other.byteOffset).toBeGreaterThanOrEqual(reserved);
  });

  it('refuses arrays that are not in its memory', () => {
    const heap = new Heap(createSharedMemory(1), 0);
    const foreign = new Float32Array(createSharedMemory(1).buffer, 0, 4);
    expect(heap.owns(new Float32Array(4))).toBe(false);
    expect(heap.owns(foreign)).toBe(false);
    expect(() => heap.ptr(new Float32Array(4))).toThrow(/not in the kernel heap/);
    expect(() => heap.ptr(foreign)).toThrow(/allocF32/);
  });

  it('rejects sizes that are not whole non-negative numbers', () => {
    const heap = new Heap(createSharedMemory(1), 0);
    expect(() => heap.allocF32(-1)).toThrow(/cannot allocate -4 bytes/);
    expect(() => heap.allocU8(1.5)).toThrow(/cannot allocate/);
  });
});

// Scratch space of the kernels: a fixed region right above the module's static data. heapBase() reports its
// end, so the host heap never hands it out, and no kernel allocates or grows memory on its own.
//
// The region is per module instance only if each instance is given its own (see setScratch): a worker that
// instantiates the kernels on the same shared memory must point its instance at a region it allocated.

import { MATMUL_SCRATCH_BYTES } from './matmulPack';

/** Bytes of scratch the kernels need: the matmul packing buffers. */
export const SCRATCH_BYTES: usize = MATMUL_SCRATCH_BYTES;

const ALIGN: usize = 64;

let scratch: usize = (__heap_base + ALIGN - 1) & ~(ALIGN - 1);

/** The first byte of this instance's scratch region (64-byte aligned). */
export function scratchStart(): usize {
  return scratch;
}

/** Bytes a scratch region must have, for a host allocating one per worker (see setScratch). */
export function scratchBytes(): usize {
  return SCRATCH_BYTES;
}

/** Points this instance at another scratch region of scratchBytes() bytes (a worker's own, 64-byte aligned). */
export function setScratch(start: usize): void {
  scratch = start;
}

/** The first byte above the default scratch region: where the host heap may start. */
export function scratchEnd(): usize {
  return ((__heap_base + ALIGN - 1) & ~(ALIGN - 1)) + SCRATCH_BYTES;
}

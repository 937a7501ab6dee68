/**
 * Node 20's V8 implements relaxed SIMD (fused multiply-add: matmul 48–51 instead of 36–39 GFLOP/s here)
 * but only behind a flag; Node 22 and current browsers have it on. Programs that own their process (the CLI,
 * the benchmarks) call this before the first engine is created, so 'auto' can pick the relaxed build.
 * A library leaves the choice to its host and does not call it.
 */
import { setFlagsFromString } from 'node:v8';

export function enableRelaxedSimd(): void {
  setFlagsFromString('--experimental-wasm-relaxed-simd');
}

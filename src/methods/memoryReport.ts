/**
 * The bytes a run holds for its model, by part, against the dense run's total (../../shared/DESIGN.md, "Every
 * figure means what it says": memory totals include θ, indices and scratch). Activations are left out of
 * every figure, sparse and dense alike: both runs hold the same ones.
 */
import type { Module } from '../nn/module.js';
import { denseKernelChoice } from '../sparse/sparseMatmul.js';
import { SparseWeight, type SparseWeightMemory } from '../sparse/sparseWeight.js';
import type { DistributionName } from './distribution.js';
import { weightProducts } from './trainingFlops.js';

export interface MemoryReport extends SparseWeightMemory {
  /**
   * Buffers kept for the life of the run besides the weights: the exact top-k's key scratch (4 bytes per
   * entry of the largest selection, kept by the process), Spartan's float64 arrays and solutions.
   */
  scratchBytes: number;
  /**
   * The most a step allocates and frees again: masked dense weights of layers that run the dense kernels
   * (held from forward to backward, all such layers at once), one dense weight gradient buffer, and RigL's
   * dense gradients of every sparse layer on its update steps.
   */
  stepBufferBytes: number;
  /** hot + master + index + scratch + step buffers: everything the run holds for the model at its peak. */
  totalBytes: number;
  /** The dense run's total: every parameter's values, gradients and the same optimizer state arrays. */
  denseEquivalentBytes: number;
}

/** The parts of every trainable: sparse weights' hot, master and index bytes; dense parameters' hot bytes. */
export function trainablesMemory(model: Module): MemoryReport {
  const total = emptyMemory();
  for (const trainable of model.trainables()) {
    if (trainable instanceof SparseWeight) {
      const m = trainable.memory();
      total.hotBytes += m.hotBytes;
      total.masterBytes += m.masterBytes;
      total.indexBytes += m.indexBytes;
      total.denseEquivalentBytes += m.denseEquivalentBytes;
    } else {
      const bytes = 4 * trainable.values.length * (2 + trainable.state.size);
      total.hotBytes += bytes;
      total.denseEquivalentBytes += bytes;
    }
  }
  return withTotal(total);
}

export interface SetBasedMemoryOptions {
  distribution: DistributionName;
  /** Whether the method forms every sparse layer's dense gradient on some steps (RigL). */
  denseGradients: boolean;
}

/**
 * The memory of a run whose sparse layers are SparseWeights with sets chosen by exact top-k (Top-KAST and the
 * set-based baselines): the trainables, the top-k scratch (the largest layer, or every sparse layer at once
 * under the global distribution, which ranks them together), and the step buffers (see MemoryReport).
 */
export function setBasedMemory(model: Module, options: SetBasedMemoryOptions): MemoryReport {
  const memory = trainablesMemory(model);
  const sparse = model.trainables().filter((t): t is SparseWeight => t instanceof SparseWeight);
  if (sparse.length === 0) return memory;
  const sizes = sparse.map((w) => w.size);
  const sum = sizes.reduce((a, b) => a + b, 0);
  memory.scratchBytes = 4 * (options.distribution === 'global' ? sum : Math.max(...sizes));
  let maskedWeights = 0;
  let denseGradient = 0;
  for (const { weight } of weightProducts(model)) {
    if (!(weight instanceof SparseWeight)) continue;
    const dense = denseKernelChoice(weight);
    if (dense.forward) maskedWeights += 4 * weight.size;
    if (dense.backward) denseGradient = Math.max(denseGradient, 4 * weight.size);
  }
  memory.stepBufferBytes = maskedWeights + denseGradient + (options.denseGradients ? 4 * sum : 0);
  return withTotal(memory);
}

export function emptyMemory(): MemoryReport {
  return {
    hotBytes: 0,
    masterBytes: 0,
    indexBytes: 0,
    scratchBytes: 0,
    stepBufferBytes: 0,
    totalBytes: 0,
    denseEquivalentBytes: 0,
  };
}

/** The report with totalBytes set to the sum of its parts. */
export function withTotal(memory: MemoryReport): MemoryReport {
  const { hotBytes, masterBytes, indexBytes, scratchBytes, stepBufferBytes } = memory;
  return { ...memory, totalBytes: hotBytes + masterBytes + indexBytes + scratchBytes + stepBufferBytes };
}

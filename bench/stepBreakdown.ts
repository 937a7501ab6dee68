/**
 * Where a training step's time goes: every kernel of the engine is wrapped with a timer for a few steps of the
 * bench's MLP (784-2048-2048-10, batch 128, SGD momentum) or transformer (4 layers, d 256, context 128, batch 8,
 * AdamW), so the table shows the three sparse products next to everything that does not shrink with the
 * density (attention, bias + activation, layer norm, gathers, optimizer, embedding), and what runs outside any
 * kernel (the tape, bookkeeping, refreshes' JavaScript, allocation).
 */
import { createEngine, engine, useEngine } from '../src/kernels/engine.js';
import { createMethod } from '../src/methods/registry.js';
import { sparsify } from '../src/methods/sparsify.js';
import { mlp } from '../src/nn/mlp.js';
import type { Module } from '../src/nn/module.js';
import { transformer } from '../src/nn/transformer.js';
import { AdamW } from '../src/optim/adamw.js';
import { SGD } from '../src/optim/sgd.js';
import { Tensor } from '../src/tensor/tensor.js';
import { trainStep } from '../src/train/trainStep.js';
import { Random } from '../src/util/random.js';

export interface StepBreakdown {
  model: 'mlp' | 'transformer';
  /** 'dense' or 'topkast F%/B%'. */
  run: string;
  stepMs: number;
  /** Milliseconds per step in each kernel, largest first. */
  kernels: { kernel: string; ms: number }[];
  /** The step's time outside every kernel. */
  outsideKernelsMs: number;
}

/** Mean per-step kernel times over `steps` steps (after two untimed ones), on a fresh one-thread engine. */
export function benchStepBreakdown(
  model: 'mlp' | 'transformer',
  sparsity: { forward: number; backward: number } | null,
  steps = 10,
): StepBreakdown {
  const previous = engine();
  const timed = createEngine('auto', { threads: 1 });
  const times = new Map<string, number>();
  let on = false;
  for (const kernels of [timed.kernels, timed.sparse] as unknown as Record<string, unknown>[]) {
    for (const [name, fn] of Object.entries(kernels)) {
      if (typeof fn !== 'function') continue;
      kernels[name] = (...args: unknown[]) => {
        if (!on) return fn(...args);
        const start = performance.now();
        const result = fn(...args);
        times.set(name, (times.get(name) ?? 0) + performance.now() - start);
        return result;
      };
    }
  }
  useEngine(timed);
  const { net, x, labels, lr, denseLayers } = build(model);
  const method = sparsity
    ? createMethod('topkast', { sparsity: sparsity.forward, backwardSparsity: sparsity.backward })
    : createMethod('dense', { sparsity: 0 });
  const hooks = sparsify(net, { method, denseLayers, totalSteps: 1000, seed: 1 });
  // After sparsify: the optimizer steps the sparse weights' values, not the dense parameters they replaced.
  const optimizer =
    model === 'mlp' ? new SGD(net.trainables(), { lr, momentum: 0.9 }) : new AdamW(net.trainables(), { lr });
  for (let step = 0; step < 2; step++) trainStep({ model: net, optimizer, x, labels, step, lr, hooks });
  on = true;
  const start = performance.now();
  for (let step = 2; step < 2 + steps; step++)
    trainStep({ model: net, optimizer, x, labels, step, lr, hooks });
  const stepMs = (performance.now() - start) / steps;
  on = false;
  net.dispose?.();
  useEngine(previous);
  const kernels = [...times].map(([kernel, ms]) => ({ kernel, ms: ms / steps })).sort((a, b) => b.ms - a.ms);
  const inKernels = kernels.reduce((total, k) => total + k.ms, 0);
  const run = sparsity ? `topkast ${sparsity.forward * 100}%/${sparsity.backward * 100}%` : 'dense';
  return { model, run, stepMs, kernels, outsideKernelsMs: stepMs - inKernels };
}

function build(model: 'mlp' | 'transformer') {
  const random = new Random(1);
  const { heap } = engine();
  if (model === 'mlp') {
    const net: Module = mlp({ inputs: 784, hidden: [2048, 2048], outputs: 10, activation: 'relu', seed: 1 });
    const x = Tensor.zeros([784, 128]);
    for (let i = 0; i < x.size; i++) x.data[i] = random.next();
    const labels = heap.allocI32(128);
    for (let b = 0; b < 128; b++) labels[b] = random.nextInt(10);
    return { net, x, labels, lr: 0.01, denseLayers: ['last'] };
  }
  const net: Module = transformer({ vocab: 81, layers: 4, dModel: 256, heads: 4, context: 128, seed: 1 });
  const x = Tensor.zeros([128, 8]);
  const labels = heap.allocI32(1024);
  for (let i = 0; i < x.size; i++) {
    x.data[i] = random.nextInt(81);
    labels[i] = random.nextInt(81);
  }
  return { net, x, labels, lr: 1e-3, denseLayers: ['head'] };
}

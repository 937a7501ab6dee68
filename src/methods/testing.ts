/**
 * Small fixtures for the method tests: a tiny MLP made sparse by a method, fixed random batches, and snapshots
 * of a run that can be restored into a fresh model. Stepping a tiny run through trainStep is
 * ../train/testing.ts's (the train layer sits above this one).
 */
import { engine, type KernelChoice, setKernelChoice } from '../kernels/engine.js';
import { mlp } from '../nn/mlp.js';
import type { Module } from '../nn/module.js';
import { AdamW } from '../optim/adamw.js';
import type { Optimizer, OptimizerState } from '../optim/optimizer.js';
import { SGD } from '../optim/sgd.js';
import { SparseWeight } from '../sparse/sparseWeight.js';
import { Tensor } from '../tensor/tensor.js';
import { Random } from '../util/random.js';
import type { ControllerState, MethodController, TrainingMethod } from './controller.js';
import type { DistributionName } from './distribution.js';
import type { SetBasedController } from './setBasedController.js';
import { sparsify } from './sparsify.js';

export type OptimizerChoice = 'sgd' | 'sgd-momentum' | 'adamw';

export interface Batch {
  x: Tensor;
  labels: Int32Array;
}

export interface TinyRunOptions<Controller extends MethodController = MethodController> {
  method: TrainingMethod<Controller>;
  optimizer: OptimizerChoice;
  totalSteps: number;
  /** Default ['none']: every layer sparse. */
  denseLayers?: readonly string[];
  distribution?: DistributionName;
  /** Seed of the weights, the data and the method's draws; default 1. */
  seed?: number;
  /** Default [12, 16, 16, 4]. */
  widths?: readonly number[];
  learningRate?: number;
  /**
   * The engine's kernel choice while the run lives (default: the sparse kernels at these densities);
   * `denseKernels` runs dense ones on masks.
   */
  kernelChoice?: Partial<KernelChoice>;
}

/** Sparse layers on the dense kernels (masked weights): the numbers of a dense model with the same mask. */
export const denseKernels: KernelChoice = { forwardDenseAbove: 0, backwardDenseAbove: 0 };

export interface TinyRun<Controller extends MethodController = SetBasedController> {
  model: Module;
  controller: Controller;
  optimizer: Optimizer;
  batches: Batch[];
  learningRate: number;
  dispose(): void;
}

/**
 * A ReLU MLP made sparse by the method, its optimizer, and four fixed batches of 8 random examples; the
 * engine's kernel choice is the options' until dispose().
 */
export function tinyRun<Controller extends MethodController>(
  options: TinyRunOptions<Controller>,
): TinyRun<Controller> {
  const seed = options.seed ?? 1;
  const previousChoice = setKernelChoice(options.kernelChoice ?? {});
  const [inputs, ...rest] = options.widths ?? [12, 16, 16, 4];
  const outputs = rest[rest.length - 1];
  const model = mlp({ inputs, hidden: rest.slice(0, -1), outputs, activation: 'relu', seed });
  const controller = sparsify(model, {
    method: options.method,
    distribution: options.distribution,
    denseLayers: options.denseLayers ?? ['none'],
    totalSteps: options.totalSteps,
    seed,
  });
  const learningRate = options.learningRate ?? (options.optimizer === 'adamw' ? 0.01 : 0.05);
  const optimizer = createOptimizer(model, options.optimizer, learningRate);
  const batches = randomBatches(inputs, outputs, 4, 8, seed);
  return {
    model,
    controller,
    optimizer,
    batches,
    learningRate,
    dispose() {
      setKernelChoice(previousChoice);
      model.dispose?.();
      for (const batch of batches) {
        batch.x.dispose();
        engine().heap.free(batch.labels);
      }
    },
  };
}

function createOptimizer(model: Module, choice: OptimizerChoice, lr: number): Optimizer {
  const trainables = model.trainables();
  if (choice === 'adamw') return new AdamW(trainables, { lr, weightDecay: 0.01 });
  if (choice === 'sgd-momentum') return new SGD(trainables, { lr, momentum: 0.9, weightDecay: 1e-3 });
  return new SGD(trainables, { lr });
}

/** `count` batches of uniform inputs in (−1, 1), feature-major [inputs, batch], and uniform labels. */
export function randomBatches(inputs: number, classes: number, count: number, batch: number, seed: number) {
  const random = new Random(seed).fork('data');
  return Array.from({ length: count }, () => {
    const x = Tensor.zeros([inputs, batch]);
    for (let i = 0; i < x.size; i++) x.data[i] = 2 * random.next() - 1;
    const labels = engine().heap.allocI32(batch);
    for (let b = 0; b < batch; b++) labels[b] = random.nextInt(classes);
    return { x, labels };
  });
}

/** A trainable's saved state: θ and the sets for a sparse weight, the values for a dense one; state arrays. */
interface TrainableSnapshot {
  values: Float32Array;
  forward?: Int32Array;
  backward?: Int32Array;
  state: Map<string, Float32Array>;
}

export interface RunSnapshot {
  trainables: TrainableSnapshot[];
  optimizer: OptimizerState;
  controller: ControllerState;
}

/** Copies everything a checkpoint holds: per trainable θ (or values), sets, optimizer state arrays. */
export function snapshotRun(run: TinyRun<MethodController>): RunSnapshot {
  const trainables = run.model.trainables().map((t): TrainableSnapshot => {
    const state = new Map([...t.state].map(([key, array]) => [key, Float32Array.from(array)]));
    if (!(t instanceof SparseWeight)) return { values: Float32Array.from(t.values), state };
    return {
      values: Float32Array.from(t.syncTheta()),
      forward: t.forwardIndices().slice(),
      backward: t.backwardIndices().slice(),
      state,
    };
  });
  return { trainables, optimizer: run.optimizer.getState(), controller: run.controller.getState() };
}

/** Puts a snapshot into a run of the same model: sets and θ first, then B's values and the state arrays. */
export function restoreRun(run: TinyRun<MethodController>, snapshot: RunSnapshot): void {
  run.model.trainables().forEach((t, i) => {
    const saved = snapshot.trainables[i];
    if (t instanceof SparseWeight) {
      if (!saved.forward || !saved.backward) throw new Error(`snapshot of ${t.name} holds no sets`);
      t.setSets(saved.forward, saved.backward);
      t.loadTheta(saved.values);
    } else {
      t.values.set(saved.values);
    }
    for (const [key, array] of saved.state) {
      let target = t.state.get(key);
      if (!target) {
        target = engine().heap.allocF32(array.length);
        t.state.set(key, target);
      }
      target.set(array);
    }
  });
  run.optimizer.setState(snapshot.optimizer);
  run.controller.setState(snapshot.controller);
}

/** Whether an ascending index list holds `flat`. */
export { containsIndex as holds } from '../sparse/sortedIndices.js';

/** A 4×5 weight with A = B = the even entries, |θ| = 0.1, 0.2, …, 1.0 in index order; odd entries inactive. */
export function dropAndGrowWeight(): SparseWeight {
  const theta = new Float32Array(20).fill(0.05);
  for (let k = 0; k < 10; k++) theta[2 * k] = (k % 2 === 0 ? 1 : -1) * (k + 1) * 0.1;
  const active = Int32Array.from({ length: 10 }, (_, k) => 2 * k);
  return new SparseWeight({ name: 'w', rows: 4, cols: 5, theta, forward: active, backward: active });
}

/** The context of the first mask update (step 99 of 400: t = 100, T_end = 300, f = 0.15·(1 + cos(π/3)) = 0.225). */
export function firstUpdate(random: Random) {
  return { step: 99, totalSteps: 400, budget: { forwardCount: 10, backwardCount: 10 }, random };
}

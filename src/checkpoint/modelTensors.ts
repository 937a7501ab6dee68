/**
 * A model's training state as named tensors, and back. For every sparse weight `<name>`:
 *   <name>.theta                 F32 [rows, cols]  θ, the dense master copy, up to date (after syncTheta)
 *   <name>.forward.indptr/indices   I32            the forward set A in CSR
 *   <name>.backward.indptr/indices  I32            the backward set B in CSR
 *   <name>.values                F32 [|B|]         B's values in B's CSR order (ascending flat index)
 *   <name>.state.<key>           F32 [|B|]         each optimizer state array, in the same order
 * and for every dense trainable `<name>` (F32, its shape) and `<name>.state.<key>`.
 *
 * Only SparseWeight's public contract is used (theta, syncTheta, setSets with flat indices, values and state
 * in the entry order `entryIndices` gives), so the file format does not depend on how B is laid out inside.
 */
import { engine } from '../kernels/engine.js';
import type { Module } from '../nn/module.js';
import { Parameter } from '../nn/parameter.js';
import { SparseWeight } from '../sparse/sparseWeight.js';
import type { Trainable } from '../tensor/trainable.js';
import { escapeControl } from '../util/safeText.js';
import { csrTensors, flatFromCsr } from './csrTensors.js';
import type { NamedTensor } from './safetensors.js';
import { requireTensor } from './tensorChecks.js';

/** Every trainable's values, sets and optimizer state as tensors, in the model's trainable order. */
export function modelTensors(model: Module): NamedTensor[] {
  return model
    .trainables()
    .flatMap((trainable) =>
      trainable instanceof SparseWeight ? sparseTensors(trainable) : denseTensors(trainable),
    );
}

/**
 * Loads tensors from modelTensors into a model of the same architecture (built from the same config),
 * replacing its values, sets and optimizer state. Throws, naming `source`, when a tensor is missing, has the
 * wrong shape, a set is malformed, θ disagrees with B's values, or a tensor belongs to no trainable.
 */
export function restoreModel(model: Module, tensors: readonly NamedTensor[], source: string): void {
  const byName = new Map(tensors.map((tensor) => [tensor.name, tensor]));
  const take: Take = (name, dtype, shape) => {
    const tensor = byName.get(name);
    if (tensor === undefined) {
      throw new Error(`${escapeControl(source)} has no tensor ${name}: it is not a checkpoint of this model`);
    }
    requireTensor(tensor, name, dtype, shape, source);
    byName.delete(name);
    return tensor.data;
  };
  for (const trainable of model.trainables()) {
    if (trainable instanceof SparseWeight) restoreSparse(trainable, take, source);
    else trainable.values.set(take(trainable.name, 'F32', trainableShape(trainable)) as Float32Array);
    restoreState(trainable, byName, take);
  }
  const extra = [...byName.keys()];
  if (extra.length > 0) {
    throw new Error(
      `${escapeControl(source)} has tensors no trainable of this model owns (${extra.slice(0, 3).map(escapeControl).join(', ')}…)`,
    );
  }
}

type Take = (name: string, dtype: 'F32' | 'I32', shape: readonly number[] | undefined) => NamedTensor['data'];

/** The shape a dense trainable is saved with: its tensor's shape, or [its size]. */
export function trainableShape(trainable: Trainable): readonly number[] {
  return trainable instanceof Parameter ? trainable.tensor.shape : [trainable.values.length];
}

function denseTensors(trainable: Trainable): NamedTensor[] {
  const shape = trainableShape(trainable);
  return [
    { name: trainable.name, dtype: 'F32', shape, data: Float32Array.from(trainable.values) },
    ...stateTensors(trainable, (array) => Float32Array.from(array)),
  ];
}

function sparseTensors(weight: SparseWeight): NamedTensor[] {
  const { name, rows, cols } = weight;
  const order = ascendingEntryOrder(weight.entryIndices);
  const backward = Int32Array.from(weight.backwardIndices());
  const forward = Int32Array.from(weight.forwardIndices());
  const inOrder = (array: Float32Array) => Float32Array.from(order, (p) => array[p]!);
  return [
    { name: `${name}.theta`, dtype: 'F32', shape: [rows, cols], data: Float32Array.from(weight.syncTheta()) },
    ...csrTensors(`${name}.forward`, forward, rows, cols),
    ...csrTensors(`${name}.backward`, backward, rows, cols),
    { name: `${name}.values`, dtype: 'F32', shape: [backward.length], data: inOrder(weight.values) },
    ...stateTensors(weight, inOrder),
  ];
}

/** `<name>.state.<key>` for each state array, keys sorted so the file does not depend on creation order. */
function stateTensors(trainable: Trainable, convert: (array: Float32Array) => Float32Array): NamedTensor[] {
  return [...trainable.state.keys()].sort().map((key) => {
    const data = convert(trainable.state.get(key)!);
    return { name: `${trainable.name}.state.${key}`, dtype: 'F32', shape: [data.length], data };
  });
}

function restoreSparse(weight: SparseWeight, take: Take, source: string): void {
  const { name, rows, cols } = weight;
  const set = (which: string) =>
    flatFromCsr(
      take(`${name}.${which}.indptr`, 'I32', [rows + 1]) as Int32Array,
      take(`${name}.${which}.indices`, 'I32', undefined) as Int32Array,
      rows,
      cols,
      `${source}: ${name}.${which}`,
    );
  const forward = set('forward');
  const backward = set('backward');
  const theta = take(`${name}.theta`, 'F32', [rows, cols]) as Float32Array;
  const values = take(`${name}.values`, 'F32', [backward.length]) as Float32Array;
  for (let q = 0; q < backward.length; q++) {
    if (!Object.is(theta[backward[q]!], values[q])) {
      throw new Error(
        `${source}: ${name}.theta and ${name}.values disagree at entry ${q}: the file is inconsistent`,
      );
    }
  }
  // Make the current B agree with the saved θ, so setSets' write-back keeps θ, and its read gives B's values.
  const current = weight.entryIndices;
  for (let p = 0; p < current.length; p++) weight.values[p] = theta[current[p]!]!;
  weight.theta.set(theta);
  try {
    weight.setSets(forward, backward);
  } catch (error) {
    throw new Error(`${source}: ${(error as Error).message}`);
  }
}

/** Replaces the trainable's state arrays with the file's `<name>.state.*` tensors (in its entry order). */
function restoreState(trainable: Trainable, byName: ReadonlyMap<string, NamedTensor>, take: Take): void {
  const prefix = `${trainable.name}.state.`;
  const keys = [...byName.keys()]
    .filter((key) => key.startsWith(prefix))
    .map((key) => key.slice(prefix.length));
  const { heap } = engine();
  for (const [key, array] of trainable.state) {
    if (!keys.includes(key)) {
      heap.free(array);
      trainable.state.delete(key);
    }
  }
  const order = trainable instanceof SparseWeight ? ascendingEntryOrder(trainable.entryIndices) : null;
  const n = trainable.values.length;
  for (const key of keys) {
    const saved = take(`${prefix}${key}`, 'F32', [n]) as Float32Array;
    let array = trainable.state.get(key);
    if (array === undefined) {
      array = heap.allocF32(n);
      trainable.state.set(key, array);
    }
    if (order === null) array.set(saved);
    else for (let q = 0; q < n; q++) array[order[q]!] = saved[q]!;
  }
}

/** The entry positions sorted by flat index: order[q] is the entry with the q-th smallest flat index. */
function ascendingEntryOrder(flat: Int32Array): Int32Array {
  const order = Int32Array.from(flat, (_, p) => p);
  let sorted = true;
  for (let p = 1; p < flat.length && sorted; p++) sorted = flat[p - 1]! < flat[p]!;
  return sorted ? order : order.sort((a, b) => flat[a]! - flat[b]!);
}

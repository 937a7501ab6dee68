/**
 * Checks of the tensors of a checkpoint that hold whatever the config: what a crafted file with a recomputed
 * checksum could otherwise slip past the loaders. For every sparse weight `W` (modelTensors.ts):
 *   W.theta F32 [rows, cols]; W.forward.* and W.backward.* I32 CSR sets of that matrix (indptr [rows + 1]
 *   from 0, never decreasing, ending at the count; columns in [0, cols), ascending in each row); the forward
 *   set A inside the backward set B; W.values F32 [|B|], equal to θ at B's entries; W.state.<key> F32 [|B|];
 * for every dense trainable `P`: P F32 of any shape and P.state.<key> F32 of P's size; every F32 value finite
 * (a NaN or ±Infinity in weights or optimizer state is refused, naming the tensor and the entry); every name
 * made of letters, digits, '_' and '.'; optimizer state keys only those the config's optimizer and method keep.
 * Each error is one line naming the file and the tensor.
 */

import { CHURN_REFERENCE_KEY, FROZEN_MASK_KEY } from '../methods/softMaskController.js';
import { firstNonFinite } from '../util/checks.js';
import { escapeControl, quoteValue } from '../util/safeText.js';
import { flatFromCsr } from './csrTensors.js';
import type { NamedTensor } from './safetensors.js';

/**
 * The state keys each optimizer keeps (src/optim), and those Spartan kept in its weights' state in checkpoints
 * written before its masks became controller state (still read: softMaskController.ts).
 */
const stateKeys = {
  sgd: ['velocity'],
  adamw: ['firstMoment', 'secondMoment'],
  spartan: [FROZEN_MASK_KEY, CHURN_REFERENCE_KEY],
} as const;

const TENSOR_NAME = /^[A-Za-z_][\w]*(\.[\w]+)*$/;

/** What the checks need of the run: its config, and the optimizer steps taken (its state exists after one). */
export interface TensorCheckConfig {
  readonly optimizer: 'sgd' | 'adamw';
  readonly momentum: number;
  readonly method: string;
  readonly optimizerSteps: number;
}

/** Throws, naming `source` and the tensor, unless every F32/F64 value of the tensor is finite. */
export function requireFinite(tensor: NamedTensor, source: string): void {
  if (tensor.dtype !== 'F32' && tensor.dtype !== 'F64') return;
  const at = firstNonFinite(tensor.data as Float32Array | Float64Array);
  if (at >= 0) {
    throw new Error(
      `${escapeControl(source)}: tensor ${escapeControl(tensor.name)} holds ${tensor.data[at]} at entry ${at}: a model with non-finite values cannot be used (the run diverged, or the file was edited)`,
    );
  }
}

/** Throws unless the tensor has this dtype and exactly this shape. */
export function requireTensor(
  tensor: NamedTensor | undefined,
  name: string,
  dtype: NamedTensor['dtype'],
  shape: readonly number[] | undefined,
  source: string,
): NamedTensor {
  const where = `${escapeControl(source)}: tensor ${escapeControl(name)}`;
  if (tensor === undefined) throw new Error(`${where} is missing: the file is incomplete`);
  if (tensor.dtype !== dtype) throw new Error(`${where} is ${tensor.dtype}; it must be ${dtype}`);
  if (shape !== undefined && !sameShape(tensor.shape, shape)) {
    throw new Error(`${where} has shape [${tensor.shape}]; it must be [${shape}]`);
  }
  return tensor;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((n, i) => n === b[i]);
}

/** Checks a checkpoint's tensors (see the module comment); throws, naming `source`, at the first problem. */
export function checkCheckpointTensors(
  tensors: readonly NamedTensor[],
  config: TensorCheckConfig,
  source: string,
): void {
  const byName = new Map(tensors.map((tensor) => [tensor.name, tensor]));
  const allowed = new Set<string>([
    ...stateKeys[config.optimizer],
    ...(config.method === 'spartan' ? stateKeys.spartan : []),
  ]);
  const keeps = config.optimizer === 'adamw' || config.momentum > 0;
  const required = config.optimizerSteps > 0 && keeps ? stateKeys[config.optimizer] : [];
  const owned = new Set<string>();
  for (const tensor of tensors) {
    if (!TENSOR_NAME.test(tensor.name)) {
      throw new Error(
        `${escapeControl(source)}: tensor name ${quoteValue(tensor.name)} is not one topkast writes`,
      );
    }
    requireFinite(tensor, source);
  }
  // Sparse weights first, so their parts are theirs whatever order the file lists them in.
  const thetaFirst = [...tensors].sort(
    (a, b) => Number(b.name.endsWith('.theta')) - Number(a.name.endsWith('.theta')),
  );
  for (const tensor of thetaFirst) {
    const { name } = tensor;
    if (name.includes('.state.') || owned.has(name)) continue;
    if (name.endsWith('.theta')) {
      const weight = name.slice(0, -'.theta'.length);
      const entries = checkSparseWeight(weight, byName, source);
      for (const part of SPARSE_PARTS) owned.add(`${weight}${part}`);
      checkState(weight, entries, byName, { allowed, required }, owned, source);
    } else {
      requireTensor(tensor, name, 'F32', undefined, source);
      owned.add(name);
      checkState(name, tensor.data.length, byName, { allowed, required }, owned, source);
    }
  }
  const stray = tensors.find((tensor) => !owned.has(tensor.name));
  if (stray) {
    throw new Error(
      `${escapeControl(source)}: tensor ${escapeControl(stray.name)} belongs to no weight of the file: it is not a checkpoint topkast writes`,
    );
  }
}

const SPARSE_PARTS = [
  '.theta',
  '.forward.indptr',
  '.forward.indices',
  '.backward.indptr',
  '.backward.indices',
  '.values',
];

/** Checks a sparse weight's tensors; returns |B|. */
function checkSparseWeight(weight: string, byName: ReadonlyMap<string, NamedTensor>, source: string): number {
  const name = escapeControl(weight);
  const theta = requireTensor(byName.get(`${weight}.theta`), `${weight}.theta`, 'F32', undefined, source);
  if (theta.shape.length !== 2) {
    throw new Error(
      `${escapeControl(source)}: tensor ${name}.theta has shape [${theta.shape}]; it must be [rows, cols]`,
    );
  }
  const [rows, cols] = theta.shape as [number, number];
  const set = (which: string): Int32Array => {
    const indptr = requireTensor(
      byName.get(`${weight}.${which}.indptr`),
      `${weight}.${which}.indptr`,
      'I32',
      [rows + 1],
      source,
    );
    const indices = byName.get(`${weight}.${which}.indices`);
    requireTensor(indices, `${weight}.${which}.indices`, 'I32', [indices?.data.length ?? 0], source);
    return flatFromCsr(
      indptr.data as Int32Array,
      indices!.data as Int32Array,
      rows,
      cols,
      `${escapeControl(source)}: ${name}.${which}`,
    );
  };
  const forward = set('forward');
  const backward = set('backward');
  const outside = firstOutside(forward, backward);
  if (outside >= 0) {
    throw new Error(
      `${escapeControl(source)}: ${name}'s forward set has entry ${outside} (row ${Math.floor(outside / cols)}, column ${outside % cols}) outside its backward set: A must be inside B`,
    );
  }
  const values = requireTensor(
    byName.get(`${weight}.values`),
    `${weight}.values`,
    'F32',
    [backward.length],
    source,
  );
  const thetaData = theta.data as Float32Array;
  for (let q = 0; q < backward.length; q++) {
    if (!Object.is(thetaData[backward[q]!], values.data[q])) {
      throw new Error(
        `${escapeControl(source)}: ${name}.theta and ${name}.values disagree at entry ${q}: the file is inconsistent`,
      );
    }
  }
  return backward.length;
}

/** The first entry of sorted `inner` that sorted `outer` lacks, or -1. */
function firstOutside(inner: Int32Array, outer: Int32Array): number {
  let j = 0;
  for (const flat of inner) {
    while (j < outer.length && outer[j]! < flat) j++;
    if (j === outer.length || outer[j] !== flat) return flat;
  }
  return -1;
}

/** Checks the state tensors `<owner>.state.<key>`: allowed keys, the required ones present, F32 of `length` entries. */
function checkState(
  owner: string,
  length: number,
  byName: ReadonlyMap<string, NamedTensor>,
  keys: { readonly allowed: ReadonlySet<string>; readonly required: readonly string[] },
  owned: Set<string>,
  source: string,
): void {
  const { allowed, required } = keys;
  for (const key of required) {
    if (!byName.has(`${owner}.state.${key}`)) {
      throw new Error(
        `${escapeControl(source)}: tensor ${escapeControl(owner)}.state.${key} is missing: the optimizer's state must travel with the weights`,
      );
    }
  }
  const prefix = `${owner}.state.`;
  for (const [name, tensor] of byName) {
    if (!name.startsWith(prefix)) continue;
    const key = name.slice(prefix.length);
    if (!allowed.has(key)) {
      throw new Error(
        `${escapeControl(source)}: tensor ${escapeControl(name)} is state '${escapeControl(key)}', which this run's optimizer and method do not keep (${[...allowed].join(', ')})`,
      );
    }
    requireTensor(tensor, name, 'F32', [length], source);
    owned.add(name);
  }
}

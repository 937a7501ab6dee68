/**
 * A checkpoint file: the model's tensors (modelTensors.ts) and the run state (runState.ts) in one
 * checksummed safetensors file (checksummedFile.ts).
 */
import { readFileSync } from 'node:fs';
import type { Module } from '../nn/module.js';
import type { PeriodMetrics } from '../train/callbacks.js';
import { decodeChecksummed, encodeChecksummed } from './checksummedFile.js';
import { modelTensors } from './modelTensors.js';
import { decodeRunState, encodeRunState, type RunState } from './runState.js';
import type { NamedTensor } from './safetensors.js';

export interface Checkpoint {
  readonly state: RunState;
  /** What restoreModel loads into a model built from state.config. */
  readonly tensors: readonly NamedTensor[];
}

/** The bytes of a checkpoint of `model` at `state`. */
export function encodeCheckpoint(model: Module, state: RunState<PeriodMetrics>): Uint8Array {
  return encodeChecksummed(modelTensors(model), encodeRunState(state));
}

/** Decodes and checks a checkpoint's bytes; throws, naming `source`, unless it is whole and of this format. */
export function decodeCheckpoint(bytes: Uint8Array, source: string): Checkpoint {
  const { tensors, metadata } = decodeChecksummed(bytes, source);
  return { state: decodeRunState(metadata, source), tensors };
}

/** Reads and checks a checkpoint file. */
export function readCheckpoint(file: string): Checkpoint {
  return decodeCheckpoint(readFileSync(file), file);
}

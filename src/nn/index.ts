export { GELU, ReLU } from './activations.js';
export { initWeights, type WeightInit } from './init.js';
export { Linear, type LinearOptions } from './linear.js';
export { type MlpOptions, mlp } from './mlp.js';
export type { Module } from './module.js';
export { Parameter } from './parameter.js';
export { Sequential } from './sequential.js';
export type { Trainable } from './trainable.js';

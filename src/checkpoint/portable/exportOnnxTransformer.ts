/**
 * The transformer language model (src/nn/transformer.ts) as an ONNX model (opset 17): input `tokens` int64
 * [batch, T] (character ids, T = its context), output `logits` float [batch, T, vocab] (position t predicts
 * token t + 1). Activations are [batch, T, d_model], rows for positions:
 *
 *   h = Gather(E, tokens) + P                           the token and position tables
 *   block: h += Attention(LayerNormalization(h)),  h += W₂·GELU(W₁·LayerNormalization(h))
 *   Attention: q, k, v = MatMul(x, Wᵀ) + b, split into heads [batch, H, T, d_h];
 *              P = Softmax(q·kᵀ/√d_h + M) with M = −∞ above the diagonal (causal); o = P·v, merged, MatMul(o, W_oᵀ) + b_o
 *   logits = MatMul(LayerNormalization(h), W_headᵀ) + b (tied: Eᵀ)
 *
 * Linear weights are stored transposed ([in, out], for MatMul), under their topkast names; a sparse weight
 * holds its forward values and zeros elsewhere. Dropout is the identity at inference.
 */

import { GELU } from '../../nn/activations.js';
import { CausalSelfAttention } from '../../nn/attention.js';
import { Dropout } from '../../nn/dropout.js';
import type { Embedding } from '../../nn/embedding.js';
import { LayerNorm } from '../../nn/layerNorm.js';
import { Linear } from '../../nn/linear.js';
import type { Module } from '../../nn/module.js';
import type { Parameter } from '../../nn/parameter.js';
import { Residual } from '../../nn/residual.js';
import { Sequential } from '../../nn/sequential.js';
import type { Transformer } from '../../nn/transformer.js';
import { SparseWeight } from '../../sparse/sparseWeight.js';
import { encodeGraph, floatAttribute, GraphBuilder, intAttribute, intsAttribute } from './onnxGraph.js';
import { ONNX_FLOAT, ONNX_INT64 } from './onnxSchema.js';

const OPSET = 17;

/** The ONNX file of a transformer; `metadata` goes into metadata_props. */
export function exportTransformerOnnx(
  model: Transformer,
  metadata: Readonly<Record<string, string>>,
): Uint8Array {
  const { vocab, context } = model.options;
  const graph = new GraphBuilder();
  const table = (embedding: Embedding) => {
    const { name, data } = dense(embedding.weight);
    return graph.constant(name, [embedding.vocab, embedding.dim], data);
  };
  const tokens = table(model.tokens);
  let h = graph.node('Add', [graph.node('Gather', [tokens, 'tokens']), table(model.positions)]);
  h = emit(graph, model.blocks, h);
  h = emit(graph, model.finalNorm, h);
  const logits =
    model.head instanceof Linear
      ? linear(graph, model.head, h)
      : graph.node('Add', [
          graph.node('MatMul', [h, graph.node('Transpose', [tokens])]),
          parameter(graph, model.head.bias),
        ]);
  const io = {
    input: { name: 'tokens', type: ONNX_INT64, shape: ['batch', context] },
    output: { name: 'logits', type: ONNX_FLOAT, shape: ['batch', context, vocab] },
  };
  const doc = `input: token ids [batch, ${context}] (int64, the vocabulary in metadata); output: next-token logits [batch, ${context}, ${vocab}]`;
  return encodeGraph(graph, logits, io, OPSET, doc, metadata);
}

/** The graph of one module of the transformer, applied to `x` [batch, T, d]. */
function emit(graph: GraphBuilder, module: Module, x: string): string {
  if (module instanceof Sequential) return module.modules.reduce((y, inner) => emit(graph, inner, y), x);
  if (module instanceof Residual) return graph.node('Add', [x, emit(graph, module.inner, x)]);
  if (module instanceof LayerNorm) {
    const inputs = [x, parameter(graph, module.gain), parameter(graph, module.bias)];
    return graph.node('LayerNormalization', inputs, [
      intAttribute('axis', -1),
      floatAttribute('epsilon', module.eps),
    ]);
  }
  if (module instanceof CausalSelfAttention) return attention(graph, module, x);
  if (module instanceof Linear) return linear(graph, module, x);
  if (module instanceof GELU) return graph.gelu(x);
  if (module instanceof Dropout) return x;
  throw new Error(`cannot export a ${module.constructor.name} inside a transformer to ONNX`);
}

function attention(graph: GraphBuilder, layer: CausalSelfAttention, x: string): string {
  const { heads, context } = layer;
  const d = layer.query.outputs;
  const dh = d / heads;
  const split = (y: string, perm: number[]) =>
    graph.node(
      'Transpose',
      [graph.node('Reshape', [y, graph.int64s([0, 0, heads, dh])])],
      [intsAttribute('perm', perm)],
    );
  const q = split(linear(graph, layer.query, x), [0, 2, 1, 3]);
  const kT = split(linear(graph, layer.key, x), [0, 2, 3, 1]);
  const v = split(linear(graph, layer.value, x), [0, 2, 1, 3]);
  const mask = new Float32Array(context * context);
  for (let t = 0; t < context; t++)
    mask.fill(Number.NEGATIVE_INFINITY, t * context + t + 1, (t + 1) * context);
  const scores = graph.node('Mul', [graph.node('MatMul', [q, kT]), graph.scalar(1 / Math.sqrt(dh))]);
  const masked = graph.node('Add', [
    scores,
    graph.constant(`${layer.name}.causal_mask`, [context, context], mask),
  ]);
  const probabilities = graph.node('Softmax', [masked], [intAttribute('axis', -1)]);
  const mixed = graph.node(
    'Transpose',
    [graph.node('MatMul', [probabilities, v])],
    [intsAttribute('perm', [0, 2, 1, 3])],
  );
  return linear(graph, layer.output, graph.node('Reshape', [mixed, graph.int64s([0, 0, d])]));
}

/** MatMul(x, Wᵀ) + b, with Wᵀ [in, out] stored under the weight's name. */
function linear(graph: GraphBuilder, layer: Linear, x: string): string {
  const { name, data } = dense(layer.weight);
  const { inputs, outputs } = layer;
  const transposed = new Float32Array(data.length);
  for (let o = 0; o < outputs; o++)
    for (let i = 0; i < inputs; i++) transposed[i * outputs + o] = data[o * inputs + i]!;
  const product = graph.node('MatMul', [x, graph.constant(name, [inputs, outputs], transposed)]);
  return layer.bias ? graph.node('Add', [product, parameter(graph, layer.bias)]) : product;
}

/** A weight's forward values as a dense array (a sparse one: zeros outside its forward set). */
function dense(weight: Parameter | SparseWeight): { name: string; data: Float32Array } {
  const data = weight instanceof SparseWeight ? weight.forwardDense() : Float32Array.from(weight.values);
  return { name: weight.name, data };
}

function parameter(graph: GraphBuilder, parameter: Parameter): string {
  return graph.constant(parameter.name, [parameter.values.length], Float32Array.from(parameter.values));
}

/**
 * An image model as an ONNX model (opset 13, IR version 7): input `pixels` float [batch, C·H·W] (pixels/255,
 * one row per example), output `logits` float [batch, classes]. Each GraphLayer becomes standard operators:
 *
 *   normalize  Sub(x, mean), Div(·, std)          unflatten  Reshape to [batch, C, H, W]
 *   linear     Gemm(x, W, b, transB = 1)          conv2d     Conv(x, W [out, C, kh, kw], b, strides, pads)
 *   maxpool2d  MaxPool(kernel_shape, strides)     flatten    Flatten(axis = 1)
 *   relu       Relu                               gelu       its tanh formula in Mul, Add and Tanh
 *
 * Weights are dense initializers (a sparse weight's forward values, zeros elsewhere), so every runtime runs
 * the file; `metadata_props` records the normalisation and where the weights came from.
 */

import type { GraphLayer, ImageInput } from './layerGraph.js';
import { encodeGraph, GraphBuilder, intAttribute, intsAttribute } from './onnxGraph.js';
import { ONNX_FLOAT } from './onnxSchema.js';

const OPSET = 13;

function addLayer(graph: GraphBuilder, x: string, layer: GraphLayer): string {
  switch (layer.kind) {
    case 'normalize':
      return graph.node('Div', [graph.node('Sub', [x, graph.scalar(layer.mean)]), graph.scalar(layer.std)]);
    case 'unflatten':
      return graph.node('Reshape', [x, graph.int64s([-1, ...layer.shape])]);
    case 'flatten':
      return graph.node('Flatten', [x], [intAttribute('axis', 1)]);
    case 'relu':
      return graph.node('Relu', [x]);
    case 'gelu':
      return graph.gelu(x);
    case 'maxpool2d':
      return graph.node(
        'MaxPool',
        [x],
        [intsAttribute('kernel_shape', layer.kernel), intsAttribute('strides', layer.stride)],
      );
    case 'linear': {
      const inputs = [x, graph.constant(layer.weight.name, layer.weight.shape, layer.weight.data)];
      if (layer.bias) inputs.push(graph.constant(layer.bias.name, layer.bias.shape, layer.bias.data));
      return graph.node('Gemm', inputs, [intAttribute('transB', 1)]);
    }
    case 'conv2d': {
      const { weight, bias, stride, padding } = layer;
      const inputs = [x, graph.constant(weight.name, weight.shape, weight.data)];
      if (bias) inputs.push(graph.constant(bias.name, bias.shape, bias.data));
      return graph.node('Conv', inputs, [
        intsAttribute('kernel_shape', weight.shape.slice(2)),
        intsAttribute('strides', stride),
        intsAttribute('pads', [...padding, ...padding]),
      ]);
    }
  }
}

/** The ONNX file of the layers (layerGraph.ts); `metadata` goes into metadata_props. */
export function exportOnnx(
  layers: readonly GraphLayer[],
  input: ImageInput,
  classes: number,
  metadata: Readonly<Record<string, string>>,
): Uint8Array {
  const graph = new GraphBuilder();
  let x = 'pixels';
  for (const layer of layers) x = addLayer(graph, x, layer);
  const io = {
    input: { name: 'pixels', type: ONNX_FLOAT, shape: ['batch', input.features] },
    output: { name: 'logits', type: ONNX_FLOAT, shape: ['batch', classes] },
  };
  const doc = `input: pixels/255 in [0, 1], [batch, ${input.features}]; normalised inside (mean ${input.mean}, std ${input.std}); output: logits [batch, ${classes}]`;
  return encodeGraph(graph, x, io, OPSET, doc, metadata);
}

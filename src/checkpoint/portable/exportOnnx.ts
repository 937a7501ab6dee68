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
import { ATTRIBUTE_INT, ATTRIBUTE_INTS, encodeOnnxModel, ONNX_FLOAT, ONNX_INT64 } from './onnxSchema.js';

const OPSET = 13;
const IR_VERSION = 7;

type Attribute = { name: string; type: number; i?: number; ints?: number[] };

/** Builds the node list and initializers of one graph, naming intermediate values uniquely. */
class GraphBuilder {
  readonly nodes: Record<string, unknown>[] = [];
  readonly initializers: Record<string, unknown>[] = [];
  private count = 0;

  constant(name: string, dims: readonly number[], data: Float32Array | BigInt64Array): string {
    this.initializers.push({
      name,
      dims: [...dims],
      dataType: data instanceof Float32Array ? ONNX_FLOAT : ONNX_INT64,
      rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    });
    return name;
  }

  scalar(value: number): string {
    return this.constant(`const_${this.count++}`, [], Float32Array.of(value));
  }

  node(opType: string, inputs: readonly string[], attribute: Attribute[] = []): string {
    const output = `${opType.toLowerCase()}_${this.count++}`;
    this.nodes.push({ opType, name: output, input: [...inputs], output: [output], attribute });
    return output;
  }
}

const ints = (name: string, values: readonly number[]): Attribute => ({
  name,
  type: ATTRIBUTE_INTS,
  ints: [...values],
});

function addLayer(graph: GraphBuilder, x: string, layer: GraphLayer): string {
  switch (layer.kind) {
    case 'normalize':
      return graph.node('Div', [graph.node('Sub', [x, graph.scalar(layer.mean)]), graph.scalar(layer.std)]);
    case 'unflatten': {
      const shape = graph.constant(
        `shape_${layer.shape.join('x')}`,
        [4],
        BigInt64Array.of(-1n, ...layer.shape.map(BigInt)),
      );
      return graph.node('Reshape', [x, shape]);
    }
    case 'flatten':
      return graph.node('Flatten', [x], [{ name: 'axis', type: ATTRIBUTE_INT, i: 1 }]);
    case 'relu':
      return graph.node('Relu', [x]);
    case 'gelu': {
      const cube = graph.node('Mul', [graph.node('Mul', [x, x]), x]);
      const inner = graph.node('Add', [x, graph.node('Mul', [cube, graph.scalar(0.044715)])]);
      const tanh = graph.node('Tanh', [graph.node('Mul', [inner, graph.scalar(Math.sqrt(2 / Math.PI))])]);
      const gate = graph.node('Mul', [graph.node('Add', [tanh, graph.scalar(1)]), graph.scalar(0.5)]);
      return graph.node('Mul', [x, gate]);
    }
    case 'maxpool2d':
      return graph.node('MaxPool', [x], [ints('kernel_shape', layer.kernel), ints('strides', layer.stride)]);
    case 'linear': {
      const inputs = [x, graph.constant(layer.weight.name, layer.weight.shape, layer.weight.data)];
      if (layer.bias) inputs.push(graph.constant(layer.bias.name, layer.bias.shape, layer.bias.data));
      return graph.node('Gemm', inputs, [{ name: 'transB', type: ATTRIBUTE_INT, i: 1 }]);
    }
    case 'conv2d': {
      const { weight, bias, stride, padding } = layer;
      const inputs = [x, graph.constant(weight.name, weight.shape, weight.data)];
      if (bias) inputs.push(graph.constant(bias.name, bias.shape, bias.data));
      return graph.node('Conv', inputs, [
        ints('kernel_shape', weight.shape.slice(2)),
        ints('strides', stride),
        ints('pads', [...padding, ...padding]),
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
  graph.nodes.push({ opType: 'Identity', name: 'logits', input: [x], output: ['logits'], attribute: [] });
  const tensorType = (features: number) => ({
    tensorType: { elemType: ONNX_FLOAT, shape: { dim: [{ dimParam: 'batch' }, { dimValue: features }] } },
  });
  return encodeOnnxModel({
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET }],
    producerName: 'topkast',
    docString: `input: pixels/255 in [0, 1], [batch, ${input.features}]; normalised inside (mean ${input.mean}, std ${input.std}); output: logits [batch, ${classes}]`,
    graph: {
      name: 'topkast',
      node: graph.nodes,
      initializer: graph.initializers,
      input: [{ name: 'pixels', type: tensorType(input.features) }],
      output: [{ name: 'logits', type: tensorType(classes) }],
    },
    metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
  });
}

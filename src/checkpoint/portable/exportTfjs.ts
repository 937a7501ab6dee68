/**
 * An image model in TensorFlow.js's layers format (`tf.loadLayersModel`): `model.json` (a Keras Sequential
 * topology and the weights manifest) and one binary file of float32 weights. Input [batch, C·H·W] of
 * pixels/255, output logits [batch, classes], as the ONNX export.
 *
 * TensorFlow.js is channels-last, so the layers are mapped:
 *   normalize  Rescaling(scale 1/std, offset −mean/std)
 *   unflatten  Reshape [C, H, W], Permute to [H, W, C]
 *   conv2d     ZeroPadding2D (when padded), Conv2D 'valid' with kernel [kh, kw, C, out] (from [out, C, kh, kw])
 *   maxpool2d  MaxPooling2D 'valid'
 *   flatten    Permute back to [C, H, W], Flatten: (c, h, w) order, as the next linear weight expects
 *   linear     Dense with kernel [in, out] (Wᵀ)
 *   relu       Activation 'relu'
 *   gelu       its tanh formula in Multiply, Rescaling, Add and Activation 'tanh' layers (addGelu)
 * as a functional ('Model') topology.
 */
import type { GraphLayer, ImageInput, Weight } from './layerGraph.js';

export const TFJS_WEIGHTS_FILE = 'weights.bin';

interface KerasLayer {
  readonly class_name: string;
  readonly name: string;
  readonly config: Record<string, unknown>;
  readonly inbound_nodes: unknown[];
}

export interface TfjsModel {
  /** The model.json object. */
  readonly modelJson: Record<string, unknown>;
  /** The contents of TFJS_WEIGHTS_FILE. */
  readonly weights: Uint8Array;
}

/** A Keras functional topology under construction: each layer takes the outputs of named layers. */
class TopologyBuilder {
  readonly layers: KerasLayer[] = [];
  readonly weights: { name: string; shape: readonly number[]; data: Float32Array }[] = [];

  add(
    class_name: string,
    name: string,
    inputs: readonly string[],
    config: Record<string, unknown> = {},
  ): string {
    this.layers.push({
      class_name,
      name,
      config: { name, trainable: true, dtype: 'float32', ...config },
      inbound_nodes: inputs.length === 0 ? [] : [inputs.map((input) => [input, 0, 0, {}])],
    });
    return name;
  }

  weight(name: string, shape: readonly number[], data: Float32Array): void {
    this.weights.push({ name, shape, data });
  }
}

/** The layers-format files of the layers (layerGraph.ts); `metadata` goes into model.json's userDefinedMetadata. */
export function exportTfjs(
  layers: readonly GraphLayer[],
  input: ImageInput,
  metadata: Readonly<Record<string, string>>,
): TfjsModel {
  const topology = new TopologyBuilder();
  let x = topology.add('InputLayer', 'pixels', [], {
    batch_input_shape: [null, input.features],
    sparse: false,
  });
  let image = false;
  for (const [index, layer] of layers.entries()) {
    const name = `${layer.kind}_${index}`;
    switch (layer.kind) {
      case 'normalize':
        x = topology.add('Rescaling', name, [x], { scale: 1 / layer.std, offset: -layer.mean / layer.std });
        break;
      case 'unflatten':
        x = topology.add('Reshape', name, [x], { target_shape: [...layer.shape] });
        x = topology.add('Permute', `${name}_channels_last`, [x], { dims: [2, 3, 1] });
        image = true;
        break;
      case 'flatten':
        if (image) x = topology.add('Permute', `${name}_channels_first`, [x], { dims: [3, 1, 2] });
        x = topology.add('Flatten', name, [x]);
        image = false;
        break;
      case 'relu':
        x = topology.add('Activation', name, [x], { activation: 'relu' });
        break;
      case 'gelu':
        x = addGelu(topology, x, name);
        break;
      case 'maxpool2d':
        x = topology.add('MaxPooling2D', name, [x], {
          pool_size: [...layer.kernel],
          strides: [...layer.stride],
          padding: 'valid',
          data_format: 'channels_last',
        });
        break;
      case 'linear': {
        const [outputs, inputs] = layer.weight.shape as [number, number];
        const layerName = layerNameOf(layer.weight);
        x = topology.add('Dense', layerName, [x], {
          units: outputs,
          activation: 'linear',
          use_bias: layer.bias !== null,
        });
        topology.weight(`${layerName}/kernel`, [inputs, outputs], transposed(layer.weight));
        if (layer.bias) topology.weight(`${layerName}/bias`, [outputs], layer.bias.data);
        break;
      }
      case 'conv2d': {
        const [outputs, channels, kh, kw] = layer.weight.shape as [number, number, number, number];
        const layerName = layerNameOf(layer.weight);
        const [ph, pw] = layer.padding as [number, number];
        if (ph > 0 || pw > 0) {
          const padding = [
            [ph, ph],
            [pw, pw],
          ];
          x = topology.add('ZeroPadding2D', `${layerName}_pad`, [x], {
            padding,
            data_format: 'channels_last',
          });
        }
        x = topology.add('Conv2D', layerName, [x], {
          filters: outputs,
          kernel_size: [kh, kw],
          strides: [...layer.stride],
          padding: 'valid',
          data_format: 'channels_last',
          dilation_rate: [1, 1],
          activation: 'linear',
          use_bias: layer.bias !== null,
        });
        topology.weight(`${layerName}/kernel`, [kh, kw, channels, outputs], kernelHwio(layer.weight));
        if (layer.bias) topology.weight(`${layerName}/bias`, [outputs], layer.bias.data);
        break;
      }
    }
  }
  const { weights } = topology;
  const bytes = new Uint8Array(weights.reduce((sum, weight) => sum + weight.data.byteLength, 0));
  let offset = 0;
  for (const { data } of weights) {
    bytes.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), offset);
    offset += data.byteLength;
  }
  return {
    modelJson: {
      format: 'layers-model',
      generatedBy: 'topkast',
      convertedBy: null,
      modelTopology: {
        class_name: 'Model',
        config: {
          name: 'topkast',
          layers: topology.layers,
          input_layers: [['pixels', 0, 0]],
          output_layers: [[x, 0, 0]],
        },
        keras_version: 'tfjs-layers',
        backend: 'tensor_flow.js',
      },
      weightsManifest: [
        {
          paths: [TFJS_WEIGHTS_FILE],
          weights: weights.map(({ name, shape }) => ({ name, shape, dtype: 'float32' })),
        },
      ],
      userDefinedMetadata: { ...metadata },
    },
    weights: bytes,
  };
}

/**
 * GELU's tanh formula in layers, x/2 · (1 + tanh(√(2/π)·(x + 0.044715·x³))): TensorFlow.js has it as the
 * activation 'gelu_new', but its model loader renames that to 'geluNew', which it does not know.
 */
function addGelu(topology: TopologyBuilder, x: string, name: string): string {
  // 0.044715·x³ as x·(x·(0.044715·x)): TensorFlow.js's Multiply fails when one tensor is two of its inputs.
  const linear = topology.add('Rescaling', `${name}_cubic_coefficient`, [x], { scale: 0.044715, offset: 0 });
  const square = topology.add('Multiply', `${name}_square`, [x, linear]);
  const scaled = topology.add('Multiply', `${name}_cubic_term`, [x, square]);
  const inner = topology.add('Add', `${name}_inner`, [x, scaled]);
  const argument = topology.add('Rescaling', `${name}_argument`, [inner], {
    scale: Math.sqrt(2 / Math.PI),
    offset: 0,
  });
  const tanh = topology.add('Activation', `${name}_tanh`, [argument], { activation: 'tanh' });
  const gate = topology.add('Rescaling', `${name}_gate`, [tanh], { scale: 0.5, offset: 0.5 });
  return topology.add('Multiply', name, [x, gate]);
}

/** `fc1.weight` → `fc1`: the layer's name in topkast, kept in TensorFlow.js. */
function layerNameOf(weight: Weight): string {
  return weight.name.replace(/\.weight$/, '');
}

/** [out, in] → [in, out]. */
function transposed({ shape, data }: Weight): Float32Array {
  const [rows, cols] = shape as [number, number];
  const result = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) result[c * rows + r] = data[r * cols + c]!;
  return result;
}

/** [out, C, kh, kw] → [kh, kw, C, out]. */
function kernelHwio({ shape, data }: Weight): Float32Array {
  const [outputs, channels, kh, kw] = shape as [number, number, number, number];
  const result = new Float32Array(data.length);
  for (let o = 0; o < outputs; o++)
    for (let c = 0; c < channels; c++)
      for (let i = 0; i < kh; i++)
        for (let j = 0; j < kw; j++)
          result[((i * kw + j) * channels + c) * outputs + o] = data[((o * channels + c) * kh + i) * kw + j]!;
  return result;
}

/**
 * Building an ONNX graph: initializers, nodes with uniquely named outputs, the GELU formula, and the ModelProto
 * around a finished graph (onnxSchema.ts encodes it).
 */
import {
  ATTRIBUTE_FLOAT,
  ATTRIBUTE_INT,
  ATTRIBUTE_INTS,
  encodeOnnxModel,
  ONNX_FLOAT,
  ONNX_INT64,
} from './onnxSchema.js';

/** The IR version that goes with an opset (onnx/docs/Versioning.md): 7 up to opset 13, 8 for 14 to 17. */
const irVersion = (opset: number): number => (opset <= 13 ? 7 : 8);

export type Attribute = { name: string; type: number; i?: number; f?: number; ints?: number[] };

export const intAttribute = (name: string, i: number): Attribute => ({ name, type: ATTRIBUTE_INT, i });
export const floatAttribute = (name: string, f: number): Attribute => ({ name, type: ATTRIBUTE_FLOAT, f });
export const intsAttribute = (name: string, values: readonly number[]): Attribute => ({
  name,
  type: ATTRIBUTE_INTS,
  ints: [...values],
});

/** The node list and initializers of one graph, naming intermediate values uniquely. */
export class GraphBuilder {
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

  /** An int64 vector constant (shapes, axes). */
  int64s(values: readonly number[]): string {
    return this.constant(`const_${this.count++}`, [values.length], BigInt64Array.from(values, BigInt));
  }

  node(opType: string, inputs: readonly string[], attribute: Attribute[] = []): string {
    const output = `${opType.toLowerCase()}_${this.count++}`;
    this.nodes.push({ opType, name: output, input: [...inputs], output: [output], attribute });
    return output;
  }

  /** GELU, tanh approximation: x/2 · (1 + tanh(√(2/π) · (x + 0.044715 x³))). */
  gelu(x: string): string {
    const cube = this.node('Mul', [this.node('Mul', [x, x]), x]);
    const inner = this.node('Add', [x, this.node('Mul', [cube, this.scalar(0.044715)])]);
    const tanh = this.node('Tanh', [this.node('Mul', [inner, this.scalar(Math.sqrt(2 / Math.PI))])]);
    const gate = this.node('Mul', [this.node('Add', [tanh, this.scalar(1)]), this.scalar(0.5)]);
    return this.node('Mul', [x, gate]);
  }
}

export interface GraphValue {
  readonly name: string;
  /** TensorProto data type (ONNX_FLOAT, ONNX_INT64). */
  readonly type: number;
  /** Each dim: a size, or a name for a free one ('batch'). */
  readonly shape: readonly (number | string)[];
}

/** The ModelProto bytes of a finished graph whose last node computes `output.name`. */
export function encodeGraph(
  graph: GraphBuilder,
  result: string,
  io: { readonly input: GraphValue; readonly output: GraphValue },
  opset: number,
  docString: string,
  metadata: Readonly<Record<string, string>>,
): Uint8Array {
  const valueInfo = ({ name, type, shape }: GraphValue) => ({
    name,
    type: {
      tensorType: {
        elemType: type,
        shape: { dim: shape.map((dim) => (typeof dim === 'number' ? { dimValue: dim } : { dimParam: dim })) },
      },
    },
  });
  const rename = { opType: 'Identity', name: io.output.name, input: [result], output: [io.output.name] };
  return encodeOnnxModel({
    irVersion: irVersion(opset),
    opsetImport: [{ domain: '', version: opset }],
    producerName: 'topkast',
    docString,
    graph: {
      name: 'topkast',
      node: [...graph.nodes, { ...rename, attribute: [] }],
      initializer: graph.initializers,
      input: [valueInfo(io.input)],
      output: [valueInfo(io.output)],
    },
    metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
  });
}

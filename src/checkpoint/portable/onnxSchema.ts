/**
 * The part of ONNX's protobuf schema (onnx/onnx.proto, IR version 7) that a feed-forward model needs, as a
 * protobufjs descriptor, and the encoder of a ModelProto. Field numbers are the schema's; names are camelCase.
 * Tensors carry their data as little-endian raw_data.
 */
import protobuf from 'protobufjs/light.js';

const field = (type: string, id: number, repeated = false) => ({
  type,
  id,
  ...(repeated && { rule: 'repeated' }),
});

const schema = {
  nested: {
    onnx: {
      nested: {
        ModelProto: {
          fields: {
            irVersion: field('int64', 1),
            opsetImport: field('OperatorSetIdProto', 8, true),
            producerName: field('string', 2),
            producerVersion: field('string', 3),
            docString: field('string', 6),
            graph: field('GraphProto', 7),
            metadataProps: field('StringStringEntryProto', 14, true),
          },
        },
        OperatorSetIdProto: { fields: { domain: field('string', 1), version: field('int64', 2) } },
        StringStringEntryProto: { fields: { key: field('string', 1), value: field('string', 2) } },
        GraphProto: {
          fields: {
            node: field('NodeProto', 1, true),
            name: field('string', 2),
            initializer: field('TensorProto', 5, true),
            docString: field('string', 10),
            input: field('ValueInfoProto', 11, true),
            output: field('ValueInfoProto', 12, true),
          },
        },
        NodeProto: {
          fields: {
            input: field('string', 1, true),
            output: field('string', 2, true),
            name: field('string', 3),
            opType: field('string', 4),
            attribute: field('AttributeProto', 5, true),
          },
        },
        AttributeProto: {
          fields: {
            name: field('string', 1),
            f: field('float', 2),
            i: field('int64', 3),
            ints: field('int64', 8, true),
            type: field('int32', 20),
          },
        },
        ValueInfoProto: { fields: { name: field('string', 1), type: field('TypeProto', 2) } },
        TypeProto: { fields: { tensorType: field('TypeProtoTensor', 1) } },
        TypeProtoTensor: { fields: { elemType: field('int32', 1), shape: field('TensorShapeProto', 2) } },
        TensorShapeProto: { fields: { dim: field('Dimension', 1, true) } },
        Dimension: { fields: { dimValue: field('int64', 1), dimParam: field('string', 2) } },
        TensorProto: {
          fields: {
            dims: field('int64', 1, true),
            dataType: field('int32', 2),
            name: field('string', 8),
            rawData: field('bytes', 9),
          },
        },
      },
    },
  },
};

const modelProto = protobuf.Root.fromJSON(schema).lookupType('onnx.ModelProto');

/** TensorProto.DataType values used here. */
export const ONNX_FLOAT = 1;
export const ONNX_INT64 = 7;

/** AttributeProto.AttributeType values used here. */
export const ATTRIBUTE_FLOAT = 1;
export const ATTRIBUTE_INT = 2;
export const ATTRIBUTE_INTS = 7;

/** The bytes of a ModelProto given as a plain object of the fields above; throws when it does not fit them. */
export function encodeOnnxModel(model: Record<string, unknown>): Uint8Array {
  const problem = modelProto.verify(model);
  if (problem) throw new Error(`ONNX export: invalid model (${problem})`);
  return modelProto.encode(modelProto.fromObject(model)).finish();
}

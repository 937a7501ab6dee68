/**
 * The schemas (zod) of an export's JSON metadata entries (exportModel.ts): `layers`, which every export has,
 * and what an image model's export adds (portable/portableModel.ts): `input` (the features per example and how
 * pixels are scaled), `normalization` (the dataset's mean and std) and `architecture` (the layers in order,
 * portable/layerGraph.ts, weights as names and shapes). A crafted file gets a one-line error naming the entry.
 */
import { z } from 'zod';
import { datasetNames } from '../data/catalog.js';

const TENSOR_NAME = /^[A-Za-z_]\w*(\.\w+)*$/;
const size = z.number().int().min(0).max(2_147_483_647);
/** A tensor's shape: a bias's [n], a matrix's [rows, cols], a convolution's [out, C, kh, kw]. */
const shape = z.array(size).min(1).max(4);
const pair = z.array(z.number().int().min(0).max(65_536)).length(2);
const finite = z.number().min(-1e9).max(1e9);
const weight = z.strictObject({ name: z.string().regex(TENSOR_NAME, 'expected a tensor name'), shape });

export const layersSchema = z
  .array(
    z.strictObject({
      name: z.string().regex(TENSOR_NAME, 'expected a layer name'),
      shape,
      sparse: z.boolean(),
    }),
  )
  .min(1)
  .max(100_000);

/** The entries only an image model's export has (absent from a language model's and from older exports). */
export const portableEntrySchemas = {
  input: z.strictObject({
    shape: z.array(size.min(1)).length(1),
    values: z.literal('pixels / 255'),
    dataset: z.enum(datasetNames as readonly string[] as [string, ...string[]]),
  }),
  normalization: z.strictObject({
    mean: finite,
    std: finite.gt(0),
    formula: z.literal('(x - mean) / std'),
  }),
  architecture: z
    .array(
      z.discriminatedUnion('kind', [
        z.strictObject({ kind: z.literal('normalize'), mean: finite, std: finite.gt(0) }),
        z.strictObject({ kind: z.literal('unflatten'), shape: z.array(size.min(1)).length(3) }),
        z.strictObject({ kind: z.literal('flatten') }),
        z.strictObject({ kind: z.literal('relu') }),
        z.strictObject({ kind: z.literal('gelu') }),
        z.strictObject({ kind: z.literal('maxpool2d'), kernel: pair, stride: pair }),
        z.strictObject({ kind: z.literal('linear'), weight, bias: weight.nullable() }),
        z.strictObject({
          kind: z.literal('conv2d'),
          weight,
          bias: weight.nullable(),
          stride: pair,
          padding: pair,
        }),
      ]),
    )
    .min(1)
    .max(100_000),
} as const;

export type PortableEntry = keyof typeof portableEntrySchemas;
export const portableEntries = Object.keys(portableEntrySchemas) as PortableEntry[];

/**
 * The safetensors file layout (https://github.com/huggingface/safetensors), written and read by this module:
 *
 *   8 bytes    N, the header length, unsigned little-endian
 *   N bytes    a JSON object, padded with spaces to a multiple of 8 bytes:
 *                { "<tensor name>": { "dtype": "F32", "shape": [r, c], "data_offsets": [begin, end] }, ...,
 *                  "__metadata__": { "<key>": "<string value>", ... } }
 *   the rest   the data section: each tensor's bytes, little-endian, at [begin, end) of this section
 *
 * Reading trusts nothing: the header length, the JSON, every dtype, shape and offset are checked, the tensors
 * must tile the data section exactly (no overlap, no gap, nothing after the last), and a failure is an error
 * that names the file and the problem. Tensor data is copied out, so the arrays are aligned and own their bytes.
 */

/**
 * The dtypes read and written, each with the typed array that holds its values. F16 and BF16 keep their raw
 * 16-bit patterns (tensorValues.ts widens them to F32); I64 is held as BigInt64Array.
 */
const arrayTypes = {
  F32: Float32Array,
  F64: Float64Array,
  F16: Uint16Array,
  BF16: Uint16Array,
  I64: BigInt64Array,
  I32: Int32Array,
  U8: Uint8Array,
} as const;

export type Dtype = keyof typeof arrayTypes;

/** A tensor's typed array for its dtype. */
export type TensorData = Float32Array | Float64Array | Uint16Array | BigInt64Array | Int32Array | Uint8Array;

export interface NamedTensor {
  readonly name: string;
  readonly dtype: Dtype;
  readonly shape: readonly number[];
  readonly data: TensorData;
}

export interface SafetensorsContents {
  /** The tensors in the order of their data (ascending offsets). */
  readonly tensors: readonly NamedTensor[];
  readonly metadata: Readonly<Record<string, string>>;
}

const dtypeBytes = (dtype: Dtype): number => arrayTypes[dtype].BYTES_PER_ELEMENT;

/** The header may not exceed this many bytes (the reference implementation's limit). */
const MAX_HEADER_BYTES = 100_000_000;

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
  throw new Error('safetensors: this platform is big-endian; the tensor data would need byte swapping');
}

/**
 * The header object of a file holding these tensors, in this order, with `metadata`: what encodeSafetensors
 * writes, before padding.
 */
export function buildHeader(
  tensors: readonly NamedTensor[],
  metadata: Readonly<Record<string, string>>,
): Record<string, unknown> {
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const tensor of tensors) {
    checkTensor(tensor);
    if (Object.hasOwn(header, tensor.name))
      throw new Error(`safetensors: two tensors are named ${tensor.name}`);
    const end = offset + tensor.data.byteLength;
    header[tensor.name] = { dtype: tensor.dtype, shape: [...tensor.shape], data_offsets: [offset, end] };
    offset = end;
  }
  header.__metadata__ = { ...metadata };
  return header;
}

/** The whole file: header length, padded header, data. */
export function encodeSafetensors(
  tensors: readonly NamedTensor[],
  metadata: Readonly<Record<string, string>>,
): Uint8Array {
  return frameSafetensors(JSON.stringify(buildHeader(tensors, metadata)), tensors);
}

/**
 * A file of this header text (space-padded to a multiple of 8 bytes) and the tensors' bytes in the order given,
 * which must be the order of the header's data_offsets.
 */
export function frameSafetensors(headerText: string, tensors: readonly NamedTensor[]): Uint8Array {
  const json = new TextEncoder().encode(headerText);
  const headerLength = Math.ceil(json.length / 8) * 8;
  const dataLength = tensors.reduce((sum, t) => sum + t.data.byteLength, 0);
  const bytes = new Uint8Array(8 + headerLength + dataLength);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(headerLength), true);
  bytes.fill(0x20, 8, 8 + headerLength);
  bytes.set(json, 8);
  let offset = 8 + headerLength;
  for (const { data } of tensors) {
    bytes.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), offset);
    offset += data.byteLength;
  }
  return bytes;
}

/** The parts of a file before its tensors are copied out: for checksums over the exact bytes. */
export interface SafetensorsLayout {
  /** The parsed header, __metadata__ included. */
  readonly header: Record<string, unknown>;
  /** The data section (a view into the file's bytes). */
  readonly data: Uint8Array;
}

/** Splits and parses a file's header; throws, naming `source`, when the framing or the JSON is invalid. */
export function parseLayout(bytes: Uint8Array, source: string): SafetensorsLayout {
  const fail = (problem: string): never => {
    throw new Error(`${source} is not a valid safetensors file: ${problem}`);
  };
  if (bytes.length < 8) fail(`it has ${bytes.length} bytes, fewer than the 8-byte header length`);
  const declared = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (declared > BigInt(Math.min(MAX_HEADER_BYTES, bytes.length - 8))) {
    fail(`the header length ${declared} runs past the end of the ${bytes.length}-byte file (truncated?)`);
  }
  const headerLength = Number(declared);
  let text = '';
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength));
  } catch {
    fail('the header is not valid UTF-8');
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (error) {
    fail(`the header is not valid JSON (${(error as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    fail('the header is not a JSON object');
  }
  return { header: header as Record<string, unknown>, data: bytes.subarray(8 + headerLength) };
}

/** Reads and checks a whole file (see the module comment); `source` names it in errors. */
export function decodeSafetensors(bytes: Uint8Array, source: string): SafetensorsContents {
  const { header, data } = parseLayout(bytes, source);
  return decodeLayout(header, data, source);
}

/** Checks a parsed header against its data section and copies the tensors out. */
export function decodeLayout(
  header: Record<string, unknown>,
  data: Uint8Array,
  source: string,
): SafetensorsContents {
  const fail = (problem: string): never => {
    throw new Error(`${source} is not a valid safetensors file: ${problem}`);
  };
  const metadata = readMetadata(header.__metadata__, fail);
  const entries: { name: string; dtype: Dtype; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, value] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    entries.push({ name, ...readEntry(name, value, fail) });
  }
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  for (const entry of entries) {
    if (entry.begin !== expected) {
      fail(
        entry.begin < expected
          ? `tensor ${entry.name} overlaps the tensor before it (offset ${entry.begin} < ${expected})`
          : `there is a gap of ${entry.begin - expected} bytes before tensor ${entry.name}`,
      );
    }
    expected = entry.end;
  }
  if (expected !== data.length) {
    fail(
      expected > data.length
        ? `the tensors need ${expected} data bytes but the file has ${data.length} (truncated?)`
        : `${data.length - expected} bytes follow the last tensor`,
    );
  }
  const tensors = entries.map(({ name, dtype, shape, begin, end }) => ({
    name,
    dtype,
    shape,
    data: copyData(dtype, data.subarray(begin, end)),
  }));
  return { tensors, metadata };
}

function readMetadata(value: unknown, fail: (problem: string) => never): Record<string, string> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail('__metadata__ is not an object of strings');
  }
  const metadata: Record<string, string> = {};
  for (const [key, entry] of Object.entries(value as Record<string, unknown>)) {
    if (typeof entry !== 'string') fail(`__metadata__.${key} is not a string`);
    metadata[key] = entry as string;
  }
  return metadata;
}

function readEntry(
  name: string,
  value: unknown,
  fail: (problem: string) => never,
): { dtype: Dtype; shape: number[]; begin: number; end: number } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail(`tensor ${name} is not an object with dtype, shape and data_offsets`);
  }
  const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
  if (typeof dtype !== 'string' || !Object.hasOwn(arrayTypes, dtype)) {
    return fail(`tensor ${name} has dtype ${JSON.stringify(dtype)}; supported: ${Object.keys(arrayTypes)}`);
  }
  const isCount = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0;
  if (!Array.isArray(shape) || !shape.every(isCount)) {
    return fail(`tensor ${name} has shape ${JSON.stringify(shape)}; expected a list of integers ≥ 0`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || offsets[0] > offsets[1]) {
    return fail(
      `tensor ${name} has data_offsets ${JSON.stringify(offsets)}; expected [begin, end], begin ≤ end`,
    );
  }
  const count = shape.reduce((product: number, n: number) => product * n, 1);
  const bytes = offsets[1] - offsets[0];
  if (count * dtypeBytes(dtype as Dtype) !== bytes) {
    return fail(
      `tensor ${name}: shape [${shape}] of ${dtype} needs ${count * dtypeBytes(dtype as Dtype)} bytes, its offsets span ${bytes}`,
    );
  }
  return { dtype: dtype as Dtype, shape, begin: offsets[0], end: offsets[1] };
}

function copyData(dtype: Dtype, bytes: Uint8Array): TensorData {
  // A copy into a fresh buffer (a Node Buffer's slice() would be a view into the whole file).
  return new arrayTypes[dtype](new Uint8Array(bytes).buffer);
}

function checkTensor({ name, dtype, shape, data }: NamedTensor): void {
  if (name === '__metadata__' || name.length === 0) {
    throw new Error(`safetensors: '${name}' cannot name a tensor`);
  }
  if (!(data instanceof arrayTypes[dtype]))
    throw new Error(`safetensors: tensor ${name} is ${dtype} but holds a ${data.constructor.name}`);
  const count = shape.reduce((product, n) => product * n, 1);
  if (!shape.every((n) => Number.isSafeInteger(n) && n >= 0) || count !== data.length) {
    throw new Error(`safetensors: tensor ${name} has shape [${shape}] but ${data.length} entries`);
  }
}

/**
 * Safetensors files that prove their own integrity: `__metadata__.checksum` is "sha256:<hex>" of the header
 * without that entry (compact JSON, as written) followed by the data section. So a flipped bit anywhere (in a
 * tensor, a metadata value, a shape, the checksum itself, the padding) or a truncation is refused, never
 * loaded: the header must also be byte for byte the compact JSON topkast writes.
 */
import { createHash } from 'node:crypto';
import {
  buildHeader,
  decodeLayout,
  encodeSafetensors,
  type NamedTensor,
  parseLayout,
  type SafetensorsContents,
} from './safetensors.js';

const PREFIX = 'sha256:';

/** The file's bytes, with the checksum added to `metadata`. */
export function encodeChecksummed(
  tensors: readonly NamedTensor[],
  metadata: Readonly<Record<string, string>>,
): Uint8Array {
  if (Object.hasOwn(metadata, 'checksum'))
    throw new Error('encodeChecksummed: metadata already has a checksum');
  const hash = createHash('sha256').update(JSON.stringify(buildHeader(tensors, metadata)));
  for (const { data } of tensors) hash.update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return encodeSafetensors(tensors, { ...metadata, checksum: `${PREFIX}${hash.digest('hex')}` });
}

/** Reads a file written by encodeChecksummed; throws, naming `source`, unless every byte checks out. */
export function decodeChecksummed(bytes: Uint8Array, source: string): SafetensorsContents {
  const { header, data } = parseLayout(bytes, source);
  const metadata = header.__metadata__;
  const stored =
    typeof metadata === 'object' && metadata !== null
      ? (metadata as Record<string, unknown>).checksum
      : undefined;
  if (typeof stored !== 'string' || !stored.startsWith(PREFIX)) {
    throw new Error(
      `${source} has no checksum in its metadata: it was not written by topkast, or is damaged`,
    );
  }
  const { checksum: _stored, ...rest } = metadata as Record<string, unknown>;
  const actual = createHash('sha256')
    .update(JSON.stringify({ ...header, __metadata__: rest }))
    .update(data)
    .digest('hex');
  if (stored !== `${PREFIX}${actual}`) {
    throw new Error(
      `${source} is corrupt: its checksum does not match its contents (damaged on disk or not written completely)`,
    );
  }
  const canonical = JSON.stringify(header);
  const raw = bytes.subarray(8, bytes.length - data.length);
  const expected = new TextEncoder().encode(canonical);
  if (raw.length !== Math.ceil(expected.length / 8) * 8 || !sameBytes(raw, expected)) {
    throw new Error(
      `${source} is corrupt: its header is not as topkast writes it (changed outside its values)`,
    );
  }
  return decodeLayout(header, data, source);
}

/** Whether `raw` is `expected` followed by space padding only. */
function sameBytes(raw: Uint8Array, expected: Uint8Array): boolean {
  for (let i = 0; i < raw.length; i++)
    if (raw[i] !== (i < expected.length ? expected[i] : 0x20)) return false;
  return true;
}

/**
 * Safetensors files that prove their own integrity: `__metadata__.checksum` is "sha256-contents:<hex>", the
 * SHA-256 of the file's contents, not of its byte layout (contentsDigest): so a flipped bit in a tensor, a
 * metadata value, a name, a dtype, a shape or the checksum itself, or a truncation, is refused, while any
 * conforming writer (Hugging Face's `safetensors`, which reorders tensors and re-pads the header) may re-save
 * the file and keep it valid. Files of topkast 0.1.0 carry "sha256:<hex>" over their exact header and data
 * bytes, and still verify.
 *
 * A file with no checksum (written by another tool) is read only where the caller allows it
 * (`{ required: false }`: evaluation, sampling, --init), and says so (`checksummed: false`).
 */
import { escapeControl } from '../util/safeText.js';
import { sha256 } from '../util/sha256.js';
import {
  decodeLayout,
  encodeSafetensors,
  type NamedTensor,
  parseLayout,
  type SafetensorsContents,
} from './safetensors.js';

const PREFIX = 'sha256-contents:';
const LAYOUT_PREFIX = 'sha256:';

export interface CheckedContents extends SafetensorsContents {
  /** False for a file without a checksum (read only when the caller allowed it). */
  readonly checksummed: boolean;
}

/** The file's bytes, with the checksum added to `metadata`. */
export function encodeChecksummed(
  tensors: readonly NamedTensor[],
  metadata: Readonly<Record<string, string>>,
): Uint8Array {
  if (Object.hasOwn(metadata, 'checksum'))
    throw new Error('encodeChecksummed: metadata already has a checksum');
  return encodeSafetensors(tensors, {
    ...metadata,
    checksum: `${PREFIX}${contentsDigest(tensors, metadata)}`,
  });
}

/**
 * SHA-256 (hex) of the contents: the compact JSON of { metadata: its entries sorted by key, tensors: [name,
 * dtype, shape] sorted by name }, then each tensor's little-endian bytes in the same name order.
 */
export function contentsDigest(
  tensors: readonly NamedTensor[],
  metadata: Readonly<Record<string, string>>,
): string {
  const byName = [...tensors].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const summary = {
    metadata: Object.entries(metadata).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    tensors: byName.map(({ name, dtype, shape }) => [name, dtype, shape]),
  };
  const hash = sha256().update(JSON.stringify(summary));
  for (const { data } of byName) hash.update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return hash.hex();
}

/**
 * Reads a safetensors file and checks its checksum; throws, naming `source`, when the file is malformed, the
 * checksum does not match, or (unless `required` is false) there is none.
 */
export function decodeChecksummed(
  bytes: Uint8Array,
  source: string,
  { required = true }: { readonly required?: boolean } = {},
): CheckedContents {
  const { header, data } = parseLayout(bytes, source);
  const contents = decodeLayout(header, data, source);
  const { checksum: stored, ...rest } = contents.metadata;
  if (stored === undefined) {
    if (required) {
      throw new Error(
        `${source} has no checksum in its metadata: it was not written by topkast, or is damaged`,
      );
    }
    return { ...contents, checksummed: false };
  }
  const matches = stored.startsWith(PREFIX)
    ? stored === `${PREFIX}${contentsDigest(contents.tensors, rest)}`
    : stored.startsWith(LAYOUT_PREFIX) && stored === `${LAYOUT_PREFIX}${layoutDigest(header, data)}`;
  if (!matches) {
    throw new Error(
      `${source} is corrupt: its checksum does not match its contents (damaged on disk or not written completely)`,
    );
  }
  return { tensors: contents.tensors, metadata: rest, checksummed: true };
}

/** The one-line note (for stderr) on a file read without a checksum; empty for a checksummed one. */
export function uncheckedNote(source: string, checksummed: boolean): string {
  return checksummed
    ? ''
    : `note: ${escapeControl(source)} carries no topkast checksum (written by another tool?), so its integrity is not checked\n`;
}

/** topkast 0.1.0's checksum: the header's compact JSON without the checksum entry, then the data section. */
function layoutDigest(header: Record<string, unknown>, data: Uint8Array): string {
  const { checksum: _stored, ...rest } = header.__metadata__ as Record<string, string>;
  return sha256()
    .update(JSON.stringify({ ...header, __metadata__: rest }))
    .update(data)
    .hex();
}

/**
 * SHA-256 (FIPS 180-4) for checksums that must read the same in Node and in browsers, synchronously (Web
 * Crypto's digest is asynchronous). In Node it is node:crypto's, loaded through process.getBuiltinModule so
 * that importing this file costs a browser bundle nothing; elsewhere a plain TypeScript implementation, tested
 * against node:crypto (sha256.test.ts). Integrity checks, not secrets: no constant-time concerns.
 */

/** An incremental SHA-256: feed bytes or text with update, then take the digest once. */
export interface Sha256 {
  update(data: Uint8Array | string): Sha256;
  /** The digest as lowercase hex. */
  hex(): string;
  /** The digest's 32 bytes. */
  bytes(): Uint8Array;
}

/** A fresh SHA-256: node:crypto's when running in Node, else the TypeScript one. */
export function sha256(): Sha256 {
  const crypto = nodeCrypto();
  if (crypto === undefined) return new PortableSha256();
  const hash = crypto.createHash('sha256');
  const wrapped: Sha256 = {
    update(data) {
      hash.update(data);
      return wrapped;
    },
    hex: () => hash.digest('hex'),
    bytes: () => new Uint8Array(hash.digest()),
  };
  return wrapped;
}

type NodeCrypto = typeof import('node:crypto');

function nodeCrypto(): NodeCrypto | undefined {
  if (typeof process === 'undefined' || typeof process.getBuiltinModule !== 'function') return undefined;
  return process.getBuiltinModule('node:crypto') as NodeCrypto;
}

/** The first 32 bits of the fractional parts of the cube roots of the first 64 primes (FIPS 180-4 §4.2.2). */
const K = Uint32Array.from([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);

/** The initial hash value H(0) (FIPS 180-4 §5.3.3). */
const H0 = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

/** SHA-256 in TypeScript: 64-byte blocks through the compression function, padding on digest (§5.1.1, §6.2). */
export class PortableSha256 implements Sha256 {
  private readonly state = Uint32Array.from(H0);
  private readonly block = new Uint8Array(64);
  private readonly words = new Uint32Array(64);
  private filled = 0;
  private length = 0;
  private done = false;

  update(data: Uint8Array | string): this {
    if (this.done) throw new Error('sha256: update after the digest was taken');
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    this.length += bytes.length;
    let at = 0;
    while (at < bytes.length) {
      const take = Math.min(64 - this.filled, bytes.length - at);
      this.block.set(bytes.subarray(at, at + take), this.filled);
      this.filled += take;
      at += take;
      if (this.filled === 64) {
        this.compress();
        this.filled = 0;
      }
    }
    return this;
  }

  bytes(): Uint8Array {
    if (!this.done) this.finish();
    const out = new Uint8Array(32);
    const view = new DataView(out.buffer);
    for (let i = 0; i < 8; i++) view.setUint32(i * 4, this.state[i]!);
    return out;
  }

  hex(): string {
    return Array.from(this.bytes(), (byte) => byte.toString(16).padStart(2, '0')).join('');
  }

  /** Appends the padding: a 1 bit, zeros, and the message length in bits as a big-endian 64-bit number. */
  private finish(): void {
    const bits = this.length * 8;
    this.block[this.filled++] = 0x80;
    if (this.filled > 56) {
      this.block.fill(0, this.filled);
      this.compress();
      this.filled = 0;
    }
    this.block.fill(0, this.filled, 56);
    const view = new DataView(this.block.buffer);
    view.setUint32(56, Math.floor(bits / 2 ** 32));
    view.setUint32(60, bits >>> 0);
    this.compress();
    this.done = true;
  }

  private compress(): void {
    const w = this.words;
    const b = this.block;
    for (let t = 0; t < 16; t++) {
      w[t] = (b[4 * t]! << 24) | (b[4 * t + 1]! << 16) | (b[4 * t + 2]! << 8) | b[4 * t + 3]!;
    }
    for (let t = 16; t < 64; t++) {
      const x = w[t - 15]!;
      const y = w[t - 2]!;
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      w[t] = (w[t - 16]! + s0 + w[t - 7]! + s1) | 0;
    }
    const s = this.state;
    let [h0, h1, h2, h3, h4, h5, h6, h7] = [s[0]!, s[1]!, s[2]!, s[3]!, s[4]!, s[5]!, s[6]!, s[7]!];
    for (let t = 0; t < 64; t++) {
      const e = h4;
      const a = h0;
      const sum1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const choose = (e & h5) ^ (~e & h6);
      const t1 = (h7 + sum1 + choose + K[t]! + w[t]!) | 0;
      const sum0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const majority = (a & h1) ^ (a & h2) ^ (h1 & h2);
      const t2 = (sum0 + majority) | 0;
      h7 = h6;
      h6 = h5;
      h5 = e;
      h4 = (h3 + t1) | 0;
      h3 = h2;
      h2 = h1;
      h1 = a;
      h0 = (t1 + t2) | 0;
    }
    s[0] = s[0]! + h0;
    s[1] = s[1]! + h1;
    s[2] = s[2]! + h2;
    s[3] = s[3]! + h3;
    s[4] = s[4]! + h4;
    s[5] = s[5]! + h5;
    s[6] = s[6]! + h6;
    s[7] = s[7]! + h7;
  }
}

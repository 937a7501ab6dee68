import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PortableSha256, sha256 } from './sha256.js';

describe('sha256', () => {
  it('gives the FIPS 180-4 test vectors in TypeScript', () => {
    expect(new PortableSha256().update('abc').hex()).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(new PortableSha256().hex()).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(
      new PortableSha256().update('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq').hex(),
    ).toBe('248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
  });

  it('agrees with node:crypto on every length across the padding boundaries, fed whole or in pieces', () => {
    const data = Uint8Array.from({ length: 300 }, (_, i) => (i * 131 + 7) & 255);
    for (let length = 0; length <= 300; length++) {
      const message = data.subarray(0, length);
      const expected = createHash('sha256').update(message).digest('hex');
      expect(new PortableSha256().update(message).hex(), `length ${length}`).toBe(expected);
      const cut = length >> 1;
      const pieces = new PortableSha256().update(message.subarray(0, cut)).update(message.subarray(cut));
      expect(pieces.hex(), `length ${length} in two pieces`).toBe(expected);
      expect(sha256().update(message).hex()).toBe(expected);
    }
    expect(Array.from(new PortableSha256().update('héllo').bytes())).toEqual(
      Array.from(createHash('sha256').update('héllo').digest()),
    );
  });

  it('refuses an update after the digest was taken', () => {
    const hash = new PortableSha256().update('a');
    hash.hex();
    expect(() => hash.update('b')).toThrow('sha256: update after the digest was taken');
  });
});

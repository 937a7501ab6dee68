import { describe, expect, it } from 'vitest';
import { escapeControl, quoteValue } from './safeText.js';

describe('escapeControl', () => {
  it('makes terminal escapes, new lines, bidirectional overrides and zero-width characters visible', () => {
    expect(escapeControl('a\u001b[2Jb\nc\r\u0007\u009b')).toBe('a\\x1b[2Jb\\nc\\r\\x07\\x9b');
    expect(escapeControl('x\u202ey\u200bz\u2028')).toBe('x\\u{202e}y\\u{200b}z\\u{2028}');
    expect(escapeControl('plain ünïcode ✓ 90%')).toBe('plain ünïcode ✓ 90%');
  });

  it('quotes values short and escaped', () => {
    expect(quoteValue('bogus')).toBe('"bogus"');
    expect(quoteValue('\u202e'.repeat(3))).toBe('"\\u{202e}\\u{202e}\\u{202e}"');
    expect(quoteValue('x'.repeat(100), 10)).toBe(`"${'x'.repeat(9)}…`);
    expect(quoteValue(1.5)).toBe('1.5');
  });
});

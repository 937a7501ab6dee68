import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from './writeFileAtomic.js';

describe('writeFileAtomic', () => {
  const dir = mkdtempSync(join(tmpdir(), 'topkast-atomic-'));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the directory, replaces the file whole and leaves no temporary file', () => {
    const file = join(dir, 'a', 'b.json');
    writeFileAtomic(file, '{"x":1}');
    writeFileAtomic(file, '{"x":2}');
    expect(readFileSync(file, 'utf8')).toBe('{"x":2}');
    expect(readdirSync(join(dir, 'a'))).toEqual(['b.json']);
  });

  it('leaves nothing behind when the target cannot be written', () => {
    const target = join(dir, 'c');
    writeFileAtomic(join(target, 'inner'), 'x');
    expect(() => writeFileAtomic(target, 'y')).toThrow();
    expect(readdirSync(dir)).toEqual(['c']);
  });
});

import { describe, expect, it } from 'vitest';
import { Random } from './random.js';

describe('Random', () => {
  it('repeats the same stream for the same seed and differs for another seed', () => {
    const a = new Random(42);
    const b = new Random(42);
    const c = new Random(43);
    const sa = Array.from({ length: 8 }, () => a.next());
    const sb = Array.from({ length: 8 }, () => b.next());
    const sc = Array.from({ length: 8 }, () => c.next());
    expect(sa).toEqual(sb);
    expect(sa).not.toEqual(sc);
    for (const x of sa) expect(x >= 0 && x < 1).toBe(true);
  });

  it('has a uniform mean and variance and unbiased integers', () => {
    const r = new Random(1);
    const n = 100_000;
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      const x = r.next();
      sum += x;
      sq += x * x;
    }
    expect(sum / n).toBeCloseTo(0.5, 2);
    expect(sq / n - (sum / n) ** 2).toBeCloseTo(1 / 12, 2);
    const counts = [0, 0, 0];
    for (let i = 0; i < 30_000; i++) counts[r.nextInt(3)]++;
    for (const k of counts) expect(Math.abs(k - 10_000)).toBeLessThan(400);
  });

  it('draws standard normals', () => {
    const r = new Random(7);
    const n = 100_000;
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      const z = r.normal();
      sum += z;
      sq += z * z;
    }
    expect(Math.abs(sum / n)).toBeLessThan(0.02);
    expect(Math.abs(sq / n - 1)).toBeLessThan(0.02);
  });

  it('shuffles in place into a permutation, deterministically', () => {
    const x = Int32Array.from({ length: 50 }, (_, i) => i);
    const y = Int32Array.from({ length: 50 }, (_, i) => i);
    new Random(3).shuffle(x);
    new Random(3).shuffle(y);
    expect(Array.from(x)).toEqual(Array.from(y));
    expect(Array.from(x)).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(Array.from(x).sort((p, q) => p - q)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('restores a saved state exactly', () => {
    const r = new Random(5);
    r.next();
    const state = r.getState();
    const first = [r.next(), r.normal(), r.nextInt(10)];
    r.setState(state);
    expect([r.next(), r.normal(), r.nextInt(10)]).toEqual(first);
    expect(() => r.setState([1, 2, 3])).toThrow(/four unsigned 32-bit integers/);
  });

  it('forks independent streams without advancing the parent', () => {
    const r = new Random(9);
    const before = r.getState();
    const f1 = r.fork('fc1');
    const f2 = r.fork('fc2');
    expect(r.getState()).toEqual(before);
    expect(r.fork('fc1').next()).toBe(new Random(9).fork('fc1').next());
    expect(f1.next()).not.toBe(f2.next());
    expect(new Random(9).fork(1).next()).not.toBe(new Random(9).fork('1').next());
  });

  it('rejects bad arguments with the fix in the message', () => {
    expect(() => new Random(Number.NaN)).toThrow(/finite/);
    expect(() => new Random(1).nextInt(0)).toThrow(/integer in 1\.\.2\^32/);
  });
});

/**
 * A seeded, deterministic pseudo-random generator: sfc32 (Chris Doty-Humphrey's Small Fast Counting
 * generator, 128 bits of state, period ≥ 2³²) seeded through splitmix32, so nearby seeds give unrelated
 * streams. The same seed gives the same numbers on every platform: all arithmetic is 32-bit integer math.
 *
 * The state is four unsigned 32-bit words; getState/setState save and restore it exactly (checkpoints).
 */
export class Random {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 0;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new Error(`Random: seed must be a finite number, got ${seed}`);
    this.seedFrom(Math.trunc(seed) >>> 0, Math.floor(Math.trunc(seed) / 2 ** 32) >>> 0);
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A uniform number in [0, 1), with 32 random bits. */
  next(): number {
    return this.nextUint32() / 2 ** 32;
  }

  /** A uniform integer in 0..n−1, without modulo bias (rejection sampling); n is an integer in 1..2³². */
  nextInt(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 2 ** 32) {
      throw new Error(`Random.nextInt: n must be an integer in 1..2^32, got ${n}`);
    }
    // Accept draws below the largest multiple of n that fits in 32 bits.
    const limit = 2 ** 32 - (2 ** 32 % n);
    let u = this.nextUint32();
    while (u >= limit) u = this.nextUint32();
    return u % n;
  }

  /**
   * A standard normal sample by the Box–Muller transform: z = √(−2 ln u₁) · cos(2π u₂), with u₁ in (0, 1].
   * Each call uses two uniforms and keeps no spare, so the state stays four words.
   */
  normal(): number {
    const u1 = 1 - this.next();
    const u2 = this.next();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Shuffles `array` in place (Fisher–Yates: every permutation equally likely) and returns it. */
  shuffle<T extends { length: number; [index: number]: unknown }>(array: T): T {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.nextInt(i + 1);
      const tmp = array[i];
      array[i] = array[j];
      array[j] = tmp;
    }
    return array;
  }

  /** The generator state: four unsigned 32-bit integers. */
  getState(): number[] {
    return [this.a >>> 0, this.b >>> 0, this.c >>> 0, this.d >>> 0];
  }

  /** Restores a state from getState(); the following draws repeat those made after it was taken. */
  setState(state: readonly number[]): void {
    if (state.length !== 4 || !state.every((w) => Number.isInteger(w) && w >= 0 && w < 2 ** 32)) {
      throw new Error(
        `Random.setState: expected four unsigned 32-bit integers from getState(), got [${state}]`,
      );
    }
    [this.a, this.b, this.c, this.d] = state.map((w) => w | 0);
  }

  /**
   * An independent generator derived from this one's current state and a label, without advancing this one:
   * forks with different labels give unrelated streams, and the order in which forks are made does not matter.
   */
  fork(label: string | number): Random {
    let h = hashLabel(label);
    for (const word of this.getState()) h = mix32((h ^ word) >>> 0);
    const child = new Random(0);
    child.seedFrom(h, mix32(h ^ 0x9e3779b9));
    return child;
  }

  /** Fills the state from two 32-bit seed words through splitmix32, then discards a few warm-up outputs. */
  private seedFrom(low: number, high: number): void {
    let s = low >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      return mix32(s);
    };
    this.a = next() | 0;
    this.b = (next() ^ high) | 0;
    this.c = next() | 0;
    this.d = 1;
    for (let i = 0; i < 12; i++) this.nextUint32();
  }
}

/** The splitmix32 finaliser: a bijective 32-bit mix with good avalanche. */
function mix32(x: number): number {
  let z = x >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** FNV-1a over the label's text (numbers hash as their decimal text, tagged so 1 and '1' differ). */
function hashLabel(label: string | number): number {
  const text = typeof label === 'number' ? `#${label}` : label;
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

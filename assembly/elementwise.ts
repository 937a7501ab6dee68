// Elementwise kernels over n float32 entries (see the Kernels contract): four lanes at a time, then a scalar
// tail. Pointers are byte offsets into the shared memory.

export function add(a: usize, b: usize, out: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = (<usize>i) << 2;
    v128.store(out + at, f32x4.add(v128.load(a + at), v128.load(b + at)));
  }
  for (; i < n; i++) {
    const at = (<usize>i) << 2;
    store<f32>(out + at, load<f32>(a + at) + load<f32>(b + at));
  }
}

export function mul(a: usize, b: usize, out: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = (<usize>i) << 2;
    v128.store(out + at, f32x4.mul(v128.load(a + at), v128.load(b + at)));
  }
  for (; i < n; i++) {
    const at = (<usize>i) << 2;
    store<f32>(out + at, load<f32>(a + at) * load<f32>(b + at));
  }
}

export function scale(a: usize, s: f32, out: usize, n: i32): void {
  const sv = f32x4.splat(s);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = (<usize>i) << 2;
    v128.store(out + at, f32x4.mul(v128.load(a + at), sv));
  }
  for (; i < n; i++) {
    const at = (<usize>i) << 2;
    store<f32>(out + at, load<f32>(a + at) * s);
  }
}

/**
 * Indices i < n whose key k = bits(values[i]) & 0x7fffffff has k ≤ below or k ≥ above (signed): the first
 * `capacity` go to out, ascending; returns how many there are. Four lanes at a time; a lane group with no hit
 * costs two compares.
 */
export function flagOutside(values: usize, n: i32, below: i32, above: i32, out: usize, capacity: i32): i32 {
  const mask = i32x4.splat(0x7fffffff);
  const belowV = i32x4.splat(below);
  const aboveV = i32x4.splat(above);
  let count = 0;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const keys = v128.and(v128.load(values + ((<usize>i) << 2)), mask);
    const hit = v128.or(i32x4.le_s(keys, belowV), i32x4.ge_s(keys, aboveV));
    if (!v128.any_true(hit)) continue;
    for (let lane = i; lane < i + 4; lane++) {
      const key = load<i32>(values + ((<usize>lane) << 2)) & 0x7fffffff;
      if (key <= below || key >= above) {
        if (count < capacity) store<i32>(out + ((<usize>count) << 2), lane);
        count++;
      }
    }
  }
  for (; i < n; i++) {
    const key = load<i32>(values + ((<usize>i) << 2)) & 0x7fffffff;
    if (key <= below || key >= above) {
      if (count < capacity) store<i32>(out + ((<usize>count) << 2), i);
      count++;
    }
  }
  return count;
}

/**
 * Moves runs [start, end) of 32-bit entries by d positions (runs = [start, end, d] triples, i32): left moves
 * ascending, then right moves descending, each a native memmove.
 */
export function moveRuns(array: usize, runs: usize, runCount: i32): void {
  for (let r = 0; r < runCount; r++) {
    const at = runs + 12 * <usize>r;
    const start = load<i32>(at);
    const d = load<i32>(at + 8);
    if (d < 0)
      memory.copy(
        array + 4 * <usize>(start + d),
        array + 4 * <usize>start,
        4 * <usize>(load<i32>(at + 4) - start),
      );
  }
  for (let r = runCount - 1; r >= 0; r--) {
    const at = runs + 12 * <usize>r;
    const start = load<i32>(at);
    const d = load<i32>(at + 8);
    if (d > 0)
      memory.copy(
        array + 4 * <usize>(start + d),
        array + 4 * <usize>start,
        4 * <usize>(load<i32>(at + 4) - start),
      );
  }
}

/** y += alpha·x (a multiply then an add in both builds, so the rounding matches the reference). */
export function axpy(alpha: f32, x: usize, y: usize, n: i32): void {
  const av = f32x4.splat(alpha);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = (<usize>i) << 2;
    v128.store(y + at, f32x4.add(v128.load(y + at), f32x4.mul(av, v128.load(x + at))));
  }
  for (; i < n; i++) {
    const at = (<usize>i) << 2;
    store<f32>(y + at, load<f32>(y + at) + alpha * load<f32>(x + at));
  }
}

export function relu(x: usize, out: usize, n: i32): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = (<usize>i) << 2;
    const v = v128.load(x + at);
    v128.store(out + at, v128.and(v, f32x4.gt(v, zero)));
  }
  for (; i < n; i++) {
    const at = (<usize>i) << 2;
    const v = load<f32>(x + at);
    store<f32>(out + at, select<f32>(v, 0, v > 0));
  }
}

/** dx (+)= dy·[x > 0]: the mask x > 0 is all-ones bits where it holds, so `and` keeps dy there. */
export function reluBackward(x: usize, dy: usize, dx: usize, n: i32, accumulate: bool): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = (<usize>i) << 2;
    let g = v128.and(v128.load(dy + at), f32x4.gt(v128.load(x + at), zero));
    if (accumulate) g = f32x4.add(v128.load(dx + at), g);
    v128.store(dx + at, g);
  }
  for (; i < n; i++) {
    const at = (<usize>i) << 2;
    const g: f32 = load<f32>(x + at) > 0 ? load<f32>(dy + at) : 0;
    store<f32>(dx + at, accumulate ? load<f32>(dx + at) + g : g);
  }
}

/** out[r, c] = x[r, c] + bias[r] over a row-major [rows×cols] matrix. */
export function addRowBias(x: usize, bias: usize, out: usize, rows: i32, cols: i32): void {
  const rowBytes = (<usize>cols) << 2;
  for (let r = 0; r < rows; r++) {
    const b = load<f32>(bias + ((<usize>r) << 2));
    const bv = f32x4.splat(b);
    const from = x + <usize>r * rowBytes;
    const to = out + <usize>r * rowBytes;
    let c = 0;
    for (; c + 4 <= cols; c += 4) {
      const at = (<usize>c) << 2;
      v128.store(to + at, f32x4.add(v128.load(from + at), bv));
    }
    for (; c < cols; c++) {
      const at = (<usize>c) << 2;
      store<f32>(to + at, load<f32>(from + at) + b);
    }
  }
}

// The layout change around causal attention (see the Kernels contract): position-major activations x [d, T·B]
// (column c = t·B + b) to sequence-major head blocks [B, heads, T, d_h], and back:
//   blocks[((b·heads + h)·T + t)·d_h + i] = x[h·d_h + i, t·B + b].
// The destination splits into a part from the column, (b·heads·T + t)·d_h, and one from the feature,
// h·T·d_h + i. Columns are walked in order with (t, b) carried along (no division per column). With d_h a
// multiple of 4, four features × four columns move as one 4×4 transpose, in registers.

/** Float offset of feature f's run in the blocks: h·T·d_h + i. */
function featureOffset(f: i32, length: i32, headDim: i32): usize {
  const h = f / headDim;
  return <usize>(h * length * headDim + (f - h * headDim));
}

/** Column t·B + b's byte offset in the blocks: (b·heads·T + t)·d_h·4. */
function columnOffset(t: i32, b: i32, sequenceFloats: i32, headDim: i32): usize {
  return (<usize>(b * sequenceFloats + t * headDim)) << 2;
}

/** value, or value + what is at `at` when accumulating, stored at `at`. */
function storeRow(at: usize, value: v128, accumulate: bool): void {
  v128.store(at, accumulate ? f32x4.add(v128.load(at), value) : value);
}

export function gatherHeads(x: usize, out: usize, d: i32, length: i32, batch: i32, heads: i32): void {
  const headDim = d / heads;
  const n = length * batch;
  const rowBytes = (<usize>n) << 2;
  const step = headDim % 4 === 0 ? 4 : 1;
  for (let f = 0; f < d; f += step) {
    const from = x + <usize>f * rowBytes;
    const to = out + (featureOffset(f, length, headDim) << 2);
    const sequenceFloats = heads * length * headDim;
    let t = 0;
    let b = 0;
    let c = 0;
    if (step === 4) {
      for (; c + 4 <= n; c += 4) {
        const at = from + ((<usize>c) << 2);
        const r0 = v128.load(at);
        const r1 = v128.load(at + rowBytes);
        const r2 = v128.load(at + 2 * rowBytes);
        const r3 = v128.load(at + 3 * rowBytes);
        const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
        const t1 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
        const t2 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
        const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
        v128.store(to + columnOffset(t, b, sequenceFloats, headDim), v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
        if (++b === batch) {
          b = 0;
          t++;
        }
        v128.store(to + columnOffset(t, b, sequenceFloats, headDim), v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
        if (++b === batch) {
          b = 0;
          t++;
        }
        v128.store(to + columnOffset(t, b, sequenceFloats, headDim), v128.shuffle<f32>(t2, t3, 0, 1, 4, 5));
        if (++b === batch) {
          b = 0;
          t++;
        }
        v128.store(to + columnOffset(t, b, sequenceFloats, headDim), v128.shuffle<f32>(t2, t3, 2, 3, 6, 7));
        if (++b === batch) {
          b = 0;
          t++;
        }
      }
    }
    for (; c < n; c++) {
      const dest = to + columnOffset(t, b, sequenceFloats, headDim);
      if (++b === batch) {
        b = 0;
        t++;
      }
      for (let r = 0; r < step; r++) {
        store<f32>(dest + ((<usize>r) << 2), load<f32>(from + <usize>r * rowBytes + ((<usize>c) << 2)));
      }
    }
  }
}

/** The inverse of gatherHeads: x[h·d_h + i, t·B + b] (+)= blocks[((b·heads + h)·T + t)·d_h + i]. */
export function scatterHeads(
  blocks: usize,
  x: usize,
  d: i32,
  length: i32,
  batch: i32,
  heads: i32,
  accumulate: bool,
): void {
  const headDim = d / heads;
  const n = length * batch;
  const rowBytes = (<usize>n) << 2;
  const step = headDim % 4 === 0 ? 4 : 1;
  for (let f = 0; f < d; f += step) {
    const to = x + <usize>f * rowBytes;
    const from = blocks + (featureOffset(f, length, headDim) << 2);
    const sequenceFloats = heads * length * headDim;
    let t = 0;
    let b = 0;
    let c = 0;
    if (step === 4) {
      for (; c + 4 <= n; c += 4) {
        const at = to + ((<usize>c) << 2);
        const c0 = v128.load(from + columnOffset(t, b, sequenceFloats, headDim));
        if (++b === batch) {
          b = 0;
          t++;
        }
        const c1 = v128.load(from + columnOffset(t, b, sequenceFloats, headDim));
        if (++b === batch) {
          b = 0;
          t++;
        }
        const c2 = v128.load(from + columnOffset(t, b, sequenceFloats, headDim));
        if (++b === batch) {
          b = 0;
          t++;
        }
        const c3 = v128.load(from + columnOffset(t, b, sequenceFloats, headDim));
        if (++b === batch) {
          b = 0;
          t++;
        }
        const t0 = v128.shuffle<f32>(c0, c1, 0, 4, 1, 5);
        const t1 = v128.shuffle<f32>(c2, c3, 0, 4, 1, 5);
        const t2 = v128.shuffle<f32>(c0, c1, 2, 6, 3, 7);
        const t3 = v128.shuffle<f32>(c2, c3, 2, 6, 3, 7);
        storeRow(at, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5), accumulate);
        storeRow(at + rowBytes, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7), accumulate);
        storeRow(at + 2 * rowBytes, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5), accumulate);
        storeRow(at + 3 * rowBytes, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7), accumulate);
      }
    }
    for (; c < n; c++) {
      const src = from + columnOffset(t, b, sequenceFloats, headDim);
      if (++b === batch) {
        b = 0;
        t++;
      }
      for (let r = 0; r < step; r++) {
        const row = to + <usize>r * rowBytes + ((<usize>c) << 2);
        const value = load<f32>(src + ((<usize>r) << 2));
        store<f32>(row, accumulate ? load<f32>(row) + value : value);
      }
    }
  }
}

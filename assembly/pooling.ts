// Max pooling over kh×kw windows of an image batch [C, H, W, B] (batch innermost), stride [sh, sw], no padding
// (see the Kernels contract): each window row is B contiguous floats, so four examples go per SIMD lane group.

/** y[c, oy, ox, b] = max over the window of x; Hout = (H − kh) / sh + 1, Wout = (W − kw) / sw + 1. */
export function maxPool2d(
  x: usize,
  y: usize,
  channels: i32,
  height: i32,
  width: i32,
  batch: i32,
  kh: i32,
  kw: i32,
  sh: i32,
  sw: i32,
): void {
  const outHeight = (height - kh) / sh + 1;
  const outWidth = (width - kw) / sw + 1;
  const row = (<usize>batch) << 2;
  let out = y;
  for (let c = 0; c < channels; c++) {
    for (let oy = 0; oy < outHeight; oy++) {
      for (let ox = 0; ox < outWidth; ox++) {
        const base = x + <usize>((c * height + oy * sh) * width + ox * sw) * row;
        let b = 0;
        for (; b + 4 <= batch; b += 4) {
          const at = base + ((<usize>b) << 2);
          let m = v128.load(at);
          for (let i = 0; i < kh; i++) {
            for (let j = 0; j < kw; j++) {
              m = f32x4.max(m, v128.load(at + <usize>(i * width + j) * row));
            }
          }
          v128.store(out + ((<usize>b) << 2), m);
        }
        for (; b < batch; b++) {
          const at = base + ((<usize>b) << 2);
          let m = load<f32>(at);
          for (let i = 0; i < kh; i++) {
            for (let j = 0; j < kw; j++) {
              const v = load<f32>(at + <usize>(i * width + j) * row);
              if (v > m) m = v;
            }
          }
          store<f32>(out + ((<usize>b) << 2), m);
        }
        out += row;
      }
    }
  }
}

/**
 * dx += dy routed to each window's maximum, the first in (i, j) order on ties: the maximum m is found again,
 * then each window entry takes dy where it equals m and no earlier entry did.
 */
export function maxPool2dBackward(
  x: usize,
  dy: usize,
  dx: usize,
  channels: i32,
  height: i32,
  width: i32,
  batch: i32,
  kh: i32,
  kw: i32,
  sh: i32,
  sw: i32,
): void {
  const outHeight = (height - kh) / sh + 1;
  const outWidth = (width - kw) / sw + 1;
  const row = (<usize>batch) << 2;
  let upstream = dy;
  for (let c = 0; c < channels; c++) {
    for (let oy = 0; oy < outHeight; oy++) {
      for (let ox = 0; ox < outWidth; ox++) {
        const offset = <usize>((c * height + oy * sh) * width + ox * sw) * row;
        let b = 0;
        for (; b + 4 <= batch; b += 4) {
          const lanes = (<usize>b) << 2;
          const at = x + offset + lanes;
          let m = v128.load(at);
          for (let i = 0; i < kh; i++) {
            for (let j = 0; j < kw; j++) m = f32x4.max(m, v128.load(at + <usize>(i * width + j) * row));
          }
          const g = v128.load(upstream + lanes);
          let taken = i32x4.splat(0);
          for (let i = 0; i < kh; i++) {
            for (let j = 0; j < kw; j++) {
              const step = <usize>(i * width + j) * row;
              const hit = v128.andnot(f32x4.eq(v128.load(at + step), m), taken);
              const target = dx + offset + lanes + step;
              v128.store(target, f32x4.add(v128.load(target), v128.and(g, hit)));
              taken = v128.or(taken, hit);
            }
          }
        }
        for (; b < batch; b++) {
          const lanes = (<usize>b) << 2;
          let best: usize = 0;
          let m = load<f32>(x + offset + lanes);
          for (let i = 0; i < kh; i++) {
            for (let j = 0; j < kw; j++) {
              const step = <usize>(i * width + j) * row;
              const v = load<f32>(x + offset + lanes + step);
              if (v > m) {
                m = v;
                best = step;
              }
            }
          }
          const target = dx + offset + lanes + best;
          store<f32>(target, load<f32>(target) + load<f32>(upstream + lanes));
        }
        upstream += row;
      }
    }
  }
}

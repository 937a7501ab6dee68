// im2col and its adjoint on an image batch x [C, H, W, B] (batch innermost), see Kernels.im2col: the runs of
// the map are contiguous (a pixel's batch row of B floats; with stride 1 a window row across all output
// columns), so im2col is memory.copy and memory.fill, and col2im adds runs of dcols into dx, visiting them in
// the order of the reference (channel, i, j, oy, ox), so each dx entry sums its terms in the same order.
// Channels are independent: threads split them (the pointers moved to a channel's first row of x and cols).

export function im2col(
  x: usize,
  cols: usize,
  channels: i32,
  height: i32,
  width: i32,
  batch: i32,
  kh: i32,
  kw: i32,
  sh: i32,
  sw: i32,
  ph: i32,
  pw: i32,
): void {
  forEachRun(false, x, cols, channels, height, width, batch, kh, kw, sh, sw, ph, pw);
}

export function col2im(
  dcols: usize,
  dx: usize,
  channels: i32,
  height: i32,
  width: i32,
  batch: i32,
  kh: i32,
  kw: i32,
  sh: i32,
  sw: i32,
  ph: i32,
  pw: i32,
): void {
  forEachRun(true, dx, dcols, channels, height, width, batch, kh, kw, sh, sw, ph, pw);
}

/** im2col's runs: copies x → cols and zeroes the padding runs, or (adjoint) adds cols runs into x. */
function forEachRun(
  adjoint: bool,
  x: usize,
  cols: usize,
  channels: i32,
  height: i32,
  width: i32,
  batch: i32,
  kh: i32,
  kw: i32,
  sh: i32,
  sw: i32,
  ph: i32,
  pw: i32,
): void {
  const outHeight = (height + 2 * ph - kh) / sh + 1;
  const outWidth = (width + 2 * pw - kw) / sw + 1;
  const pixelBytes = (<usize>batch) << 2;
  const lineBytes = <usize>outWidth * pixelBytes;
  const rowBytes = <usize>outHeight * lineBytes;
  for (let c = 0; c < channels; c++) {
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const row = cols + <usize>((c * kh + i) * kw + j) * rowBytes;
        // Output columns ox whose input column ix = ox·sw + j − pw lies inside [0, W).
        const ox0 = max(0, -floorDivide(j - pw, sw));
        const ox1 = min(outWidth, floorDivide(width - 1 + pw - j, sw) + 1);
        for (let oy = 0; oy < outHeight; oy++) {
          const line = row + <usize>oy * lineBytes;
          const iy = oy * sh + i - ph;
          if (iy < 0 || iy >= height || ox1 <= ox0) {
            if (!adjoint) memory.fill(line, 0, lineBytes);
            continue;
          }
          if (!adjoint) {
            if (ox0 > 0) memory.fill(line, 0, <usize>ox0 * pixelBytes);
            if (ox1 < outWidth)
              memory.fill(line + <usize>ox1 * pixelBytes, 0, <usize>(outWidth - ox1) * pixelBytes);
          }
          const xLine = x + <usize>((c * height + iy) * width) * pixelBytes;
          if (sw === 1) {
            const from = xLine + <usize>(ox0 + j - pw) * pixelBytes;
            const to = line + <usize>ox0 * pixelBytes;
            run(adjoint, from, to, <usize>(ox1 - ox0) * pixelBytes);
          } else {
            for (let ox = ox0; ox < ox1; ox++) {
              const from = xLine + <usize>(ox * sw + j - pw) * pixelBytes;
              run(adjoint, from, line + <usize>ox * pixelBytes, pixelBytes);
            }
          }
        }
      }
    }
  }
}

/** ⌊a / b⌋ for b > 0 (i32 division truncates towards zero). */
function floorDivide(a: i32, b: i32): i32 {
  return a >= 0 ? a / b : -((b - 1 - a) / b);
}

/** Copies `bytes` from x to cols, or (adjoint) adds them from cols into x. */
function run(adjoint: bool, x: usize, cols: usize, bytes: usize): void {
  if (!adjoint) {
    memory.copy(cols, x, bytes);
    return;
  }
  let at: usize = 0;
  for (; at + 16 <= bytes; at += 16) v128.store(x + at, f32x4.add(v128.load(x + at), v128.load(cols + at)));
  for (; at < bytes; at += 4) store<f32>(x + at, load<f32>(x + at) + load<f32>(cols + at));
}

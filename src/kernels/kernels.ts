/**
 * The kernel contract, declared once. Every backend (the TypeScript reference, the WebAssembly SIMD builds)
 * implements the Kernels interface that follows from these declarations, and the same tests run against each.
 * A kernel takes one object of named arguments; arrays are views into the shared heap (see heap.ts), and sizes
 * are given explicitly, so a kernel may work on a prefix of a larger buffer. Each declaration lists the
 * arguments in the order of the WebAssembly export (assembly/), with the entries each view must hold
 * (declare.ts says how to read one; wasmKernels.ts binds them; kernelExports.test.ts checks them against the
 * compiled module).
 *
 * Layout: matrices are row-major. Activations are feature-major, [features, batch], so the batch is the
 * contiguous dimension: a dense layer computes Y[out, B] = W[out, in] · X[in, B], and a sparse layer walks
 * a weight row's kept entries and adds whole contiguous batch rows (the layout that makes sparse kernels fast).
 *
 * `accumulate`: when true the kernel adds its result into its output; when false it overwrites it.
 */
import {
  type ArgsOf,
  anyInOut,
  type Call,
  declareKernels,
  f32In,
  f32InOut,
  f32Out,
  f64Out,
  flag,
  float,
  hostSize,
  i32In,
  i32Out,
  type KernelsOf,
  optional,
  size,
  viewsOf,
  wasmOnly,
} from './declare.js';

const n = (call: Call) => call.n;
const rows = (call: Call) => call.rows;
const cols = (call: Call) => call.cols;
const matrix = (call: Call) => call.rows * call.cols;

/** The product's operands: A [m×k] (or stored [k×m] when transposed), B [k×n] (or [n×k]), C [m×n]. */
const matmulArgs = (transA: number, transB: number) =>
  ({
    a: f32In((call) => call.m * call.k),
    b: f32In((call) => call.k * call.n),
    c: f32InOut((call) => call.m * call.n),
    m: size,
    k: size,
    n: size,
    transA: wasmOnly(() => transA),
    transB: wasmOnly(() => transB),
    accumulate: flag,
  }) as const;

/** The sizes of a pooling kernel (no padding). */
const poolSizes = {
  channels: size,
  height: size,
  width: size,
  batch: size,
  kh: size,
  kw: size,
  sh: size,
  sw: size,
} as const;
/** The sizes of im2col and col2im. */
const im2colSizes = { ...poolSizes, ph: size, pw: size } as const;

/** Entries of a pooling kernel's input [C, H, W, B] and output [C, Hout, Wout, B]. */
export function poolCounts(call: Call): { inputs: number; outputs: number } {
  const { channels, height, width, batch, kh, kw, sh, sw } = call;
  const outHeight = Math.floor((height - kh) / sh) + 1;
  const outWidth = Math.floor((width - kw) / sw) + 1;
  return { inputs: channels * height * width * batch, outputs: channels * outHeight * outWidth * batch };
}

/** Entries of im2col's input [C, H, W, B] and of its columns [C·kh·kw, Hout·Wout·B]. */
export function im2colCounts(call: Call): { inputs: number; columns: number } {
  const { channels, height, width, batch, kh, kw, sh, sw, ph, pw } = call;
  const outHeight = Math.floor((height + 2 * ph - kh) / sh) + 1;
  const outWidth = Math.floor((width + 2 * pw - kw) / sw) + 1;
  return {
    inputs: channels * height * width * batch,
    columns: channels * kh * kw * outHeight * outWidth * batch,
  };
}

/** Positions per row tile of causal attention's score matrix (ATTENTION_TILE in assembly/attention.ts). */
export const ATTENTION_TILE = 16;

/**
 * Floats of one block's causal attention probabilities: Σ over row tiles [r0, r1) of (r1 − r0)·r1 (at T = 128:
 * 56% of T², the triangle being 50%).
 */
export function causalProbsSize(length: number): number {
  let size = 0;
  for (let r0 = 0; r0 < length; r0 += ATTENTION_TILE) {
    const r1 = Math.min(r0 + ATTENTION_TILE, length);
    size += (r1 - r0) * r1;
  }
  return size;
}

const blockEntries = (call: Call) => call.blocks * call.length * call.headDim;
const probsEntries = (call: Call) => call.blocks * causalProbsSize(call.length);
const headEntries = (call: Call) => call.d * call.length * call.batch;

/** The head blocks of gatherHeads need d_h = d / heads whole: the kernel would misplace features otherwise. */
function checkHeads({ d, heads }: Call): void {
  if (!Number.isInteger(heads) || heads < 1 || d % heads !== 0) {
    throw new Error(`${heads} heads do not divide ${d} features: pick a divisor of ${d}`);
  }
}

/**
 * The entries moveRuns touches: the farthest end of a run or of its target, after checking every run stays
 * inside the array.
 */
function runsReach(call: Call): number {
  const { runs, runCount } = viewsOf<{ runs: Int32Array; runCount: number }>(call);
  let reach = 0;
  for (let r = 0; r < runCount; r++) {
    const [start, end, d] = [runs[3 * r], runs[3 * r + 1], runs[3 * r + 2]];
    if (start < 0 || start + d < 0 || end < start) {
      throw new Error(`moveRuns: run ${r} [${start}, ${end}) by ${d} leaves the array: pass runs inside it`);
    }
    reach = Math.max(reach, end, end + d);
  }
  return reach;
}

/** Every label must name a class: the kernel would read outside the logits otherwise. */
function checkLabels(call: Call): void {
  const { labels, classes, batch } = viewsOf<{ labels: Int32Array; classes: number; batch: number }>(call);
  if (labels.length < batch) return; // the binding reports the short array
  for (let b = 0; b < batch; b++) {
    const label = labels[b];
    if (!(label >= 0 && label < classes)) {
      throw new Error(`label ${label} of example ${b} is outside 0..${classes - 1}`);
    }
  }
}

// Spartan (Tai, Tian, Lim, arXiv:2205.14107; spec/spartan.md; src/spartan/softTopKSolver.ts): passes over
// float32 entries j with values v_j ≥ 0 and costs c_j > 0 (`costs` null: every cost is 1), unit values
// u_j = v_j / c_j (in float32); sums in float64.
const spartanEntries = { values: f32In(n), costs: optional(f32In(n)), n: size } as const;

export const denseKernelDeclarations = declareKernels({
  /** Dense product C[m×n] (+)= A[m×k] · B[k×n]. */
  matmulNN: { export: 'matmul', args: matmulArgs(0, 0) },
  /** Dense product C[m×n] (+)= Aᵀ · B with A stored [k×m] (input gradient: dX = Wᵀ·dY). */
  matmulTN: { export: 'matmul', args: matmulArgs(1, 0) },
  /** Dense product C[m×n] (+)= A · Bᵀ with B stored [n×k] (weight gradient: dW = dY·Xᵀ). */
  matmulNT: { export: 'matmul', args: matmulArgs(0, 1) },

  /** out[r, c] = x[r, c] + bias[r] for a [rows×cols] matrix (feature-major bias: one value per row). */
  addRowBias: {
    args: { x: f32In(matrix), bias: f32In(rows), out: f32Out(matrix), rows: size, cols: size },
  },
  /** out[r] (+)= Σ_c x[r, c]: the gradient of addRowBias with respect to the bias. */
  rowSums: {
    args: { x: f32In(matrix), out: f32InOut(rows), rows: size, cols: size, accumulate: flag },
  },

  /** out = max(x, 0), elementwise over n entries. */
  relu: { args: { x: f32In(n), out: f32Out(n), n: size } },
  /** dx (+)= dy · [x > 0]. */
  reluBackward: { args: { x: f32In(n), dy: f32In(n), dx: f32InOut(n), n: size, accumulate: flag } },
  /** out = GELU(x) = x·Φ(x), tanh approximation: 0.5x(1 + tanh(√(2/π)(x + 0.044715x³))). */
  gelu: { args: { x: f32In(n), out: f32Out(n), n: size } },
  /** dx (+)= dy · GELU'(x) (derivative of the same tanh approximation). */
  geluBackward: { args: { x: f32In(n), dy: f32In(n), dx: f32InOut(n), n: size, accumulate: flag } },

  /**
   * A layer's bias and GELU in one pass over a feature-major x [rows×cols]: out[r, c] = GELU(x[r, c] + bias[r])
   * (the same z and GELU as addRowBias then gelu) and, when `slope` is given (a backward will run),
   * slope[r, c] = GELU'(x[r, c] + bias[r]), what biasActivationBackward reads.
   */
  biasGelu: {
    args: {
      x: f32In(matrix),
      bias: f32In(rows),
      out: f32Out(matrix),
      slope: optional(f32Out(matrix)),
      rows: size,
      cols: size,
    },
  },
  /** out[r, c] = max(x[r, c] + bias[r], 0). */
  biasRelu: {
    args: { x: f32In(matrix), bias: f32In(rows), out: f32Out(matrix), rows: size, cols: size },
  },
  /**
   * The backward of biasGelu and biasRelu from what their forward saved: with g = dy ⊙ slope (biasGelu's slope,
   * relu false) or g = dy·[y > 0] (biasRelu's output y, relu true), dx (+)= g and dbias[r] += Σ_c g (dbias
   * always accumulates).
   */
  biasActivationBackward: {
    args: {
      saved: f32In(matrix),
      dy: f32In(matrix),
      dx: f32InOut(matrix),
      dbias: f32InOut(rows),
      rows: size,
      cols: size,
      relu: flag,
      accumulate: flag,
    },
  },

  /**
   * Embedding lookup: out[j, c] = table[ids[c], j] for a table [vocab×dim] and n token ids stored as exact
   * float32 integers in 0..vocab−1 (the caller checks them), out [dim×n].
   */
  embeddingLookup: {
    args: {
      table: f32In((call) => call.vocab * call.dim),
      ids: f32In(n),
      out: f32Out((call) => call.dim * call.n),
      vocab: hostSize,
      dim: size,
      n: size,
    },
  },
  /** The gradient of embeddingLookup: dtable[ids[c], j] += dy[j, c], in the order j, then c. */
  embeddingBackward: {
    args: {
      ids: f32In(n),
      dy: f32In((call) => call.dim * call.n),
      dtable: f32InOut((call) => call.vocab * call.dim),
      vocab: hostSize,
      dim: size,
      n: size,
    },
  },

  /**
   * Max pooling of an image batch x [C, H, W, B] (batch innermost) over kh×kw windows with stride [sh, sw], no
   * padding: y[c, oy, ox, b] = max_{i<kh, j<kw} x[c, oy·sh + i, ox·sw + j, b], with y [C, Hout, Wout, B],
   * Hout = ⌊(H − kh) / sh⌋ + 1, Wout = ⌊(W − kw) / sw⌋ + 1.
   */
  maxPool2d: {
    args: {
      x: f32In((call) => poolCounts(call).inputs),
      y: f32Out((call) => poolCounts(call).outputs),
      ...poolSizes,
    },
  },
  /** dx += dy routed to each window's maximum (the first in (i, j) order on ties); sizes as maxPool2d. */
  maxPool2dBackward: {
    args: {
      x: f32In((call) => poolCounts(call).inputs),
      dy: f32In((call) => poolCounts(call).outputs),
      dx: f32InOut((call) => poolCounts(call).inputs),
      ...poolSizes,
    },
  },
  /**
   * Unfolds the kh×kw windows (stride [sh, sw], zero padding [ph, pw]) of an image batch x [C, H, W, B] into
   * the columns of cols [C·kh·kw, Hout·Wout·B], so that a convolution is one matrix product (Chellapilla et
   * al. 2006): cols[(c·kh + i)·kw + j, (oy·Wout + ox)·B + b] = x[c, oy·sh + i − ph, ox·sw + j − pw, b], 0
   * outside x, with Hout = ⌊(H + 2·ph − kh) / sh⌋ + 1 and Wout likewise. Every entry of cols is written.
   */
  im2col: {
    args: {
      x: f32In((call) => im2colCounts(call).inputs),
      cols: f32Out((call) => im2colCounts(call).columns),
      ...im2colSizes,
    },
  },
  /**
   * The adjoint of im2col (col2im): dx[c, iy, ix, b] += every entry of dcols that im2col reads from
   * x[c, iy, ix, b], added in the order channel, i, j, oy, ox; sizes as im2col.
   */
  col2im: {
    args: {
      dcols: f32In((call) => im2colCounts(call).columns),
      dx: f32InOut((call) => im2colCounts(call).inputs),
      ...im2colSizes,
    },
  },

  /**
   * Layer normalisation of each column of a feature-major x [rows×cols] over its rows (features):
   * μ_c = mean_r x, σ²_c = mean_r (x − μ_c)², normalized = (x − μ_c)·inverseStd_c with
   * inverseStd_c = 1/√(σ²_c + eps), out[r, c] = gain[r]·normalized[r, c] + bias[r]. Writes out, normalized
   * (rows·cols) and inverseStd (cols), both kept for the backward.
   */
  layerNorm: {
    args: {
      x: f32In(matrix),
      gain: f32In(rows),
      bias: f32In(rows),
      out: f32Out(matrix),
      normalized: f32Out(matrix),
      inverseStd: f32Out(cols),
      rows: size,
      cols: size,
      eps: float,
    },
  },
  /**
   * Gradients of layerNorm, with ĝ = dy·gain[r]: dx (+)= (ĝ − mean_r ĝ − normalized·mean_r(ĝ·normalized))·inverseStd,
   * dgain[r] (+)= Σ_c dy·normalized, dbias[r] (+)= Σ_c dy. `scratch` holds 2·cols floats (the two column means).
   */
  layerNormBackward: {
    args: {
      dy: f32In(matrix),
      gain: f32In(rows),
      normalized: f32In(matrix),
      inverseStd: f32In(cols),
      dx: f32InOut(matrix),
      dgain: f32InOut(rows),
      dbias: f32InOut(rows),
      scratch: f32Out((call) => 2 * call.cols),
      rows: size,
      cols: size,
      accumulate: flag,
    },
  },

  /**
   * Position-major activations x [d, T·B] (column t·B + b) to sequence-major head blocks out [B, heads, T, d_h],
   * d_h = d / heads: out[((b·heads + h)·T + t)·d_h + i] = x[h·d_h + i, t·B + b], so each (sequence, head)
   * block [T×d_h] is contiguous with one position per row.
   */
  gatherHeads: {
    args: {
      x: f32In(headEntries),
      out: f32Out(headEntries),
      d: size,
      length: size,
      batch: size,
      heads: size,
    },
    check: checkHeads,
  },
  /** The inverse of gatherHeads: x[h·d_h + i, t·B + b] (+)= blocks[((b·heads + h)·T + t)·d_h + i]. */
  scatterHeads: {
    args: {
      blocks: f32In(headEntries),
      x: f32InOut(headEntries),
      d: size,
      length: size,
      batch: size,
      heads: size,
      accumulate: flag,
    },
    check: checkHeads,
  },
  /**
   * Causal attention on `blocks` blocks q, k, v, out [T×d_h] (T = length): out = P·V with
   * P[t, s] = softmax_{s ≤ t}(scale·q_t·k_s) and 0 for s > t. Only the causal part is computed: row tile
   * [r0, r1) of ATTENTION_TILE positions meets keys 0..r1−1, and P is stored as those [(r1 − r0)×r1] tiles in
   * order, causalProbsSize(T) floats per block (entries past the diagonal are 0). Kept for the backward.
   * Blocks are independent and contiguous in every array: a thread pool may split them (a range of blocks is
   * a call on subarrays), giving each part of the backward its own scratch.
   */
  causalAttention: {
    args: {
      q: f32In(blockEntries),
      k: f32In(blockEntries),
      v: f32In(blockEntries),
      probs: f32Out(probsEntries),
      out: f32Out(blockEntries),
      length: size,
      headDim: size,
      blocks: size,
      scale: float,
    },
  },
  /**
   * The gradients of causalAttention given dout, overwriting dq, dk, dv: dV = Pᵀ·dO, dP = dO·Vᵀ,
   * dS = scale·P ⊙ (dP − Σ_s P ⊙ dP), dQ = dS·K, dK = dSᵀ·Q, on the causal tiles only. `scratch` holds
   * 3·causalProbsSize(T) floats.
   */
  causalAttentionBackward: {
    args: {
      q: f32In(blockEntries),
      k: f32In(blockEntries),
      v: f32In(blockEntries),
      probs: f32In(probsEntries),
      dout: f32In(blockEntries),
      dq: f32Out(blockEntries),
      dk: f32Out(blockEntries),
      dv: f32Out(blockEntries),
      scratch: f32Out((call) => 3 * causalProbsSize(call.length)),
      length: size,
      headDim: size,
      blocks: size,
      scale: float,
    },
  },

  /** out = a + b. */
  add: { args: { a: f32In(n), b: f32In(n), out: f32Out(n), n: size } },
  /** out = a ⊙ b. */
  mul: { args: { a: f32In(n), b: f32In(n), out: f32Out(n), n: size } },
  /** out = s · a. */
  scale: { args: { a: f32In(n), s: float, out: f32Out(n), n: size } },
  /** y += alpha · x. */
  axpy: { args: { alpha: float, x: f32In(n), y: f32InOut(n), n: size } },
  /** Σ x over n entries (accumulated in float64). */
  sum: { args: { x: f32In(n), n: size }, returns: 'number' },
  /**
   * Moves runs of `array` in place: run r = runs[3r .. 3r+2] = [start, end, d] moves entries [start, end) by d
   * positions (natively: TypedArray copyWithin on the shared heap goes element by element, measured 18×
   * slower). Runs are ascending and their targets disjoint and in the same order (the kept entries of a
   * sorted list after removals and insertions): left moves go first, ascending, then right moves, descending.
   */
  moveRuns: {
    args: { array: anyInOut(runsReach), runs: i32In((call) => 3 * call.runCount), runCount: size },
  },
  /**
   * Finds the entries whose magnitude key k = (float bits & 0x7fffffff) has k ≤ below or k ≥ above (signed;
   * below −1: none below): writes the first `capacity` of their indices, ascending, to `out` and returns how
   * many there are. Top-KAST's incremental refresh scans B with it for the few entries near its thresholds.
   */
  flagOutside: {
    args: {
      values: f32In(n),
      n: size,
      below: size,
      above: size,
      out: i32Out((call) => call.capacity),
      capacity: size,
    },
    returns: 'number',
  },

  /**
   * Row softmax and cross-entropy on feature-major logits [classes × batch] (a column is one example).
   * Writes the probabilities to `probs` and returns the mean loss over the batch, −(1/B) Σ_b log p[label_b, b].
   */
  softmaxCrossEntropy: {
    args: {
      logits: f32In((call) => call.classes * call.batch),
      labels: i32In((call) => call.batch),
      probs: f32Out((call) => call.classes * call.batch),
      classes: size,
      batch: size,
    },
    returns: 'number',
    check: checkLabels,
  },
  /** dlogits (+)= scale · (probs − onehot(labels)); scale is usually upstream/B. */
  softmaxCrossEntropyBackward: {
    args: {
      probs: f32In((call) => call.classes * call.batch),
      labels: i32In((call) => call.batch),
      dlogits: f32InOut((call) => call.classes * call.batch),
      classes: size,
      batch: size,
      scale: float,
      accumulate: flag,
    },
  },

  /**
   * SGD step over n entries (PyTorch semantics): g = grad + wd·p; v = μ·v + g;
   * p −= lr · (nesterov ? g + μ·v : v). With μ = 0 the velocity array is not read.
   */
  sgdUpdate: {
    args: {
      params: f32InOut(n),
      grads: f32In(n),
      velocity: f32InOut(n, (call) => call.momentum === 0),
      n: size,
      lr: float,
      momentum: float,
      nesterov: flag,
      weightDecay: float,
    },
  },
  /**
   * AdamW step over n entries (Loshchilov and Hutter 2019, decoupled decay): p −= lr·wd·p;
   * m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g²; p −= lr · (m / bc1) / (√(v / bc2) + ε),
   * where bc1 = 1 − β1^t and bc2 = 1 − β2^t are the bias corrections of step t (given by the caller).
   */
  adamwUpdate: {
    args: {
      params: f32InOut(n),
      grads: f32In(n),
      m: f32InOut(n),
      v: f32InOut(n),
      n: size,
      lr: float,
      beta1: float,
      beta2: float,
      eps: float,
      weightDecay: float,
      bc1: float,
      bc2: float,
    },
  },

  /** out = scale·|w|: the values of 1×1 blocks. */
  spartanValues: { args: { w: f32In(n), out: f32Out(n), n: size, scale: float } },
  /**
   * Weighted radix histogram of the unit values' float32 bits: every entry with (bits & highMask) == prefix
   * adds c_j to histogram[(j mod 4)·bins + ((bits >>> shift) & (bins − 1))] (four interleaved copies, which
   * the caller zeroes beforehand and sums afterwards). bins is a power of two.
   */
  spartanHistogram: {
    args: {
      ...spartanEntries,
      highMask: size,
      prefix: size,
      shift: size,
      bins: size,
      histogram: f64Out((call) => 4 * call.bins),
    },
  },
  /**
   * The first j (in index order) with u_j == threshold at which the summed cost of such entries reaches
   * `remaining`; the last such j if it never does; −1 if there is none.
   */
  spartanTieBoundary: {
    args: { ...spartanEntries, threshold: float, remaining: float },
    returns: 'number',
  },
  /**
   * One pass narrowing the hard threshold to the band [low, high] of unit values: sums[0] = Σ c over u > high,
   * sums[1] = max u, sums[2] = min u (NaN if a value is NaN); copies the unit values inside the band, in index
   * order, to `band` (at most `capacity`). Returns how many lie in the band. With `weights` given (unit costs),
   * first writes values = scale·|weights| (the values of 1×1 blocks).
   */
  spartanBand: {
    args: {
      ...spartanEntries,
      low: float,
      high: float,
      band: f32Out((call) => call.capacity),
      capacity: size,
      sums: f64Out(() => 3),
      weights: optional(f32In(n)),
      scale: float,
    },
    returns: 'number',
  },
  /**
   * The soft mask at shift μ: m_j = σ(β(u_j − τ) + μ) = 1 / (1 + e_j), e_j = e^{−(β(u_j − τ) + μ)} clamped to
   * e^80, written as 0 once e_j ≥ e^30 (m < 1e-13). sums[0..2] = Σ c m, Σ c m(1 − m), Σ c m(1 − m)(1 − 2m).
   * With soft and effective given, writes m to soft and m·h to effective (h_j = 1 for u_j > τ, or u_j == τ
   * and j ≤ boundary; there m is not flushed). ratio = 0: e_j is computed, and stored to `exponentials` unless
   * null; ratio > 0: `exponentials` holds e_j of a pass at μ0 and ratio = e^{μ0 − μ}, so e_j·ratio is used
   * (no exponential; `exponentials` may be `soft`).
   */
  spartanMaskPass: {
    args: {
      ...spartanEntries,
      beta: float,
      threshold: float,
      mu: float,
      boundary: size,
      sums: f64Out(() => 3),
      soft: optional(f32Out(n)),
      effective: optional(f32Out(n)),
      exponentials: optional(f32InOut(n)),
      ratio: float,
    },
  },
  /** The backward of W ⊙ m ⊙ h: grad += dy ⊙ m and upstream += dy ⊙ W, each unless null. */
  spartanMaskBackward: {
    args: {
      dy: f32In(n),
      w: f32In(n),
      soft: f32In(n),
      grad: optional(f32InOut(n)),
      upstream: optional(f32InOut(n)),
      n: size,
    },
  },
  /**
   * The backward of W ⊙ m ⊙ h for 1×1 blocks with the soft top-k's γ term: grad += dy ⊙ (m + β·a·|w|/c), with
   * a = m(1 − m); returns Σ γ a, γ = dy ⊙ w (= ∂L/∂m).
   */
  spartanSoftMaskBackward: {
    args: {
      dy: f32In(n),
      w: f32In(n),
      soft: f32In(n),
      grad: f32InOut(n),
      costs: optional(f32In(n)),
      n: size,
      beta: float,
    },
    returns: 'number',
  },
  /**
   * grad_j += sign(w_j)·β·a_j·(γ_j / c_j − s) (the soft top-k's implicit gradient), then upstream = 0; with
   * upstream null, γ = 0 (the −s term alone).
   */
  spartanApplyGradient: {
    args: {
      w: f32In(n),
      grad: f32InOut(n),
      soft: f32In(n),
      upstream: optional(f32InOut(n)),
      costs: optional(f32In(n)),
      n: size,
      beta: float,
      s: float,
    },
  },
});

/** The dense kernels every backend implements. */
export type Kernels = KernelsOf<typeof denseKernelDeclarations>;

/** The named arguments of dense kernel K (what its reference implementation takes). */
export type KernelArgs<K extends keyof typeof denseKernelDeclarations> = ArgsOf<
  (typeof denseKernelDeclarations)[K]
>;

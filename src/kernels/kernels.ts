/**
 * The kernel contract. Every backend (the TypeScript reference, the WebAssembly SIMD builds) implements it,
 * and the same tests run against each. Arrays are views into the shared heap (see heap.ts); sizes are given
 * explicitly, so a kernel may work on a prefix of a larger buffer.
 *
 * Layout: matrices are row-major. Activations are feature-major, [features, batch], so the batch is the
 * contiguous dimension: a dense layer computes Y[out, B] = W[out, in] · X[in, B], and a sparse layer walks
 * a weight row's kept entries and adds whole contiguous batch rows (the layout that makes sparse kernels fast).
 *
 * `accumulate`: when true the kernel adds its result into `out`; when false it overwrites `out`.
 */
export interface Kernels {
  /** 'reference', 'wasm-simd' or 'wasm-relaxed-simd'. */
  readonly name: string;

  /**
   * Dense product in the three forms training needs (m, k, n describe the product, not the storage):
   * - NN: C[m×n] = A[m×k] · B[k×n]
   * - TN: C[m×n] = Aᵀ · B with A stored [k×m]     (input gradient: dX = Wᵀ·dY)
   * - NT: C[m×n] = A · Bᵀ with B stored [n×k]     (weight gradient: dW = dY·Xᵀ)
   * transA and transB together is not supported.
   */
  matmul(
    a: Float32Array,
    b: Float32Array,
    c: Float32Array,
    m: number,
    k: number,
    n: number,
    transA: boolean,
    transB: boolean,
    accumulate: boolean,
  ): void;

  /** out[r, c] = x[r, c] + bias[r] for a [rows×cols] matrix (feature-major bias: one value per row). */
  addRowBias(x: Float32Array, bias: Float32Array, out: Float32Array, rows: number, cols: number): void;

  /** out[r] (+)= Σ_c x[r, c]: the gradient of addRowBias with respect to the bias. */
  rowSums(x: Float32Array, out: Float32Array, rows: number, cols: number, accumulate: boolean): void;

  /** out = max(x, 0), elementwise over n entries. */
  relu(x: Float32Array, out: Float32Array, n: number): void;
  /** dx (+)= dy · [x > 0]. */
  reluBackward(x: Float32Array, dy: Float32Array, dx: Float32Array, n: number, accumulate: boolean): void;

  /** out = GELU(x) = x·Φ(x), tanh approximation: 0.5x(1 + tanh(√(2/π)(x + 0.044715x³))). */
  gelu(x: Float32Array, out: Float32Array, n: number): void;
  /** dx (+)= dy · GELU'(x) (derivative of the same tanh approximation). */
  geluBackward(x: Float32Array, dy: Float32Array, dx: Float32Array, n: number, accumulate: boolean): void;

  /**
   * A layer's bias and GELU in one pass over a feature-major x [rows×cols]: out[r, c] = GELU(x[r, c] + bias[r])
   * (the same z and GELU as addRowBias then gelu) and, when `slope` is given (a backward will run),
   * slope[r, c] = GELU'(x[r, c] + bias[r]), what biasActivationBackward reads.
   */
  biasGelu(
    x: Float32Array,
    bias: Float32Array,
    out: Float32Array,
    slope: Float32Array | null,
    rows: number,
    cols: number,
  ): void;
  /** out[r, c] = max(x[r, c] + bias[r], 0). */
  biasRelu(x: Float32Array, bias: Float32Array, out: Float32Array, rows: number, cols: number): void;
  /**
   * The backward of biasGelu and biasRelu from what their forward saved: with g = dy ⊙ slope (biasGelu's slope,
   * relu false) or g = dy·[y > 0] (biasRelu's output y, relu true), dx (+)= g and dbias[r] += Σ_c g (dbias
   * always accumulates).
   */
  biasActivationBackward(
    saved: Float32Array,
    dy: Float32Array,
    dx: Float32Array,
    dbias: Float32Array,
    rows: number,
    cols: number,
    relu: boolean,
    accumulate: boolean,
  ): void;

  /**
   * Embedding lookup: out[j, c] = table[ids[c], j] for a table [vocab×dim] and n token ids stored as exact
   * float32 integers in 0..vocab−1 (the caller checks them), out [dim×n].
   */
  embeddingLookup(
    table: Float32Array,
    ids: Float32Array,
    out: Float32Array,
    vocab: number,
    dim: number,
    n: number,
  ): void;
  /** The gradient of embeddingLookup: dtable[ids[c], j] += dy[j, c], in the order j, then c. */
  embeddingBackward(
    ids: Float32Array,
    dy: Float32Array,
    dtable: Float32Array,
    vocab: number,
    dim: number,
    n: number,
  ): void;

  /**
   * Max pooling of an image batch x [C, H, W, B] (batch innermost) over kh×kw windows with stride [sh, sw], no
   * padding: y[c, oy, ox, b] = max_{i<kh, j<kw} x[c, oy·sh + i, ox·sw + j, b], with y [C, Hout, Wout, B],
   * Hout = ⌊(H − kh) / sh⌋ + 1, Wout = ⌊(W − kw) / sw⌋ + 1.
   */
  maxPool2d(
    x: Float32Array,
    y: Float32Array,
    channels: number,
    height: number,
    width: number,
    batch: number,
    kh: number,
    kw: number,
    sh: number,
    sw: number,
  ): void;
  /**
   * Unfolds the kh×kw windows (stride [sh, sw], zero padding [ph, pw]) of an image batch x [C, H, W, B] into
   * the columns of cols [C·kh·kw, Hout·Wout·B], so that a convolution is one matrix product (Chellapilla et
   * al. 2006): cols[(c·kh + i)·kw + j, (oy·Wout + ox)·B + b] = x[c, oy·sh + i − ph, ox·sw + j − pw, b], 0
   * outside x, with Hout = ⌊(H + 2·ph − kh) / sh⌋ + 1 and Wout likewise. Every entry of cols is written.
   */
  im2col(
    x: Float32Array,
    cols: Float32Array,
    channels: number,
    height: number,
    width: number,
    batch: number,
    kh: number,
    kw: number,
    sh: number,
    sw: number,
    ph: number,
    pw: number,
  ): void;
  /**
   * The adjoint of im2col (col2im): dx[c, iy, ix, b] += every entry of dcols that im2col reads from
   * x[c, iy, ix, b], added in the order channel, i, j, oy, ox; sizes as im2col.
   */
  col2im(
    dcols: Float32Array,
    dx: Float32Array,
    channels: number,
    height: number,
    width: number,
    batch: number,
    kh: number,
    kw: number,
    sh: number,
    sw: number,
    ph: number,
    pw: number,
  ): void;

  /** dx += dy routed to each window's maximum (the first in (i, j) order on ties); sizes as maxPool2d. */
  maxPool2dBackward(
    x: Float32Array,
    dy: Float32Array,
    dx: Float32Array,
    channels: number,
    height: number,
    width: number,
    batch: number,
    kh: number,
    kw: number,
    sh: number,
    sw: number,
  ): void;

  /**
   * Layer normalisation of each column of a feature-major x [rows×cols] over its rows (features):
   * μ_c = mean_r x, σ²_c = mean_r (x − μ_c)², normalized = (x − μ_c)·inverseStd_c with
   * inverseStd_c = 1/√(σ²_c + eps), out[r, c] = gain[r]·normalized[r, c] + bias[r]. Writes out, normalized
   * (rows·cols) and inverseStd (cols), both kept for the backward.
   */
  layerNorm(
    x: Float32Array,
    gain: Float32Array,
    bias: Float32Array,
    out: Float32Array,
    normalized: Float32Array,
    inverseStd: Float32Array,
    rows: number,
    cols: number,
    eps: number,
  ): void;
  /**
   * Gradients of layerNorm, with ĝ = dy·gain[r]: dx (+)= (ĝ − mean_r ĝ − normalized·mean_r(ĝ·normalized))·inverseStd,
   * dgain[r] (+)= Σ_c dy·normalized, dbias[r] (+)= Σ_c dy. `scratch` holds 2·cols floats (the two column means).
   */
  layerNormBackward(
    dy: Float32Array,
    gain: Float32Array,
    normalized: Float32Array,
    inverseStd: Float32Array,
    dx: Float32Array,
    dgain: Float32Array,
    dbias: Float32Array,
    scratch: Float32Array,
    rows: number,
    cols: number,
    accumulate: boolean,
  ): void;

  /**
   * Position-major activations x [d, T·B] (column t·B + b) to sequence-major head blocks out [B, heads, T, d_h],
   * d_h = d / heads: out[((b·heads + h)·T + t)·d_h + i] = x[h·d_h + i, t·B + b], so each (sequence, head)
   * block [T×d_h] is contiguous with one position per row.
   */
  gatherHeads(
    x: Float32Array,
    out: Float32Array,
    d: number,
    length: number,
    batch: number,
    heads: number,
  ): void;
  /** The inverse of gatherHeads: x[h·d_h + i, t·B + b] (+)= blocks[((b·heads + h)·T + t)·d_h + i]. */
  scatterHeads(
    blocks: Float32Array,
    x: Float32Array,
    d: number,
    length: number,
    batch: number,
    heads: number,
    accumulate: boolean,
  ): void;
  /**
   * Causal attention on `blocks` blocks q, k, v, out [T×d_h] (T = length): out = P·V with
   * P[t, s] = softmax_{s ≤ t}(scale·q_t·k_s) and 0 for s > t. Only the causal part is computed: row tile
   * [r0, r1) of ATTENTION_TILE positions meets keys 0..r1−1, and P is stored as those [(r1 − r0)×r1] tiles in
   * order, causalProbsSize(T) floats per block (entries past the diagonal are 0). Kept for the backward.
   * Blocks are independent and contiguous in every array: a thread pool may split them (a range of blocks is
   * a call on subarrays), giving each part of the backward its own scratch.
   */
  causalAttention(
    q: Float32Array,
    k: Float32Array,
    v: Float32Array,
    probs: Float32Array,
    out: Float32Array,
    length: number,
    headDim: number,
    blocks: number,
    scale: number,
  ): void;
  /**
   * The gradients of causalAttention given dout, overwriting dq, dk, dv: dV = Pᵀ·dO, dP = dO·Vᵀ,
   * dS = scale·P ⊙ (dP − Σ_s P ⊙ dP), dQ = dS·K, dK = dSᵀ·Q, on the causal tiles only. `scratch` holds
   * 3·causalProbsSize(T) floats.
   */
  causalAttentionBackward(
    q: Float32Array,
    k: Float32Array,
    v: Float32Array,
    probs: Float32Array,
    dout: Float32Array,
    dq: Float32Array,
    dk: Float32Array,
    dv: Float32Array,
    scratch: Float32Array,
    length: number,
    headDim: number,
    blocks: number,
    scale: number,
  ): void;

  /** out = a + b. */
  add(a: Float32Array, b: Float32Array, out: Float32Array, n: number): void;
  /** out = a ⊙ b. */
  mul(a: Float32Array, b: Float32Array, out: Float32Array, n: number): void;
  /** out = s · a. */
  scale(a: Float32Array, s: number, out: Float32Array, n: number): void;
  /** y += alpha · x. */
  axpy(alpha: number, x: Float32Array, y: Float32Array, n: number): void;
  /** Σ x over n entries (accumulated in float64). */
  sum(x: Float32Array, n: number): number;
  /**
   * Moves runs of `array` in place: run r = runs[3r .. 3r+2] = [start, end, d] moves entries [start, end) by d
   * positions (natively: TypedArray copyWithin on the shared heap goes element by element, measured 18×
   * slower). Runs are ascending and their targets disjoint and in the same order (the kept entries of a
   * sorted list after removals and insertions): left moves go first, ascending, then right moves, descending.
   */
  moveRuns(array: Float32Array | Int32Array, runs: Int32Array, runCount: number): void;
  /**
   * Finds the entries whose magnitude key k = (float bits & 0x7fffffff) has k ≤ below or k ≥ above (signed;
   * below −1: none below): writes the first `capacity` of their indices, ascending, to `out` and returns how
   * many there are. Top-KAST's incremental refresh scans B with it for the few entries near its thresholds.
   */
  flagOutside(
    values: Float32Array,
    n: number,
    below: number,
    above: number,
    out: Int32Array,
    capacity: number,
  ): number;

  /**
   * Row softmax and cross-entropy on feature-major logits [classes × batch] (a column is one example).
   * Writes the probabilities to `probs` and returns the mean loss over the batch, −(1/B) Σ_b log p[label_b, b].
   */
  softmaxCrossEntropy(
    logits: Float32Array,
    labels: Int32Array,
    probs: Float32Array,
    classes: number,
    batch: number,
  ): number;
  /** dlogits (+)= scale · (probs − onehot(labels)); scale is usually upstream/B. */
  softmaxCrossEntropyBackward(
    probs: Float32Array,
    labels: Int32Array,
    dlogits: Float32Array,
    classes: number,
    batch: number,
    scale: number,
    accumulate: boolean,
  ): void;

  /**
   * SGD step over n entries (PyTorch semantics): g = grad + wd·p; v = μ·v + g;
   * p −= lr · (nesterov ? g + μ·v : v). With μ = 0 the velocity array is not read.
   */
  sgdUpdate(
    params: Float32Array,
    grads: Float32Array,
    velocity: Float32Array,
    n: number,
    lr: number,
    momentum: number,
    nesterov: boolean,
    weightDecay: number,
  ): void;

  /**
   * AdamW step over n entries (Loshchilov and Hutter 2019, decoupled decay): p −= lr·wd·p;
   * m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g²; p −= lr · (m / bc1) / (√(v / bc2) + ε),
   * where bc1 = 1 − β1^t and bc2 = 1 − β2^t are the bias corrections of step t (given by the caller).
   */
  adamwUpdate(
    params: Float32Array,
    grads: Float32Array,
    m: Float32Array,
    v: Float32Array,
    n: number,
    lr: number,
    beta1: number,
    beta2: number,
    eps: number,
    weightDecay: number,
    bc1: number,
    bc2: number,
  ): void;

  // Spartan (Tai, Tian, Lim, arXiv:2205.14107; spec/spartan.md; src/spartan/softTopKSolver.ts): passes over
  // float32 entries j with values v_j ≥ 0 and costs c_j > 0 (`costs` null: every cost is 1), unit values
  // u_j = v_j / c_j (in float32); sums in float64.

  /** out = scale·|w|: the values of 1×1 blocks. */
  spartanValues(w: Float32Array, out: Float32Array, n: number, scale: number): void;
  /**
   * Weighted radix histogram of the unit values' float32 bits: every entry with (bits & highMask) == prefix
   * adds c_j to histogram[(j mod 4)·bins + ((bits >>> shift) & (bins − 1))] (four interleaved copies, which
   * the caller zeroes beforehand and sums afterwards). bins is a power of two.
   */
  spartanHistogram(
    values: Float32Array,
    costs: Float32Array | null,
    n: number,
    highMask: number,
    prefix: number,
    shift: number,
    bins: number,
    histogram: Float64Array,
  ): void;
  /**
   * One pass narrowing the hard threshold to the band [low, high] of unit values: sums[0] = Σ c over u > high,
   * sums[1] = max u, sums[2] = min u (NaN if a value is NaN); copies the unit values inside the band, in index
   * order, to `band` (at most `capacity`). Returns how many lie in the band. With `weights` given (unit costs),
   * first writes values = scale·|weights| (the values of 1×1 blocks).
   */
  spartanBand(
    values: Float32Array,
    costs: Float32Array | null,
    n: number,
    low: number,
    high: number,
    band: Float32Array,
    capacity: number,
    sums: Float64Array,
    weights: Float32Array | null,
    scale: number,
  ): number;
  /**
   * The first j (in index order) with u_j == threshold at which the summed cost of such entries reaches
   * `remaining`; the last such j if it never does; −1 if there is none.
   */
  spartanTieBoundary(
    values: Float32Array,
    costs: Float32Array | null,
    n: number,
    threshold: number,
    remaining: number,
  ): number;
  /**
   * The soft mask at shift μ: m_j = σ(β(u_j − τ) + μ) = 1 / (1 + e_j), e_j = e^{−(β(u_j − τ) + μ)} clamped to
   * e^80, written as 0 once e_j ≥ e^30 (m < 1e-13). sums[0..2] = Σ c m, Σ c m(1 − m), Σ c m(1 − m)(1 − 2m).
   * With soft and effective given, writes m to soft and m·h to effective (h_j = 1 for u_j > τ, or u_j == τ
   * and j ≤ boundary; there m is not flushed). ratio = 0: e_j is computed, and stored to `exponentials` unless
   * null; ratio > 0: `exponentials` holds e_j of a pass at μ0 and ratio = e^{μ0 − μ}, so e_j·ratio is used
   * (no exponential; `exponentials` may be `soft`).
   */
  spartanMaskPass(
    values: Float32Array,
    costs: Float32Array | null,
    n: number,
    beta: number,
    threshold: number,
    mu: number,
    boundary: number,
    sums: Float64Array,
    soft: Float32Array | null,
    effective: Float32Array | null,
    exponentials: Float32Array | null,
    ratio: number,
  ): void;
  /** The backward of W ⊙ m ⊙ h: grad += dy ⊙ m and upstream += dy ⊙ W, each unless null. */
  spartanMaskBackward(
    dy: Float32Array,
    w: Float32Array,
    soft: Float32Array,
    grad: Float32Array | null,
    upstream: Float32Array | null,
    n: number,
  ): void;
  /**
   * The backward of W ⊙ m ⊙ h for 1×1 blocks with the soft top-k's γ term: grad += dy ⊙ (m + β·a·|w|/c), with
   * a = m(1 − m); returns Σ γ a, γ = dy ⊙ w (= ∂L/∂m).
   */
  spartanSoftMaskBackward(
    dy: Float32Array,
    w: Float32Array,
    soft: Float32Array,
    grad: Float32Array,
    costs: Float32Array | null,
    n: number,
    beta: number,
  ): number;
  /**
   * grad_j += sign(w_j)·β·a_j·(γ_j / c_j − s) (the soft top-k's implicit gradient), then upstream = 0; with
   * upstream null, γ = 0 (the −s term alone).
   */
  spartanApplyGradient(
    w: Float32Array,
    grad: Float32Array,
    soft: Float32Array,
    upstream: Float32Array | null,
    costs: Float32Array | null,
    n: number,
    beta: number,
    s: number,
  ): void;
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

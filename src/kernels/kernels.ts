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
   * Position-major activations x [d, T·B] (column t·B + b) to sequence-major blocks out [B, d, T]:
   * out[(b·d + f)·T + t] = x[f, t·B + b], so the [d_h, T] block of each (sequence, head) is contiguous.
   */
  gatherSequences(x: Float32Array, out: Float32Array, d: number, length: number, batch: number): void;
  /** The inverse of gatherSequences: x[f, t·B + b] (+)= gathered[(b·d + f)·T + t]. */
  scatterSequences(
    gathered: Float32Array,
    x: Float32Array,
    d: number,
    length: number,
    batch: number,
    accumulate: boolean,
  ): void;
  /**
   * In place on `blocks` score matrices [T×T], T = length: row t becomes softmax(scale · s[t, 0..t]) followed
   * by zeros (the causal mask: position t attends to positions ≤ t). scale > 0.
   */
  causalSoftmax(scores: Float32Array, length: number, blocks: number, scale: number): void;
  /**
   * The backward of causalSoftmax, in place on grads (dP in, dS out): dS[t, s] = scale · P[t, s]·(dP[t, s] −
   * Σ_s' P[t, s']·dP[t, s']) for s ≤ t, 0 above the diagonal.
   */
  causalSoftmaxBackward(
    probs: Float32Array,
    grads: Float32Array,
    length: number,
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
}

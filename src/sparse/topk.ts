/**
 * Exact top-k selection in linear time: the flat indices of the k largest scores, ascending, with ties at the
 * threshold broken by lower index, so the same scores give the same set on every machine (spec/topkast.md,
 * "Ties at the threshold").
 *
 * Method: radix select on an order-preserving unsigned integer image of each score (its key): s < t ⇔
 * key(s) < key(t), and −0 and +0 get the same key because they are equal scores. Keys are 32 bits for
 * float32 and 64 bits (hi, lo words) for float64. Each pass histograms the next 16 bits of the keys that
 * share the threshold's prefix found so far and picks the bin holding the k-th largest; after two passes
 * (four for float64) the threshold key T is exact, with `above` entries strictly greater. A last pass keeps
 * every entry with key > T and the first k − above entries with key = T, in index order.
 */

const DIGIT_BITS = 16;
const BINS = 1 << DIGIT_BITS;
const DIGIT_MASK = BINS - 1;

/** How scores become keys: signed float32, |float32|, or signed float64. */
enum KeyKind {
  Float32,
  Magnitude32,
  Float64,
}

/**
 * The flat indices of the k largest scores in ascending index order; among equal scores the lower index wins.
 * Throws on a NaN score (naming its index) and on k outside [0, n].
 */
export function selectTopK(scores: Float32Array | Float64Array, k: number): Int32Array {
  if (scores instanceof Float64Array) {
    const words = new Int32Array(scores.buffer, scores.byteOffset, scores.length * 2);
    return select(words, scores.length, k, KeyKind.Float64);
  }
  return select(bitsOf(scores), scores.length, k, KeyKind.Float32);
}

/**
 * selectTopK on |values| without materialising the magnitudes: the indices of the k entries of largest
 * magnitude, ascending, lower index first among equal magnitudes (−0 and +0 tie).
 */
export function selectTopKByMagnitude(values: Float32Array, k: number): Int32Array {
  return select(bitsOf(values), values.length, k, KeyKind.Magnitude32);
}

function bitsOf(values: Float32Array): Int32Array {
  return new Int32Array(values.buffer, values.byteOffset, values.length);
}

/** Keys of the last call, reused so that repeated selections of the same size allocate nothing large. */
let keyScratch = new Uint32Array(0);

function keyBuffer(n: number): Uint32Array {
  if (keyScratch.length < n) keyScratch = new Uint32Array(n);
  return keyScratch;
}

/**
 * Writes the high 32 bits of every key and counts their top 16 bits into `histogram`.
 * float32: sign-magnitude bits (s, m) map to 2^31 + (s ? −m : m), monotone in the value, −0 and +0 both 2^31.
 * |float32|: the magnitude bits m. float64: the same map on the 64-bit word pair; this is its high word.
 */
function writeKeys(
  words: Int32Array,
  n: number,
  kind: KeyKind,
  keys: Uint32Array,
  histogram: Int32Array,
): void {
  if (kind === KeyKind.Magnitude32) {
    for (let i = 0; i < n; i++) {
      const key = words[i] & 0x7fffffff;
      keys[i] = key;
      histogram[key >>> DIGIT_BITS]++;
    }
  } else if (kind === KeyKind.Float32) {
    for (let i = 0; i < n; i++) {
      const bits = words[i];
      const sign = bits >> 31;
      const key = ((((bits & 0x7fffffff) ^ sign) - sign) ^ 0x80000000) >>> 0;
      keys[i] = key;
      histogram[key >>> DIGIT_BITS]++;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const hi = words[2 * i + 1];
      // Negative: 2^63 − m over the pair, whose high word is ~m_hi (+1 when the low word is 0).
      const key =
        (hi >= 0 ? hi ^ 0x80000000 : (~(hi & 0x7fffffff) + (words[2 * i] === 0 ? 1 : 0)) ^ 0x80000000) >>> 0;
      keys[i] = key;
      histogram[key >>> DIGIT_BITS]++;
    }
  }
}

/** Low 32 bits of a float64 key: the low word, negated (two's complement) for negative values. */
function keyLo(words: Int32Array, i: number): number {
  const lo = words[2 * i];
  return words[2 * i + 1] >= 0 ? lo >>> 0 : -lo >>> 0;
}

/** True when a top-16-bit bin can hold a NaN key: then checkNoNaN finds it (NaN keys lie beyond ±infinity). */
function mayHoldNaN(histogram: Int32Array, kind: KeyKind): boolean {
  const [below, from] =
    kind === KeyKind.Magnitude32
      ? [0, 0x7f80]
      : kind === KeyKind.Float32
        ? [0x0080, 0xff80]
        : [0x0010, 0xfff0];
  for (let bin = 0; bin < below; bin++) if (histogram[bin] !== 0) return true;
  for (let bin = from; bin < BINS; bin++) if (histogram[bin] !== 0) return true;
  return false;
}

function select(words: Int32Array, n: number, k: number, kind: KeyKind): Int32Array {
  if (!Number.isInteger(k) || k < 0 || k > n) {
    throw new Error(
      `selectTopK: k = ${k} is outside [0, ${n}]: ask for at most as many entries as there are scores`,
    );
  }
  const histogram = new Int32Array(BINS);
  const keys = keyBuffer(n);

  // Pass 1: every key, and a histogram of its top 16 bits.
  writeKeys(words, n, kind, keys, histogram);
  if (mayHoldNaN(histogram, kind)) checkNoNaN(words, n, kind);
  const result = new Int32Array(k);
  if (k === 0) return result;
  const top = pickBin(histogram, k);
  let need = k - top.above;

  // Pass 2: low 16 bits of the high word, among keys whose top 16 bits match.
  histogram.fill(0);
  histogramLowHalves(keys, n, top.bin, histogram);
  const second = pickBin(histogram, need);
  need -= second.above;
  const thresholdHi = ((top.bin << DIGIT_BITS) | second.bin) >>> 0;
  if (kind !== KeyKind.Float64 || second.count === need) {
    collect(keys, n, thresholdHi, need, result);
    return result;
  }

  // float64 keys tied on the high word and not all kept: passes 3 and 4 split them on the low word.
  histogram.fill(0);
  for (let i = 0; i < n; i++) if (keys[i] === thresholdHi) histogram[keyLo(words, i) >>> DIGIT_BITS]++;
  const third = pickBin(histogram, need);
  need -= third.above;
  histogram.fill(0);
  for (let i = 0; i < n; i++) {
    if (keys[i] !== thresholdHi) continue;
    const lo = keyLo(words, i);
    if (lo >>> DIGIT_BITS === third.bin) histogram[lo & DIGIT_MASK]++;
  }
  const fourth = pickBin(histogram, need);
  need -= fourth.above;
  collectFloat64(words, keys, thresholdHi, ((third.bin << DIGIT_BITS) | fourth.bin) >>> 0, need, result);
  return result;
}

/** Histogram of the low 16 bits of the keys whose top 16 bits equal `topBin`. */
function histogramLowHalves(keys: Uint32Array, n: number, topBin: number, histogram: Int32Array): void {
  for (let i = 0; i < n; i++) {
    const key = keys[i];
    if (key >>> DIGIT_BITS === topBin) histogram[key & DIGIT_MASK]++;
  }
}

/**
 * Fills `result` (length k) with the indices of keys above `threshold` and the first `ties` keys equal to it,
 * in index order. Branch-free: each index is written, then kept by advancing `taken`; stops at k entries.
 */
function collect(keys: Uint32Array, n: number, threshold: number, ties: number, result: Int32Array): void {
  const k = result.length;
  let taken = 0;
  for (let i = 0; taken < k && i < n; i++) {
    const key = keys[i];
    const tie = +(key === threshold) & +(ties > 0);
    result[taken] = i;
    taken += +(key > threshold) | tie;
    ties -= tie;
  }
}

/** collect for 64-bit float keys: high words in `keys`, low words recomputed for the tied high word. */
function collectFloat64(
  words: Int32Array,
  keys: Uint32Array,
  thresholdHi: number,
  thresholdLo: number,
  ties: number,
  result: Int32Array,
): void {
  const k = result.length;
  let taken = 0;
  for (let i = 0; taken < k; i++) {
    const key = keys[i];
    if (key < thresholdHi) continue;
    if (key === thresholdHi) {
      const lo = keyLo(words, i);
      if (lo < thresholdLo) continue;
      if (lo === thresholdLo) {
        if (ties === 0) continue;
        ties--;
      }
    }
    result[taken++] = i;
  }
}

/**
 * Scans bins from the top: the bin that holds the `need`-th largest key, how many keys lie in higher bins
 * (`above`), and how many in the bin itself (`count`).
 */
function pickBin(histogram: Int32Array, need: number): { bin: number; above: number; count: number } {
  let above = 0;
  for (let bin = BINS - 1; bin >= 0; bin--) {
    const count = histogram[bin];
    if (above + count >= need) return { bin, above, count };
    above += count;
  }
  throw new Error('selectTopK: histogram holds fewer keys than requested (internal error)');
}

function checkNoNaN(words: Int32Array, n: number, kind: KeyKind): void {
  if (kind === KeyKind.Float64) {
    for (let i = 0; i < n; i++) {
      const hi = words[2 * i + 1] & 0x7fffffff;
      if (hi > 0x7ff00000 || (hi === 0x7ff00000 && words[2 * i] !== 0)) throwNaN(i);
    }
    return;
  }
  for (let i = 0; i < n; i++) if ((words[i] & 0x7fffffff) > 0x7f800000) throwNaN(i);
}

function throwNaN(index: number): never {
  throw new Error(
    `selectTopK: score ${index} is NaN: scores must be numbers (check the loss or the learning rate)`,
  );
}

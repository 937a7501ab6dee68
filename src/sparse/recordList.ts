/**
 * A list of int32 records of a fixed width (e.g. [key, flat, position]) in one Int32Array that doubles when
 * full: scratch that an incremental refresh clears and refills without allocating once it is large enough.
 */

/** Whether the record at offset `a` of `data` sorts before the record at offset `b`. */
export type RecordOrder = (data: Int32Array, a: number, b: number) => boolean;

export class RecordList {
  readonly width: number;
  data: Int32Array;
  length = 0;
  private packed = new Float64Array(0);
  private spare = new Int32Array(0);

  constructor(width: number, capacity = 64) {
    this.width = width;
    this.data = new Int32Array(width * capacity);
  }

  clear(): void {
    this.length = 0;
  }

  /** Appends a record of up to three fields (the list's width says how many are kept). */
  push(a: number, b = 0, c = 0): void {
    const at = this.length * this.width;
    if (at + this.width > this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[at] = a;
    if (this.width > 1) this.data[at + 1] = b;
    if (this.width > 2) this.data[at + 2] = c;
    this.length++;
  }

  /** Field `field` of record `i`. */
  get(i: number, field: number): number {
    return this.data[i * this.width + field];
  }

  /**
   * Sorts records by their first field, ascending; first fields are distinct and in [0, 2^31) (positions, flat
   * indices). Natively: the typed array's own sort on the field packed with the record's index.
   */
  sortByFirst(): void {
    if (this.width === 1) this.data.subarray(0, this.length).sort();
    else this.sortPacked((first) => first, false);
  }

  /**
   * Sorts records [key, flat, …] by rank, keys in [0, 2^31): best first (larger key, then lower flat) or worst
   * first (the reverse). The typed array's own sort on (key, index) packed exactly in a float64, then runs of
   * equal keys put in flat order.
   */
  sortByRank(bestFirst: boolean): void {
    this.sortPacked((key) => (bestFirst ? 0x7fffffff - key : key), true, bestFirst);
  }

  private sortPacked(order: (first: number) => number, byFlatInTies: boolean, flatAscending = true): void {
    const { width, length: n } = this;
    if (n >= 1 << 22) {
      this.sort((d, a, b) => order(d[a]) < order(d[b]));
      return;
    }
    if (this.packed.length < n) this.packed = new Float64Array(2 * n);
    if (this.spare.length < n * width) this.spare = new Int32Array(2 * n * width);
    const { packed, spare, data } = this;
    for (let i = 0; i < n; i++) packed[i] = order(data[i * width]) * 4194304 + i;
    const sorted = packed.subarray(0, n).sort();
    for (let j = 0; j < n; j++) {
      const i = sorted[j] % 4194304;
      for (let f = 0; f < width; f++) spare[j * width + f] = data[i * width + f];
    }
    data.set(spare.subarray(0, n * width));
    if (!byFlatInTies) return;
    // Equal keys: insertion sort on the flat index (field 1) within each run.
    for (let j = 1; j < n; j++) {
      if (data[j * width] !== data[(j - 1) * width]) continue;
      let k = j;
      while (k > 0 && data[k * width] === data[(k - 1) * width]) {
        const before = data[k * width + 1] < data[(k - 1) * width + 1] === flatAscending;
        if (!before) break;
        this.swap(k, k - 1);
        k--;
      }
    }
  }

  /** Sorts the records in place (heap sort: no allocation, O(n log n) on any input). */
  sort(order: RecordOrder): void {
    const n = this.length;
    for (let i = (n >> 1) - 1; i >= 0; i--) this.siftDown(order, i, n);
    for (let end = n - 1; end > 0; end--) {
      this.swap(0, end);
      this.siftDown(order, 0, end);
    }
  }

  /** Max-heap under `order`: a parent never sorts before its children. */
  private siftDown(order: RecordOrder, start: number, end: number): void {
    const { data, width } = this;
    let root = start;
    for (;;) {
      let child = 2 * root + 1;
      if (child >= end) return;
      if (child + 1 < end && order(data, child * width, (child + 1) * width)) child++;
      if (!order(data, root * width, child * width)) return;
      this.swap(root, child);
      root = child;
    }
  }

  private swap(i: number, j: number): void {
    const { data, width } = this;
    for (let f = 0; f < width; f++) {
      const t = data[i * width + f];
      data[i * width + f] = data[j * width + f];
      data[j * width + f] = t;
    }
  }
}

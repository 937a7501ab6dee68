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

// The newest (backward) or oldest (forward) `limit` entries across all
// streams of a log query: a bounded binary heap whose root is the entry that
// would be dropped next. Streams are read independently; once the heap is
// full its root gives a time bound that lets a stream stop early.

/** An entry's time as exact milliseconds plus the nanoseconds within that millisecond. */
export interface EntryTime {
  ms: number;
  sub: number;
}

export interface OutputEntry extends EntryTime {
  /** Canonical labels of the output stream the entry belongs to. */
  streamKey: string;
  line: string;
}

/** <0 when a is older than b. Equal times are ordered by stream then line, for a stable answer. */
export function compareEntries(a: OutputEntry, b: OutputEntry): number {
  if (a.ms !== b.ms) return a.ms - b.ms;
  if (a.sub !== b.sub) return a.sub - b.sub;
  if (a.streamKey !== b.streamKey) return a.streamKey < b.streamKey ? -1 : 1;
  return a.line < b.line ? -1 : a.line > b.line ? 1 : 0;
}

export function compareTimes(a: EntryTime, b: EntryTime): number {
  return a.ms !== b.ms ? a.ms - b.ms : a.sub - b.sub;
}

export class TopEntries {
  private readonly heap: OutputEntry[] = [];
  /** For backward queries the root is the oldest kept entry; for forward, the newest. */
  private readonly sign: number;

  constructor(
    readonly limit: number,
    readonly backward: boolean,
  ) {
    this.sign = backward ? 1 : -1;
  }

  get size(): number {
    return this.heap.length;
  }

  get full(): boolean {
    return this.heap.length >= this.limit;
  }

  /** The entry that would be evicted next, once full. */
  get worst(): OutputEntry | undefined {
    return this.heap[0];
  }

  /** Whether an entry at this time could still enter (ties may, depending on stream and line). */
  admits(t: EntryTime): boolean {
    if (!this.full) return true;
    const c = compareTimes(t, this.heap[0]!) * this.sign;
    return c >= 0;
  }

  private less(a: OutputEntry, b: OutputEntry): boolean {
    return compareEntries(a, b) * this.sign < 0;
  }

  push(e: OutputEntry): void {
    const h = this.heap;
    if (h.length < this.limit) {
      h.push(e);
      this.up(h.length - 1);
      return;
    }
    if (!this.less(h[0]!, e)) return;
    h[0] = e;
    this.down(0);
  }

  private up(i: number): void {
    const h = this.heap;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
      if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
      if (m === i) return;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }

  /** The kept entries, newest first for backward queries and oldest first for forward ones. */
  drain(): OutputEntry[] {
    const out = [...this.heap];
    out.sort((a, b) => (this.backward ? compareEntries(b, a) : compareEntries(a, b)));
    return out;
  }
}

// The fast path of count_over_time, rate, bytes_over_time and bytes_rate when
// the series are the streams themselves (no parser, no label changes): per
// block, the entries of each step window are found by binary search on the
// sorted timestamps, and their bytes by the difference of two line offsets,
// so no per-entry work is done at all when there is no line filter.
import type { DecodedBlock } from '../../storage/chunk/block.js';
import { type RelativeWindows, upperBound } from './step-windows.js';

/** Per-step entry counts and byte sums of one series. */
export class CountAccumulator {
  readonly counts: Float64Array;
  readonly bytes: Float64Array;

  constructor(steps: number) {
    this.counts = new Float64Array(steps);
    this.bytes = new Float64Array(steps);
  }

  /** Adds the entries [lo, hi) of a block (no filter): O(windows x log n). */
  addRange(block: DecodedBlock, lo: number, hi: number, windows: RelativeWindows): void {
    if (hi <= lo) return;
    const ts = block.ts;
    const offsets = block.offsets;
    const [a, b] = windows.stepsTouching(ts[lo]!, ts[hi - 1]!);
    for (let i = a; i < b; i++) {
      const from = upperBound(ts, windows.lo(i), lo, hi);
      const to = upperBound(ts, windows.hi(i), from, hi);
      if (to > from) {
        this.counts[i]! += to - from;
        this.bytes[i]! += offsets[to]! - offsets[from]!;
      }
    }
  }

  /** Adds one entry (time relative to the windows' base) of `bytes` bytes. */
  addOne(ts: number, bytes: number, windows: RelativeWindows): void {
    const [a, b] = windows.stepsTouching(ts, ts);
    for (let i = a; i < b; i++) {
      this.counts[i]! += 1;
      this.bytes[i]! += bytes;
    }
  }

  /** Adds the selected entries sel[0..n) (ascending indices) of a block. */
  addSelected(block: DecodedBlock, sel: Uint32Array, n: number, windows: RelativeWindows, scratch: Scratch): void {
    if (n === 0) return;
    const ts = block.ts;
    const offsets = block.offsets;
    // Timestamps and cumulative bytes of the selected entries, so windows are again binary searches.
    const selTs = scratch.ts(n);
    const cum = scratch.cum(n + 1);
    cum[0] = 0;
    for (let k = 0; k < n; k++) {
      const i = sel[k]!;
      selTs[k] = ts[i]!;
      cum[k + 1] = cum[k]! + offsets[i + 1]! - offsets[i]!;
    }
    const [a, b] = windows.stepsTouching(selTs[0]!, selTs[n - 1]!);
    for (let i = a; i < b; i++) {
      const from = upperBound(selTs, windows.lo(i), 0, n);
      const to = upperBound(selTs, windows.hi(i), from, n);
      if (to > from) {
        this.counts[i]! += to - from;
        this.bytes[i]! += cum[to]! - cum[from]!;
      }
    }
  }
}

/** Reusable typed arrays for addSelected. */
export class Scratch {
  private tsBuf = new Float64Array(1024);
  private cumBuf = new Float64Array(1025);

  ts(n: number): Float64Array {
    if (this.tsBuf.length < n) this.tsBuf = new Float64Array(n * 2);
    return this.tsBuf;
  }

  cum(n: number): Float64Array {
    if (this.cumBuf.length < n) this.cumBuf = new Float64Array(n * 2);
    return this.cumBuf;
  }
}

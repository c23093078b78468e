// Mapping step windows onto sorted timestamps. A range aggregation at step i
// covers (t_i - offset - range, t_i - offset]: lower bound exclusive, upper
// inclusive, as in Loki. These helpers find, for a block of ascending entry
// offsets, which steps' windows it touches and which entries each window holds.
import type { StepGrid } from './types.js';

export interface WindowSpec {
  grid: StepGrid;
  rangeNs: bigint;
  offsetNs: bigint;
}

/** Index of the first element > x in an ascending array. */
export function upperBound(a: Float64Array, x: number, lo = 0, hi = a.length): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The time range a range aggregation reads: (fromNs, throughNs]. */
export function dataRange(w: WindowSpec): { fromNs: bigint; throughNs: bigint } {
  const first = w.grid.startNs - w.offsetNs;
  const last = first + BigInt(w.grid.steps - 1) * w.grid.stepNs;
  return { fromNs: first - w.rangeNs, throughNs: last };
}

/**
 * Step windows expressed relative to a base time, as doubles: window i is
 * (lo[i], hi[i]]. Precomputed once per base (block) so that the per-entry and
 * per-window work is plain number comparisons.
 */
export class RelativeWindows {
  private readonly step: number;
  private readonly range: number;
  private first = 0;

  constructor(private readonly w: WindowSpec) {
    // An instant query has one step and no step width; any width works for one window.
    this.step = w.grid.stepNs > 0n ? Number(w.grid.stepNs) : 1;
    this.range = Number(w.rangeNs);
  }

  /** Re-bases the windows on `baseNs` (the block's base). */
  rebase(baseNs: bigint): void {
    const d = this.w.grid.startNs - this.w.offsetNs - baseNs;
    this.first = d > 4_000_000_000_000_000n ? 4e18 : d < -4_000_000_000_000_000n ? -4e18 : Number(d);
  }

  /** Upper (inclusive) bound of window i, relative to the base. */
  hi(i: number): number {
    return this.first + i * this.step;
  }

  /** Lower (exclusive) bound of window i, relative to the base. */
  lo(i: number): number {
    return this.first + i * this.step - this.range;
  }

  /** Steps whose window may contain an entry in [minOff, maxOff]: [firstStep, lastStep). */
  stepsTouching(minOff: number, maxOff: number): [number, number] {
    const steps = this.w.grid.steps;
    // ts in window i  <=>  hi(i) - range < ts <= hi(i)  <=>  ts <= hi(i) < ts + range
    let a = Math.ceil((minOff - this.first) / this.step);
    let b = Math.floor((maxOff + this.range - this.first) / this.step);
    // The window's lower bound is exclusive: an entry exactly range before a step is outside it.
    if (this.hi(b) - this.range >= maxOff) b--;
    if (a < 0) a = 0;
    if (b >= steps) b = steps - 1;
    return a <= b ? [a, b + 1] : [0, 0];
  }
}

// Range aggregations over a whole series at once.
//
// The step windows of a query are fixed, so they are computed once
// (`RangeSeriesEvaluator`) and every series is then slid through them with
// two cursors: O(samples + steps) to find the windows, plus the per-window
// work, which is constant where the operation allows it:
// - count_over_time, rate without unwrap: cursor difference;
// - sums (sum_over_time, bytes_*, rate with unwrap): prefix sums when every
//   value is an integer and all partial sums are exact, which makes them
//   bit-identical to Loki's left-to-right additions; otherwise a plain sum;
// - min/max_over_time with overlapping windows: a monotonic deque;
// - first/last_over_time: the cursors themselves;
// - the rest (avg, stddev, stdvar, quantile, rate_counter): per window, since
//   their floating-point results depend on the order of operations.
// Nothing is allocated per sample or per series: scratch buffers grow once
// and are reused.
import { type Label, type Labels, sortLabels } from '../../util/labels.js';
import type { Matcher } from '../syntax/ast.js';
import {
  type PreparedRangeFunction,
  prepareRangeFunction,
  type RangeFunctionSpec,
  windowValue,
} from './range-functions.js';
import type { StepGrid, StepSeries } from './types.js';

/** Samples of one series in ascending time order. */
export interface SeriesSamples {
  /** Nanoseconds relative to the evaluator's base, exact integers. */
  ts: Float64Array;
  /** Unwrapped values or line sizes; may be omitted for count_over_time and rate without unwrap. */
  values?: Float64Array;
  /** Number of samples used from the arrays (default: ts.length). */
  length?: number;
}

export interface RangeSeriesOptions extends RangeFunctionSpec {
  grid: StepGrid;
  /** 0n when absent. */
  offsetNs: bigint;
  /** The time sample timestamps are relative to. */
  baseNs: bigint;
}

const maxExactSum = 2 ** 53;

export class RangeSeriesEvaluator {
  readonly fn: PreparedRangeFunction;
  readonly steps: number;
  /** End of step i's window, relative to the base; the window is (end - range, end]. */
  readonly ends: Float64Array;
  /** Whether consecutive windows overlap (range longer than step). */
  readonly overlapping: boolean;
  private scratch = new Float64Array(64);
  private deque = new Int32Array(64);
  private empty = new Float64Array(0);

  constructor(opts: RangeSeriesOptions) {
    this.fn = prepareRangeFunction(opts);
    const { grid } = opts;
    this.steps = grid.steps;
    this.ends = new Float64Array(grid.steps);
    const first = grid.startNs - opts.offsetNs - opts.baseNs;
    for (let i = 0; i < grid.steps; i++) this.ends[i] = Number(first + BigInt(i) * grid.stepNs);
    this.overlapping = grid.steps > 1 && opts.rangeNs > grid.stepNs;
  }

  /** A fresh output series (all steps absent) for `fill`. */
  newSeries(labels: Labels): StepSeries {
    return {
      labels,
      values: new Float64Array(this.steps).fill(Number.NaN),
      present: new Uint8Array(this.steps),
    };
  }

  /**
   * Computes every step of one series into `out` (values and present flags
   * are overwritten). Returns the number of steps with a value.
   */
  fill(samples: SeriesSamples, out: StepSeries): number {
    const ts = samples.ts;
    const n = samples.length ?? ts.length;
    const values = samples.values ?? this.empty;
    const { fn, ends, steps } = this;
    const range = fn.rangeNs;
    const outValues = out.values;
    const present = out.present;
    present.fill(0);

    switch (fn.op) {
      case 'sum_over_time':
      case 'bytes_over_time':
      case 'bytes_rate':
        if (this.overlapping && isExactlySummable(values, n)) return this.fillPrefixSums(ts, values, n, out);
        break;
      case 'rate':
        if (fn.unwrapped && this.overlapping && isExactlySummable(values, n)) {
          return this.fillPrefixSums(ts, values, n, out);
        }
        break;
      case 'min_over_time':
      case 'max_over_time':
        if (this.overlapping) return this.fillExtremes(ts, values, n, out, fn.op === 'max_over_time');
        break;
    }

    let lo = 0;
    let hi = 0;
    let count = 0;
    for (let s = 0; s < steps; s++) {
      const end = ends[s]!;
      const start = end - range;
      while (lo < n && ts[lo]! <= start) lo++;
      if (hi < lo) hi = lo;
      while (hi < n && ts[hi]! <= end) hi++;
      if (hi === lo) {
        outValues[s] = Number.NaN;
        continue;
      }
      if (fn.op === 'quantile_over_time' && this.scratch.length < hi - lo) {
        this.scratch = new Float64Array(Math.max(hi - lo, this.scratch.length * 2));
      }
      outValues[s] = windowValue(fn, ts, values, lo, hi, end, this.scratch);
      present[s] = 1;
      count++;
    }
    return count;
  }

  private fillPrefixSums(ts: Float64Array, values: Float64Array, n: number, out: StepSeries): number {
    if (this.scratch.length < n + 1) this.scratch = new Float64Array(Math.max(n + 1, this.scratch.length * 2));
    const prefix = this.scratch;
    prefix[0] = 0;
    for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i]! + values[i]!;
    const { fn, ends, steps } = this;
    const range = fn.rangeNs;
    const perSecond = fn.op === 'bytes_rate' || fn.op === 'rate';
    let lo = 0;
    let hi = 0;
    let count = 0;
    for (let s = 0; s < steps; s++) {
      const end = ends[s]!;
      while (lo < n && ts[lo]! <= end - range) lo++;
      if (hi < lo) hi = lo;
      while (hi < n && ts[hi]! <= end) hi++;
      if (hi === lo) {
        out.values[s] = Number.NaN;
        continue;
      }
      // Partial sums are exact integers, so the difference equals Loki's sum.
      const sum = prefix[hi]! - prefix[lo]!;
      out.values[s] = perSecond ? sum / fn.rangeSeconds : sum;
      out.present[s] = 1;
      count++;
    }
    return count;
  }

  /**
   * Sliding min/max: the deque holds indices whose values decrease (max) or
   * increase (min) from front to back; NaN ranks below every number, and
   * equal values are kept so that the earliest one wins, as in Loki's scan.
   */
  private fillExtremes(ts: Float64Array, values: Float64Array, n: number, out: StepSeries, max: boolean): number {
    if (this.deque.length < n) this.deque = new Int32Array(Math.max(n, this.deque.length * 2));
    const dq = this.deque;
    let head = 0;
    let tail = 0;
    const { fn, ends, steps } = this;
    const range = fn.rangeNs;
    let lo = 0;
    let hi = 0;
    let count = 0;
    for (let s = 0; s < steps; s++) {
      const end = ends[s]!;
      while (lo < n && ts[lo]! <= end - range) lo++;
      if (hi < lo) hi = lo;
      while (hi < n && ts[hi]! <= end) {
        const v = values[hi]!;
        while (tail > head && worseExtreme(values[dq[tail - 1]!]!, v, max)) tail--;
        dq[tail++] = hi;
        hi++;
      }
      while (tail > head && dq[head]! < lo) head++;
      if (hi === lo) {
        out.values[s] = Number.NaN;
        continue;
      }
      out.values[s] = values[dq[head]!]!;
      out.present[s] = 1;
      count++;
    }
    return count;
  }
}

/** Whether `kept` loses to a later `v` for good: NaN always does; otherwise strictly beaten. */
function worseExtreme(kept: number, v: number, max: boolean): boolean {
  if (Number.isNaN(v)) return false;
  if (Number.isNaN(kept)) return true;
  return max ? kept < v : kept > v;
}

/** Integer values whose absolute sum stays below 2^53: every partial sum is exact. */
function isExactlySummable(values: Float64Array, n: number): boolean {
  let total = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (!Number.isInteger(v)) return false;
    total += Math.abs(v);
  }
  return total < maxExactSum;
}

/**
 * absent_over_time: one series with `labels`, valued 1 at every step where
 * none of `series` has a value (they are the per-series results of the same
 * range aggregation). Null when every step has data.
 */
export function absentSeries(steps: number, series: readonly StepSeries[], labels: Labels): StepSeries | null {
  const present = new Uint8Array(steps).fill(1);
  for (const s of series) {
    for (let i = 0; i < steps; i++) if (s.present[i]) present[i] = 0;
  }
  if (!present.includes(1)) return null;
  const values = new Float64Array(steps).fill(Number.NaN);
  for (let i = 0; i < steps; i++) if (present[i]) values[i] = 1;
  return { labels, values, present };
}

/**
 * The labels of absent_over_time's series: the selector's equality matchers,
 * except names that are also matched any other way or more than once.
 */
export function absentLabels(matchers: readonly Matcher[]): Labels {
  const set = new Map<string, string>();
  const dropped = new Set<string>();
  for (const m of matchers) {
    if (m.op === '=' && !set.has(m.name)) set.set(m.name, m.value);
    else dropped.add(m.name);
  }
  for (const name of dropped) set.delete(name);
  const labels: Label[] = [];
  for (const [name, value] of set) labels.push({ name, value });
  return sortLabels(labels);
}

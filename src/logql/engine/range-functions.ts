// The per-window math of LogQL range aggregations.
//
// A window holds the samples of one series in (end - range, end], given as
// ascending timestamps (nanoseconds relative to any base, exact integers) and
// values, index range [lo, hi). Every function here reproduces Loki's
// arithmetic operation by operation (pkg/logql/range_vector.go), including
// the order of floating-point additions, so results agree to the last bit.
//
// An empty window has no value: Loki emits no point for it. Callers skip empty
// windows; these functions assume hi > lo.
import type { RangeOp } from '../syntax/ast.js';
import { durationSeconds } from './go-math.js';

/** What a range operation needs besides the samples. */
export interface RangeFunctionSpec {
  op: RangeOp;
  /** The range in nanoseconds. */
  rangeNs: bigint;
  /** φ of quantile_over_time. */
  param?: number;
  /**
   * Whether the query unwraps a label. `rate` sums the unwrapped values
   * instead of counting lines.
   */
  unwrapped?: boolean;
}

/** A spec with the derived numbers every window needs. */
export interface PreparedRangeFunction {
  readonly op: RangeOp;
  readonly rangeNs: number;
  readonly rangeSeconds: number;
  readonly param: number;
  readonly unwrapped: boolean;
}

export function prepareRangeFunction(spec: RangeFunctionSpec): PreparedRangeFunction {
  return {
    op: spec.op,
    rangeNs: Number(spec.rangeNs),
    rangeSeconds: durationSeconds(spec.rangeNs),
    param: spec.param ?? Number.NaN,
    unwrapped: spec.unwrapped ?? false,
  };
}

/** Plain left-to-right sum from +0, as Loki adds. */
export function sumOverTime(values: Float64Array, lo: number, hi: number): number {
  let sum = 0;
  for (let i = lo; i < hi; i++) sum += values[i]!;
  return sum;
}

/**
 * Running mean; an infinite mean stays put unless an opposite infinity or a
 * NaN arrives (subtracting it from itself would otherwise give NaN).
 */
export function avgOverTime(values: Float64Array, lo: number, hi: number): number {
  let mean = 0;
  let count = 0;
  for (let i = lo; i < hi; i++) {
    const v = values[i]!;
    count++;
    if (mean === Number.POSITIVE_INFINITY || mean === Number.NEGATIVE_INFINITY) {
      if ((v === Number.POSITIVE_INFINITY || v === Number.NEGATIVE_INFINITY) && mean > 0 === v > 0) continue;
      if (Number.isFinite(v)) continue;
    }
    mean += v / count - mean / count;
  }
  return mean;
}

/** Largest value; NaN only when every value is NaN. The first of equal maxima wins. */
export function maxOverTime(values: Float64Array, lo: number, hi: number): number {
  let max = values[lo]!;
  for (let i = lo + 1; i < hi; i++) {
    const v = values[i]!;
    if (v > max || Number.isNaN(max)) max = v;
  }
  return max;
}

/** Smallest value; NaN only when every value is NaN. The first of equal minima wins. */
export function minOverTime(values: Float64Array, lo: number, hi: number): number {
  let min = values[lo]!;
  for (let i = lo + 1; i < hi; i++) {
    const v = values[i]!;
    if (v < min || Number.isNaN(min)) min = v;
  }
  return min;
}

/** Population variance by Welford's online algorithm. */
export function stdvarOverTime(values: Float64Array, lo: number, hi: number): number {
  let aux = 0;
  let count = 0;
  let mean = 0;
  for (let i = lo; i < hi; i++) {
    const v = values[i]!;
    count++;
    const delta = v - mean;
    mean += delta / count;
    aux += delta * (v - mean);
  }
  return aux / count;
}

export function stddevOverTime(values: Float64Array, lo: number, hi: number): number {
  return Math.sqrt(stdvarOverTime(values, lo, hi));
}

/**
 * The φ-quantile with linear interpolation between the closest ranks
 * (Prometheus' method): φ < 0 is -Inf, φ > 1 is +Inf, NaN values rank lowest.
 * `scratch` must hold hi - lo values; it is overwritten.
 */
export function quantileOverTime(
  phi: number,
  values: Float64Array,
  lo: number,
  hi: number,
  scratch: Float64Array,
): number {
  const n = hi - lo;
  if (n === 0) return Number.NaN;
  if (phi < 0) return Number.NEGATIVE_INFINITY;
  if (phi > 1) return Number.POSITIVE_INFINITY;
  if (Number.isNaN(phi)) return Number.NaN;
  // NaNs first, then the numbers in ascending order.
  let nans = 0;
  let k = n;
  for (let i = hi - 1; i >= lo; i--) {
    const v = values[i]!;
    if (Number.isNaN(v)) nans++;
    else scratch[--k] = v;
  }
  for (let i = 0; i < nans; i++) scratch[i] = Number.NaN;
  if (n - nans > 1) scratch.subarray(nans, n).sort();
  const rank = phi * (n - 1);
  const lower = Math.max(0, Math.floor(rank));
  const upper = Math.min(n - 1, lower + 1);
  const weight = rank - Math.floor(rank);
  return scratch[lower]! * (1 - weight) + scratch[upper]! * weight;
}

/**
 * rate_counter: Prometheus' extrapolated rate of a counter, as Loki adapted
 * it: the window's own bounds (not the first and last samples) limit the
 * extrapolation, decreases count as counter resets, and fewer than two
 * samples give 0. `end` is the window's end on the timestamps' scale.
 */
export function rateCounter(
  ts: Float64Array,
  values: Float64Array,
  lo: number,
  hi: number,
  end: number,
  rangeNs: number,
  rangeSeconds: number,
): number {
  const n = hi - lo;
  if (n < 2) return 0;
  const start = end - rangeNs;
  const firstT = ts[lo]!;
  const lastT = ts[hi - 1]!;
  const firstV = values[lo]!;
  let result = values[hi - 1]! - firstV;
  let prev = 0;
  for (let i = lo; i < hi; i++) {
    const v = values[i]!;
    if (v < prev) result += prev;
    prev = v;
  }

  let durationToStart = (firstT - start) / 1e9;
  let durationToEnd = (end - lastT) / 1e9;
  const sampledInterval = (lastT - firstT) / 1e9;
  const averageInterval = sampledInterval / (n - 1);

  // Extrapolate to a window edge only when a sample would plausibly sit
  // there; otherwise assume half an interval. The zero point of the counter
  // can shorten the start side further, never lengthen it.
  const threshold = averageInterval * 1.1;
  if (durationToStart >= threshold) durationToStart = averageInterval / 2;
  let durationToZero = durationToStart;
  if (result > 0 && firstV >= 0) durationToZero = sampledInterval * (firstV / result);
  if (durationToZero < durationToStart) durationToStart = durationToZero;
  if (durationToEnd >= threshold) durationToEnd = averageInterval / 2;

  const extrapolated = sampledInterval + durationToStart + durationToEnd;
  result = result * (extrapolated / sampledInterval);
  return result / rangeSeconds;
}

/**
 * The value of range operation `fn` over the non-empty window [lo, hi).
 * `values` are the unwrapped values, or the line sizes for bytes_* (unused by
 * count_over_time and by rate without unwrap). `scratch` (quantile only) must
 * hold hi - lo values.
 */
export function windowValue(
  fn: PreparedRangeFunction,
  ts: Float64Array,
  values: Float64Array,
  lo: number,
  hi: number,
  end: number,
  scratch: Float64Array,
): number {
  switch (fn.op) {
    case 'count_over_time':
      return hi - lo;
    case 'rate':
      return (fn.unwrapped ? sumOverTime(values, lo, hi) : hi - lo) / fn.rangeSeconds;
    case 'bytes_over_time':
    case 'sum_over_time':
      return sumOverTime(values, lo, hi);
    case 'bytes_rate':
      return sumOverTime(values, lo, hi) / fn.rangeSeconds;
    case 'avg_over_time':
      return avgOverTime(values, lo, hi);
    case 'min_over_time':
      return minOverTime(values, lo, hi);
    case 'max_over_time':
      return maxOverTime(values, lo, hi);
    case 'stdvar_over_time':
      return stdvarOverTime(values, lo, hi);
    case 'stddev_over_time':
      return stddevOverTime(values, lo, hi);
    case 'quantile_over_time':
      return quantileOverTime(fn.param, values, lo, hi, scratch);
    case 'first_over_time':
      return values[lo]!;
    case 'last_over_time':
      return values[hi - 1]!;
    case 'rate_counter':
      return rateCounter(ts, values, lo, hi, end, fn.rangeNs, fn.rangeSeconds);
    case 'absent_over_time':
      // Per series the window only says "present"; absence is decided across
      // all series (see absentSeries).
      return 1;
  }
}

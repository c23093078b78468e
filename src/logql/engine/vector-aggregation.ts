// Vector aggregations: sum avg min max count stddev stdvar topk bottomk sort
// sort_desc approx_topk, with `by`/`without` grouping, step by step over the
// samples present at each step (Loki's VectorAggEvaluator).
//
// A series' group never changes, so group ids are computed once per series
// and the per-step work is typed-array arithmetic. Aggregating operators
// reproduce Loki's floating-point steps exactly: the first sample of a group
// at a step initialises it and later ones fold in, in series order.
//
// Selecting operators (topk, bottomk, sort, sort_desc) return the input series
// themselves. Their order matters only for instant queries that keep
// evaluation order (those containing sort or sort_desc); for a single-step
// grid the output is ordered as Loki's vector would be: groups in order of
// first appearance, each ranked by value with NaN last.
import type { Label, Labels } from '../../util/labels.js';
import type { Grouping, VectorOp } from '../syntax/ast.js';
import { EvaluationError, errCountMinSketchInstantOnly } from './eval-errors.js';
import { dropLabels, KeyInterner, keepLabels, labelsKey } from './label-sets.js';
import type { StepMatrix, StepSeries } from './types.js';

export interface VectorAggregation {
  op: VectorOp;
  grouping: Grouping;
  /** k of topk, bottomk and approx_topk. */
  param?: number;
}

/** Series grouped by the grouping labels: a group id per series, in first-seen order. */
interface Groups {
  count: number;
  ofSeries: Int32Array;
  /** The group's output labels (only the `by` labels, or all but the `without` ones). */
  labels: Labels[];
  /** Member series of group g: members[start[g] .. start[g + 1]). */
  start: Int32Array;
  members: Int32Array;
}

function groupSeries(series: readonly StepSeries[], grouping: Grouping): Groups {
  const interner = new KeyInterner();
  const ofSeries = new Int32Array(series.length);
  const labels: Labels[] = [];
  const dropped = grouping.without ? [...grouping.labels, '__name__'] : grouping.labels;
  for (let i = 0; i < series.length; i++) {
    const l: Label[] = grouping.without
      ? dropLabels(series[i]!.labels, dropped)
      : keepLabels(series[i]!.labels, grouping.labels);
    const before = interner.size;
    const g = interner.intern(labelsKey(l));
    if (interner.size > before) labels.push(l);
    ofSeries[i] = g;
  }
  const count = interner.size;
  const start = new Int32Array(count + 1);
  for (let i = 0; i < series.length; i++) start[ofSeries[i]! + 1]!++;
  for (let g = 0; g < count; g++) start[g + 1]! += start[g]!;
  const fillAt = start.slice(0, count);
  const members = new Int32Array(series.length);
  for (let i = 0; i < series.length; i++) members[fillAt[ofSeries[i]!]!++] = i;
  return { count, ofSeries, labels, start, members };
}

/**
 * Evaluates a vector aggregation over `input`. `instant` tells whether the
 * query is an instant query (approx_topk accepts nothing else).
 */
export function aggregateVector(agg: VectorAggregation, input: StepMatrix, instant: boolean): StepMatrix {
  switch (agg.op) {
    case 'topk':
    case 'bottomk':
      return selectTopK(input, groupSeries(input.series, agg.grouping), agg.param ?? 0, agg.op === 'topk');
    case 'approx_topk': {
      if (!instant) throw new EvaluationError(errCountMinSketchInstantOnly);
      const merged = mergeSameLabels(input);
      return selectTopK(merged, groupSeries(merged.series, { without: false, labels: [] }), agg.param ?? 0, true);
    }
    case 'sort':
    case 'sort_desc':
      return sortByValue(input, groupSeries(input.series, agg.grouping), agg.op === 'sort_desc');
    default:
      return reduceGroups(agg.op, input, groupSeries(input.series, agg.grouping));
  }
}

type ReducingOp = 'sum' | 'avg' | 'min' | 'max' | 'count' | 'stddev' | 'stdvar';

function reduceGroups(op: VectorOp, input: StepMatrix, groups: Groups): StepMatrix {
  const steps = input.grid.steps;
  const size = groups.count * steps;
  // value: sum / min / max / stddev's running M2; mean: avg / stddev; n: sample count.
  const value = new Float64Array(size).fill(Number.NaN);
  const seen = new Uint8Array(size);
  const needsCount = op === 'avg' || op === 'count' || op === 'stddev' || op === 'stdvar';
  const n = needsCount ? new Float64Array(size) : value;
  const mean = op === 'avg' || op === 'stddev' || op === 'stdvar' ? new Float64Array(size) : value;
  const series = input.series;
  for (let i = 0; i < series.length; i++) {
    const s = series[i]!;
    const base = groups.ofSeries[i]! * steps;
    const vals = s.values;
    const present = s.present;
    for (let t = 0; t < steps; t++) {
      if (!present[t]) continue;
      const v = vals[t]!;
      const k = base + t;
      if (!seen[k]) {
        seen[k] = 1;
        value[k] = op === 'stddev' || op === 'stdvar' ? 0 : v;
        if (needsCount) n[k] = 1;
        if (mean !== value) mean[k] = v;
        continue;
      }
      foldSample(op as ReducingOp, k, v, value, mean, n);
    }
  }
  const out: StepSeries[] = [];
  for (let g = 0; g < groups.count; g++) {
    const base = g * steps;
    const present = seen.subarray(base, base + steps);
    if (!present.includes(1)) continue;
    const values = value.subarray(base, base + steps);
    for (let t = 0; t < steps; t++) {
      if (!present[t]) continue;
      const k = base + t;
      switch (op) {
        case 'avg':
          values[t] = mean[k]!;
          break;
        case 'count':
          values[t] = n[k]!;
          break;
        case 'stddev':
          values[t] = Math.sqrt(value[k]! / n[k]!);
          break;
        case 'stdvar':
          values[t] = value[k]! / n[k]!;
          break;
      }
    }
    out.push({ labels: groups.labels[g]!, values, present });
  }
  return { grid: input.grid, series: out };
}

function foldSample(op: ReducingOp, k: number, v: number, value: Float64Array, mean: Float64Array, n: Float64Array) {
  switch (op) {
    case 'sum':
      value[k]! += v;
      return;
    case 'avg': {
      const count = ++n[k]!;
      const m = mean[k]!;
      // An infinite mean only moves for a NaN or the opposite infinity
      // (Inf + (x - Inf) would otherwise turn it into NaN).
      if (m === Number.POSITIVE_INFINITY || m === Number.NEGATIVE_INFINITY) {
        if ((v === Number.POSITIVE_INFINITY || v === Number.NEGATIVE_INFINITY) && m > 0 === v > 0) return;
        if (Number.isFinite(v)) return;
      }
      mean[k] = m + (v - m) / count;
      return;
    }
    case 'max': {
      const cur = value[k]!;
      if (cur < v || Number.isNaN(cur)) value[k] = v;
      return;
    }
    case 'min': {
      const cur = value[k]!;
      if (cur > v || Number.isNaN(cur)) value[k] = v;
      return;
    }
    case 'count':
      n[k]!++;
      return;
    case 'stddev':
    case 'stdvar': {
      const count = ++n[k]!;
      const delta = v - mean[k]!;
      mean[k]! += delta / count;
      value[k]! += delta * (v - mean[k]!);
      return;
    }
  }
}

/**
 * Whether series a ranks after series b: topk prefers larger values,
 * bottomk smaller ones; NaN always ranks last; ties go to the earlier series.
 */
function ranksAfter(va: number, a: number, vb: number, b: number, largest: boolean): boolean {
  const nanA = Number.isNaN(va);
  const nanB = Number.isNaN(vb);
  if (nanA !== nanB) return nanA;
  if (!nanA && va !== vb) return largest ? va < vb : va > vb;
  return a > b;
}

/**
 * topk/bottomk: per step and group, the k best series by a bounded heap
 * whose root is the worst kept series.
 */
function selectTopK(input: StepMatrix, groups: Groups, k: number, largest: boolean): StepMatrix {
  const steps = input.grid.steps;
  const series = input.series;
  if (!(k >= 1) || series.length === 0) return { grid: input.grid, series: [] };
  const selected: Array<Uint8Array | undefined> = new Array(series.length);
  let maxGroup = 0;
  for (let g = 0; g < groups.count; g++) maxGroup = Math.max(maxGroup, groups.start[g + 1]! - groups.start[g]!);
  const heap = new Int32Array(Math.min(k, maxGroup));
  const cap = heap.length;
  // Values at the current step, indexed by series, for the comparisons.
  const at = new Float64Array(series.length);

  const worse = (a: number, b: number) => ranksAfter(at[a]!, a, at[b]!, b, largest);
  const siftUp = (pos: number) => {
    const item = heap[pos]!;
    while (pos > 0) {
      const parent = (pos - 1) >> 1;
      if (!worse(item, heap[parent]!)) break;
      heap[pos] = heap[parent]!;
      pos = parent;
    }
    heap[pos] = item;
  };
  const siftDown = (size: number) => {
    let pos = 0;
    const item = heap[0]!;
    for (;;) {
      let child = 2 * pos + 1;
      if (child >= size) break;
      if (child + 1 < size && worse(heap[child + 1]!, heap[child]!)) child++;
      if (!worse(heap[child]!, item)) break;
      heap[pos] = heap[child]!;
      pos = child;
    }
    heap[pos] = item;
  };

  const presentOf = series.map((s) => s.present);
  const valuesOf = series.map((s) => s.values);
  for (let t = 0; t < steps; t++) {
    for (let g = 0; g < groups.count; g++) {
      let size = 0;
      for (let m = groups.start[g]!; m < groups.start[g + 1]!; m++) {
        const i = groups.members[m]!;
        if (!presentOf[i]![t]) continue;
        at[i] = valuesOf[i]![t]!;
        if (size < cap) {
          heap[size] = i;
          siftUp(size++);
        } else if (worse(heap[0]!, i)) {
          heap[0] = i;
          siftDown(size);
        }
      }
      for (let h = 0; h < size; h++) {
        const i = heap[h]!;
        let mask = selected[i];
        if (!mask) {
          mask = new Uint8Array(steps);
          selected[i] = mask;
        }
        mask[t] = 1;
      }
    }
  }

  const out: StepSeries[] = [];
  for (const i of rankedOrder(input, groups, largest, true)) {
    const mask = selected[i];
    if (mask) out.push({ labels: series[i]!.labels, values: series[i]!.values, present: mask });
  }
  return { grid: input.grid, series: out };
}

/** sort / sort_desc keep every sample; only the order of the series changes. */
function sortByValue(input: StepMatrix, groups: Groups, descending: boolean): StepMatrix {
  const series = rankedOrder(input, groups, descending, false).map((i) => input.series[i]!);
  return { grid: input.grid, series };
}

/**
 * Series indices in output order. For a single step: groups by first
 * appearance, each ranked by value (NaN last, ties in input order). Over
 * several steps there is no single order to honour, and the result will be
 * sorted by labels anyway, so input order is kept.
 */
function rankedOrder(input: StepMatrix, groups: Groups, largestFirst: boolean, skipAbsent: boolean): number[] {
  const series = input.series;
  if (input.grid.steps !== 1) return series.map((_, i) => i);
  const order: number[] = [];
  for (let g = 0; g < groups.count; g++) {
    const members: number[] = [];
    for (let m = groups.start[g]!; m < groups.start[g + 1]!; m++) {
      const i = groups.members[m]!;
      if (!skipAbsent || series[i]!.present[0]) members.push(i);
    }
    members.sort((a, b) => {
      const pa = series[a]!.present[0];
      const pb = series[b]!.present[0];
      if (pa !== pb) return pa ? -1 : 1;
      return ranksAfter(series[a]!.values[0]!, a, series[b]!.values[0]!, b, largestFirst) ? 1 : -1;
    });
    order.push(...members);
  }
  return order;
}

/**
 * approx_topk estimates each label set's total with a count-min sketch; with
 * no hash collisions (the sketch is sized for that) the estimate is the sum
 * of the samples sharing the label set, computed here exactly.
 */
function mergeSameLabels(input: StepMatrix): StepMatrix {
  const steps = input.grid.steps;
  const interner = new KeyInterner();
  const out: StepSeries[] = [];
  for (const s of input.series) {
    const before = interner.size;
    const id = interner.intern(labelsKey(s.labels));
    if (interner.size > before) {
      out.push({ labels: s.labels, values: new Float64Array(steps).fill(Number.NaN), present: new Uint8Array(steps) });
    }
    const m = out[id]!;
    for (let t = 0; t < steps; t++) {
      if (!s.present[t]) continue;
      m.values[t] = m.present[t] ? m.values[t]! + s.values[t]! : s.values[t]!;
      m.present[t] = 1;
    }
  }
  return { grid: input.grid, series: out };
}

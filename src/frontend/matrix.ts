// Matrix results as the frontend handles them: read from a query's result
// JSON, cut into per-interval pieces, joined back and written out again as
// byte-for-byte the JSON the engine writes (series sorted by labels as
// Prometheus' labels.Compare orders them, points in time order).
import { compareLabels } from '../logql/engine/label-sets.js';
import { encodeLabels, formatSampleValue } from '../logql/engine/result.js';
import { type Label, type Labels, sortLabels } from '../util/labels.js';
import type { MsRange } from './intervals.js';

/** One point: time in ms and the value as Loki writes it ("1", "0.5", "NaN", "+Inf"). */
export type Point = [number, string];

export interface SeriesData {
  /** The series' labels as JSON text (`{"a":"b"}`): its identity. */
  readonly metric: string;
  readonly labels: Labels;
  /** In time order. */
  readonly points: Point[];
}

export type Matrix = SeriesData[];

interface WireSeries {
  metric: Record<string, string>;
  values: Array<[number, string]>;
}

function labelsOf(record: Readonly<Record<string, string>>): Labels {
  return sortLabels(Object.entries(record).map(([name, value]): Label => ({ name, value })));
}

/** Reads the `data.result` JSON of a matrix answer. */
export function parseMatrix(resultJSON: string): Matrix {
  const wire = JSON.parse(resultJSON) as WireSeries[];
  return wire.map((s) => {
    const labels = labelsOf(s.metric);
    // Times are seconds with millisecond precision; rounding undoes the float division.
    const points = s.values.map(([t, v]): Point => [Math.round(t * 1000), v]);
    return { metric: encodeLabels(labels), labels, points };
  });
}

/** Series as stored in the cache: labels as an object, points as [ms, value]. */
export interface StoredSeries {
  metric: Record<string, string>;
  values: Point[];
}

export function toStored(m: Matrix): StoredSeries[] {
  return m.map((s) => ({ metric: Object.fromEntries(s.labels.map((l) => [l.name, l.value])), values: s.points }));
}

export function fromStored(stored: readonly StoredSeries[]): Matrix {
  return stored.map((s) => {
    const labels = labelsOf(s.metric);
    return { metric: encodeLabels(labels), labels, points: s.values };
  });
}

/** Index of the first point at or after `t`. */
function lowerBound(points: readonly Point[], t: number): number {
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (points[mid]![0] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The points within [startMs, endMs]; series left without points are dropped, as the engine drops them. */
export function sliceMatrix(m: Matrix, range: MsRange): Matrix {
  const out: Matrix = [];
  for (const s of m) {
    const from = lowerBound(s.points, range.startMs);
    const to = lowerBound(s.points, range.endMs + 1);
    if (to > from) out.push({ metric: s.metric, labels: s.labels, points: s.points.slice(from, to) });
  }
  return out;
}

/** The points of `m` outside [startMs, endMs]. */
export function withoutRange(m: Matrix, range: MsRange): Matrix {
  const out: Matrix = [];
  for (const s of m) {
    const from = lowerBound(s.points, range.startMs);
    const to = lowerBound(s.points, range.endMs + 1);
    if (from === 0 && to === s.points.length) continue;
    if (from === to) out.push(s);
    else {
      const points = [...s.points.slice(0, from), ...s.points.slice(to)];
      if (points.length > 0) out.push({ metric: s.metric, labels: s.labels, points });
    }
  }
  return out;
}

/**
 * Joins pieces into one matrix. Points of one series are re-sorted only when
 * the pieces interleave; pieces covering disjoint ranges in time order (the
 * usual case) are simply appended.
 */
export function mergeMatrices(pieces: readonly Matrix[]): Matrix {
  const byMetric = new Map<string, { labels: Labels; points: Point[]; sorted: boolean }>();
  for (const piece of pieces) {
    for (const s of piece) {
      const have = byMetric.get(s.metric);
      if (!have) {
        byMetric.set(s.metric, { labels: s.labels, points: [...s.points], sorted: true });
        continue;
      }
      const lastT = have.points.length > 0 ? have.points[have.points.length - 1]![0] : Number.NEGATIVE_INFINITY;
      if (s.points.length > 0 && s.points[0]![0] <= lastT) have.sorted = false;
      for (const p of s.points) have.points.push(p);
    }
  }
  const out: Matrix = [];
  for (const [metric, s] of byMetric) {
    if (!s.sorted) s.points.sort((a, b) => a[0] - b[0]);
    if (s.points.length > 0) out.push({ metric, labels: s.labels, points: s.points });
  }
  return out.sort((a, b) => compareLabels(a.labels, b.labels));
}

/** The matrix as the engine's `data.result` JSON. */
export function encodeMatrix(m: Matrix): string {
  const parts: string[] = new Array(m.length);
  for (let i = 0; i < m.length; i++) {
    const s = m[i]!;
    const pts: string[] = new Array(s.points.length);
    for (let j = 0; j < s.points.length; j++) {
      const [t, v] = s.points[j]!;
      pts[j] = `[${formatSampleValue(t / 1000)},${JSON.stringify(v)}]`;
    }
    parts[i] = `{"metric":${s.metric},"values":[${pts.join(',')}]}`;
  }
  return `[${parts.join(',')}]`;
}

/** Number of points in a matrix. */
export function matrixPoints(m: Matrix): number {
  let n = 0;
  for (const s of m) n += s.points.length;
  return n;
}

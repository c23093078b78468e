// Loki's JSON for metric results: the `data.result` text and its `resultType`.
//
// - Range queries return a matrix: one entry per label set, series sorted by
//   labels (Prometheus' labels.Compare, byte order), points only at steps
//   with a value. Series of the evaluated matrix that share a label set are
//   merged into one entry, their points in step order, as Loki's result
//   builder merges samples by label hash.
// - Instant queries return a vector sorted by labels, or in evaluation order
//   when the query contains sort or sort_desc; literal arithmetic returns a
//   scalar (and, in a range query, a label-less series at every step).
// - Timestamps are seconds with millisecond precision (`1705276800.5`),
//   values strings in Go's shortest 'f' form with `NaN`, `+Inf`, `-Inf`.
// The text is built by concatenation: results can be large, and this avoids
// an intermediate object per point.
import type { Labels } from '../../util/labels.js';
import { type SampleExpr, walk } from '../syntax/ast.js';
import { formatGoFloatF } from '../syntax/gostrconv.js';
import { SeriesLimitError } from './eval-errors.js';
import { compareLabels, labelsKey } from './label-sets.js';
import { type EvalValue, isScalar, type StepGrid, type StepSeries, stepTimeNs } from './types.js';

export type ResultType = 'matrix' | 'vector' | 'scalar';

export interface ResultOptions {
  /** Instant query (vector or scalar result) rather than range query (matrix). */
  instant: boolean;
  /** Keep the evaluation order of an instant vector (see keepsEvaluationOrder). */
  preserveOrder?: boolean;
  /** `max_query_series`; 0 or absent for no limit. */
  maxSeries?: number;
}

export interface EncodedResult {
  resultType: ResultType;
  /** The JSON text of `data.result`. */
  result: string;
  /** Number of series (matrix, vector) in the result. */
  series: number;
  /** Number of points in the result. */
  points: number;
}

/** Whether an instant query's vector keeps evaluation order: Loki's rule is "contains sort or sort_desc". */
export function keepsEvaluationOrder(expr: SampleExpr): boolean {
  let found = false;
  walk(expr, (node) => {
    if (node.kind === 'vector_agg' && (node.op === 'sort' || node.op === 'sort_desc')) found = true;
    return !found;
  });
  return found;
}

export function encodeResult(value: EvalValue, grid: StepGrid, opts: ResultOptions): EncodedResult {
  if (isScalar(value)) {
    if (opts.instant) {
      // The scalar's time is written in milliseconds, not seconds: Loki 2.9 answered
      // `1 + 1` at 1705280400 with [1705280400000,"2"], and clients that read it expect that.
      return {
        resultType: 'scalar',
        result: `[${stepTimeNs(grid, 0) / 1_000_000n},"${formatSampleValue(value.value)}"]`,
        series: 0,
        points: 1,
      };
    }
    const steps = grid.steps;
    const series: StepSeries = {
      labels: [],
      values: new Float64Array(steps).fill(value.value),
      present: new Uint8Array(steps).fill(1),
    };
    return encodeMatrix([series], grid, opts.maxSeries ?? 0);
  }
  if (opts.instant) return encodeVector(value.series, grid, opts);
  return encodeMatrix(value.series, grid, opts.maxSeries ?? 0);
}

interface MergedSeries {
  labels: Labels;
  parts: StepSeries[];
}

function encodeMatrix(series: readonly StepSeries[], grid: StepGrid, maxSeries: number): EncodedResult {
  const byKey = new Map<string, MergedSeries>();
  for (const s of series) {
    if (!s.present.includes(1)) continue;
    const key = labelsKey(s.labels);
    const merged = byKey.get(key);
    if (merged) merged.parts.push(s);
    else byKey.set(key, { labels: s.labels, parts: [s] });
  }
  if (maxSeries > 0 && byKey.size > maxSeries) throw new SeriesLimitError(maxSeries);
  const ordered = [...byKey.values()].sort((a, b) => compareLabels(a.labels, b.labels));
  // Point prefixes `[<ts>,"` once per step; joining small arrays per series
  // is markedly faster than growing one long string.
  const prefixes = stepTimestamps(grid).map((ts) => `[${ts},"`);
  const out: string[] = [];
  let points = 0;
  for (const m of ordered) {
    const pts: string[] = [];
    for (let t = 0; t < grid.steps; t++) {
      for (const p of m.parts) {
        if (p.present[t]) pts.push(`${prefixes[t]}${formatSampleValue(p.values[t]!)}"]`);
      }
    }
    points += pts.length;
    out.push(`{"metric":${encodeLabels(m.labels)},"values":[${pts.join(',')}]}`);
  }
  return { resultType: 'matrix', result: `[${out.join(',')}]`, series: ordered.length, points };
}

function encodeVector(series: readonly StepSeries[], grid: StepGrid, opts: ResultOptions): EncodedResult {
  const samples = series.filter((s) => s.present[0]);
  const maxSeries = opts.maxSeries ?? 0;
  if (maxSeries > 0 && samples.length > maxSeries) throw new SeriesLimitError(maxSeries);
  if (!opts.preserveOrder) samples.sort((a, b) => compareLabels(a.labels, b.labels));
  const ts = formatTimestamp(stepTimeNs(grid, 0));
  const out = samples.map(
    (s) => `{"metric":${encodeLabels(s.labels)},"value":[${ts},"${formatSampleValue(s.values[0]!)}"]}`,
  );
  return { resultType: 'vector', result: `[${out.join(',')}]`, series: samples.length, points: samples.length };
}

/** The timestamp text of every step, computed once per result. */
function stepTimestamps(grid: StepGrid): string[] {
  const out = new Array<string>(grid.steps);
  for (let t = 0; t < grid.steps; t++) out[t] = formatTimestamp(stepTimeNs(grid, t));
  return out;
}

/** Seconds with millisecond precision: Loki truncates a step's time to milliseconds. */
export function formatTimestamp(ns: bigint): string {
  return formatSampleValue(Number(ns / 1_000_000n) / 1000);
}

/** Go's strconv.FormatFloat(v, 'f', -1, 64), with a fast path for the common shapes. */
export function formatSampleValue(v: number): string {
  if (Number.isInteger(v) && v < 1e21 && v > -1e21) return v === 0 && 1 / v < 0 ? '-0' : String(v);
  const s = String(v);
  // String() agrees with Go's shortest digits; it differs only in notation
  // (exponents for tiny values, "Infinity").
  if (s.includes('e') || s.includes('I')) return formatGoFloatF(v);
  return s;
}

/** `{"name":"value",...}` with strings escaped as Loki's JSON writer escapes them. */
export function encodeLabels(labels: Labels): string {
  let out = '{';
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    out += `${i > 0 ? ',' : ''}${jsonString(l.name)}:${jsonString(l.value)}`;
  }
  return `${out}}`;
}

const hex = '0123456789abcdef';

/**
 * A JSON string as jsoniter's WriteString writes it: only `"`, `\` and
 * control characters are escaped (`\n`, `\r`, `\t`, else `\u00XX`); HTML
 * characters and non-ASCII text are written as they are.
 */
export function jsonString(s: string): string {
  let i = 0;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) break;
  }
  if (i === s.length) return `"${s}"`;
  let out = `"${s.slice(0, i)}`;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c < 0x20) out += `\\u00${hex[c >> 4]}${hex[c & 15]}`;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && isLowSurrogate(s.charCodeAt(i + 1))) {
      out += s.slice(i, i + 2);
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      // A lone surrogate has no UTF-8 form; Go would hold U+FFFD in its place.
      out += '\ufffd';
    } else out += s[i];
  }
  return `${out}"`;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

// The server's JSON answers, checked and turned into the shapes logcli prints
// from. A body that does not have the expected shape is an error, as it is
// for logcli's decoder.
import { parseGoFloat } from '../../logql/syntax/gostrconv.js';
import { type LabelSet, labelSetFromRecord } from '../labels.js';

export class ResponseFormatError extends Error {}

export interface Entry {
  tsNs: bigint;
  line: string;
}

export interface Stream {
  labels: LabelSet;
  entries: Entry[];
}

/** A sample: milliseconds since the epoch (Prometheus' model.Time) and a value. */
export interface SamplePoint {
  timeMs: number;
  value: number;
}

export interface Sample {
  metric: LabelSet;
  point: SamplePoint;
}

export interface SampleStream {
  metric: LabelSet;
  values: SamplePoint[];
}

export type QueryResult =
  | { type: 'streams'; streams: Stream[] }
  | { type: 'vector'; samples: Sample[] }
  | { type: 'matrix'; series: SampleStream[] }
  | { type: 'scalar'; point: SamplePoint };

/** The `stats` object as sent; fields are read where they are printed. */
export type StatsJson = Readonly<Record<string, unknown>>;

export interface QueryResponse {
  status: string;
  warnings: string[];
  result: QueryResult;
  stats: StatsJson;
}

type Json = Readonly<Record<string, unknown>>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function object(v: unknown, what: string): Json {
  if (!isObject(v)) throw new ResponseFormatError(`${what}: expected a JSON object`);
  return v;
}

function array(v: unknown, what: string): unknown[] {
  if (v === null || v === undefined) return [];
  if (!Array.isArray(v)) throw new ResponseFormatError(`${what}: expected a JSON array`);
  return v;
}

function labels(v: unknown, what: string): LabelSet {
  if (v === null || v === undefined) return new Map();
  return labelSetFromRecord(object(v, what));
}

function entry(v: unknown): Entry {
  const pair = array(v, 'values');
  const [ts, line] = pair;
  if (typeof ts !== 'string' || typeof line !== 'string' || !/^-?\d+$/.test(ts)) {
    throw new ResponseFormatError('values: expected ["<nanoseconds>", "<line>"]');
  }
  return { tsNs: BigInt(ts), line };
}

function stream(v: unknown): Stream {
  const s = object(v, 'stream');
  return {
    labels: labels(s.stream, 'stream'),
    entries: array(s.values, 'values')
      .filter((e) => e !== null)
      .map(entry),
  };
}

/** Prometheus' model.Time: unix seconds with up to three decimals, kept as milliseconds. */
function sampleTime(v: unknown): number {
  if (typeof v !== 'number') throw new ResponseFormatError('sample: expected a timestamp number');
  return Math.round(v * 1000);
}

function sampleValue(v: unknown): number {
  if (typeof v !== 'string') throw new ResponseFormatError('sample value must be a quoted string');
  const parsed = parseGoFloat(v);
  if (!parsed.ok) throw new ResponseFormatError(parsed.error);
  return parsed.value;
}

function point(v: unknown): SamplePoint {
  const pair = array(v, 'sample');
  return { timeMs: sampleTime(pair[0]), value: sampleValue(pair[1]) };
}

export function decodeQueryResult(resultType: unknown, result: unknown): QueryResult {
  switch (resultType) {
    case 'streams':
      return { type: 'streams', streams: array(result, 'result').map(stream) };
    case 'vector':
      return {
        type: 'vector',
        samples: array(result, 'result').map((s) => {
          const o = object(s, 'sample');
          return { metric: labels(o.metric, 'metric'), point: point(o.value) };
        }),
      };
    case 'matrix':
      return {
        type: 'matrix',
        series: array(result, 'result').map((s) => {
          const o = object(s, 'series');
          return { metric: labels(o.metric, 'metric'), values: array(o.values, 'values').map(point) };
        }),
      };
    case 'scalar':
      return { type: 'scalar', point: point(result) };
    default:
      throw new ResponseFormatError(`unknown type: ${String(resultType)}`);
  }
}

/** `{"status":..., "warnings":[...], "data":{"resultType":..., "result":..., "stats":...}}` */
export function decodeQueryResponse(body: unknown): QueryResponse {
  const root = object(body, 'response');
  const data = object(root.data, 'data');
  if (typeof data.resultType !== 'string') throw new ResponseFormatError('data: resultType is missing');
  return {
    status: typeof root.status === 'string' ? root.status : '',
    warnings: array(root.warnings, 'warnings').filter((w): w is string => typeof w === 'string'),
    result: decodeQueryResult(data.resultType, data.result),
    stats: isObject(data.stats) ? data.stats : {},
  };
}

/** `{"status":"success","data":["a","b"]}`; `data` may be missing when empty. */
export function decodeLabelResponse(body: unknown): string[] {
  return array(object(body, 'response').data, 'data').map((v) => String(v));
}

/** `{"status":"success","data":[{"a":"1"},...]}` */
export function decodeSeriesResponse(body: unknown): LabelSet[] {
  return array(object(body, 'response').data, 'data').map((v) => labels(v, 'series'));
}

export interface IndexStats {
  streams: number;
  chunks: number;
  bytes: number;
  entries: number;
}

function count(o: Json, key: string): number {
  const v = o[key];
  if (v === undefined || v === null) return 0;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
    throw new ResponseFormatError(`${key}: expected a non-negative integer`);
  }
  return v;
}

/** index/stats answers without an envelope: `{"streams":1,"chunks":2,"bytes":3,"entries":4}` */
export function decodeIndexStats(body: unknown): IndexStats {
  const o = object(body, 'response');
  return {
    streams: count(o, 'streams'),
    chunks: count(o, 'chunks'),
    bytes: count(o, 'bytes'),
    entries: count(o, 'entries'),
  };
}

export interface DetectedField {
  label: string;
  type: string;
  cardinality: number;
  parsers: string[];
}

export interface DetectedFieldsResponse {
  fields: DetectedField[];
  values: string[];
}

export function decodeDetectedFields(body: unknown): DetectedFieldsResponse {
  const o = object(body, 'response');
  return {
    fields: array(o.fields, 'fields').map((f) => {
      const field = object(f, 'field');
      return {
        label: typeof field.label === 'string' ? field.label : '',
        type: typeof field.type === 'string' ? field.type : '',
        cardinality: count(field, 'cardinality'),
        parsers: array(field.parsers, 'parsers').map((p) => String(p)),
      };
    }),
    values: array(o.values, 'values').map((v) => String(v)),
  };
}

export interface DeleteRequest {
  startTime: number;
  endTime: number;
  query: string;
  status: string;
}

/** The compactor's list of delete requests; times are unix seconds. */
export function decodeDeleteRequests(body: unknown): DeleteRequest[] | null {
  if (body === null) return null;
  return array(body, 'response').map((r) => {
    const o = object(r, 'delete request');
    const seconds = (v: unknown) => (typeof v === 'number' ? Math.trunc(v) : 0);
    return {
      startTime: seconds(o.start_time),
      endTime: seconds(o.end_time),
      query: typeof o.query === 'string' ? o.query : '',
      status: typeof o.status === 'string' ? o.status : '',
    };
  });
}

// Every call Grafana's Loki data source makes, sent as Grafana builds it:
// the backend's query_range and query requests (nanosecond times, `step` in
// whole ms, Go's sorted query string, X-Query-Tags and the categorize-labels
// encoding flag), its health check, the logs volume query, the streaming
// probe, live tail, and the frontend's labels, label values, series and index
// stats calls. Answers are checked against the data pushed here (structured
// metadata, logfmt and JSON lines, lines a parser rejects) and Loki's
// response shapes, from ingester memory and again from the store after a
// flush and a restart.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { pushProto, type TestStream } from './helpers/loki-client.js';
import { type SkaldProcess, startSkald } from './helpers/skald-process.js';

const SEC = 1_000_000_000n;
const MINUTE = 60n * SEC;
/** A whole minute, so that step-aligned windows hold whole minutes of entries. */
const BASE = 1_699_999_980n * SEC;
const MINUTES = 240;
const END = BASE + BigInt(MINUTES) * MINUTE;
const CATEGORIZE = { 'X-Loki-Response-Encoding-Flags': 'categorize-labels' };
const LEVELS = ['info', 'info', 'warn', 'error'];

type Labelset = Record<string, string>;

interface Entry {
  ts: bigint;
  line: string;
  metadata: Labelset;
}

interface Stream {
  labels: Labelset;
  entries: Entry[];
}

/** The data set: one logfmt service with metadata, one JSON service (with lines JSON cannot parse), a bulk stream. */
function buildStreams(): Stream[] {
  const checkout: Stream = { labels: { service_name: 'checkout', env: 'prod' }, entries: [] };
  const paid: Stream = { labels: { service_name: 'payments', env: 'prod', level: 'info' }, entries: [] };
  const failed: Stream = { labels: { service_name: 'payments', env: 'prod', level: 'error' }, entries: [] };
  for (let m = 0; m < MINUTES; m++) {
    const at = BASE + BigInt(m) * MINUTE + 30n * SEC;
    const level = LEVELS[m % LEVELS.length]!;
    const metadata: Labelset = { detected_level: level };
    if (m % 2 === 0) metadata.trace_id = `tr-${m}`;
    checkout.entries.push({ ts: at, line: `level=${level} msg="order ${m}" latency_ms=${(m * 7) % 500}`, metadata });
    if (m % 3 === 0)
      paid.entries.push({ ts: at + 1_000_000n, line: `{"msg":"paid ${m}","amount":${m}}`, metadata: {} });
    if (m % 10 === 0)
      failed.entries.push({ ts: at + 2_000_000n, line: `payment failed id=${m}`, metadata: { trace_id: `tr-${m}` } });
  }
  // Over a MiB of lines that do not compress, so that query workers get a share of the reading.
  const bulk: Stream = { labels: { service_name: 'bulk', env: 'batch' }, entries: [] };
  let seed = Buffer.from('bulk');
  for (let i = 0; i < 12_000; i++) {
    const a = createHash('sha512').update(seed).digest();
    seed = createHash('sha512').update(a).digest();
    bulk.entries.push({
      ts: BASE + 5n * SEC + BigInt(i) * 1_000_000n,
      line: `seq=${i} ${Buffer.concat([a, seed]).toString('base64')}`,
      metadata: { seq: String(i) },
    });
  }
  return [checkout, paid, failed, bulk];
}

const STREAMS = buildStreams();

function labelsText(l: Labelset): string {
  return `{${Object.keys(l)
    .sort()
    .map((k) => `${k}=${JSON.stringify(l[k])}`)
    .join(', ')}}`;
}

function sorted(l: Labelset): Labelset {
  const out: Labelset = {};
  for (const k of Object.keys(l).sort()) out[k] = l[k]!;
  return out;
}

/** logfmt as the lines of this data set use it: `k=v` and `k="v w"`. */
function logfmt(line: string): Labelset {
  const out: Labelset = {};
  for (const m of line.matchAll(/(\w+)=(?:"([^"]*)"|(\S*))/g)) out[m[1]!] = m[2] ?? m[3] ?? '';
  return out;
}

function jsonFields(line: string): Labelset | null {
  try {
    const o = JSON.parse(line) as Record<string, unknown>;
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, String(v)]));
  } catch {
    return null;
  }
}

/** Go's url.Values.Encode: keys sorted, form escaping. */
function goQuery(params: Record<string, string | string[]>): string {
  const qs = new URLSearchParams();
  for (const k of Object.keys(params).sort()) {
    const v = params[k]!;
    for (const x of Array.isArray(v) ? v : [v]) qs.append(k, x);
  }
  return qs.toString();
}

interface Reply<T> {
  status: number;
  text: string;
  json: T;
}

async function call<T>(
  url: string,
  path: string,
  params: Record<string, string | string[]>,
  headers: Record<string, string> = {},
): Promise<Reply<T>> {
  const res = await fetch(`${url}${path}?${goQuery(params)}`, { headers });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json: json as T };
}

type Third = { structuredMetadata?: Labelset; parsed?: Labelset };
type Value = [string, string] | [string, string, Third];

interface StreamsAnswer {
  status: string;
  data: {
    resultType: string;
    encodingFlags?: string[];
    result: Array<{ stream: Labelset; values: Value[] }>;
    stats: { summary: { splits: number; totalEntriesReturned: number } };
  };
}

interface MetricAnswer {
  status: string;
  data: {
    resultType: string;
    encodingFlags?: string[];
    result: Array<{ metric: Labelset; value?: [number, string]; values?: Array<[number, string]> }>;
  };
}

/** What Grafana's backend sends for a range query (pkg/tsdb/loki/api.go). */
function rangeParams(query: string, start: bigint, end: bigint, stepMs: number, direction: string, limit?: number) {
  const p: Record<string, string> = {
    query,
    direction,
    start: String(start),
    end: String(end),
    step: `${stepMs}ms`,
  };
  if (limit !== undefined) p.limit = String(limit);
  return p;
}

/** The categorized answer we expect for entries of the data set, in answer order. */
interface Expected {
  stream: Labelset;
  values: Array<{ ts: bigint; line: string; third: Third }>;
}

function thirdOf(metadata: Labelset, parsed: Labelset): Third {
  const t: Third = {};
  if (Object.keys(metadata).length > 0) t.structuredMetadata = sorted(metadata);
  if (Object.keys(parsed).length > 0) t.parsed = sorted(parsed);
  return t;
}

/**
 * Checks a categorized streams answer against the expectation, the third
 * elements byte for byte (names sorted, metadata before parsed), then that the
 * same query without the flag gives the same entries with everything folded
 * into the stream labels.
 */
function assertCategorized(a: Reply<StreamsAnswer>, expected: Expected[]): void {
  assert.equal(a.status, 200, a.text);
  assert.deepEqual(Object.keys(a.json.data), ['resultType', 'encodingFlags', 'result', 'stats']);
  assert.equal(a.json.data.resultType, 'streams');
  assert.deepEqual(a.json.data.encodingFlags, ['categorize-labels']);
  assert.deepEqual(
    a.json.data.result.map((s) => s.stream),
    expected.map((e) => e.stream),
  );
  a.json.data.result.forEach((s, i) => {
    const want = expected[i]!;
    assert.equal(s.values.length, want.values.length, `entries of ${labelsText(s.stream)}`);
    s.values.forEach((v, j) => {
      const w = want.values[j]!;
      assert.equal(v.length, 3);
      assert.equal(v[0], String(w.ts));
      assert.equal(v[1], w.line);
      assert.equal(JSON.stringify(v[2]), JSON.stringify(w.third), `third element of ${v[0]}`);
    });
  });
}

function assertFoldedEqual(plain: Reply<StreamsAnswer>, categorized: Reply<StreamsAnswer>): void {
  assert.equal(plain.status, 200, plain.text);
  assert.deepEqual(Object.keys(plain.json.data), ['resultType', 'result', 'stats']);
  const fold = (r: StreamsAnswer) => {
    const out: string[] = [];
    for (const s of r.data.result) {
      for (const v of s.values) {
        const third = (v[2] ?? {}) as Third;
        const labels = { ...s.stream, ...third.structuredMetadata, ...third.parsed };
        out.push(`${labelsText(labels)} ${v[0]} ${v[1]}`);
      }
    }
    return out.sort();
  };
  assert.deepEqual(fold(plain.json), fold(categorized.json));
}

const checkout = STREAMS[0]!;
const [, paid, failed, bulk] = STREAMS;

function logfmtExpected(entries: Entry[]): Expected['values'] {
  return entries.map((e) => ({ ts: e.ts, line: e.line, third: thirdOf(e.metadata, logfmt(e.line)) }));
}

describe("Grafana's Loki data source, call by call", () => {
  let skald: SkaldProcess;
  before(async () => {
    skald = await startSkald({ env: { SKALD_QUERY_WORKERS: '1' } });
    const push: TestStream[] = STREAMS.map((s) => ({
      labels: labelsText(s.labels),
      entries: s.entries.map((e) => ({ ts: e.ts, line: e.line, metadata: e.metadata })),
    }));
    for (const s of push) {
      const r = await pushProto(skald.url, [s]);
      assert.equal(r.status, 204, r.text);
    }
  });
  after(async () => {
    await skald.stop();
    await skald.cleanup();
  });

  /** Log samples: the newest 100 lines of the first hour, logfmt-parsed, backward. */
  async function logSample(): Promise<void> {
    const q = '{service_name="checkout"} | logfmt';
    const start = BASE;
    const end = BASE + 60n * MINUTE;
    const params = rangeParams(q, start, end, 15_000, 'backward', 100);
    const headers = { 'X-Query-Tags': 'Source=logsample', ...CATEGORIZE };
    const a = await call<StreamsAnswer>(skald.url, '/loki/api/v1/query_range', params, headers);
    const inRange = checkout.entries.filter((e) => e.ts >= start && e.ts < end).reverse();
    assertCategorized(a, [{ stream: sorted(checkout.labels), values: logfmtExpected(inRange.slice(0, 100)) }]);
    const plain = await call<StreamsAnswer>(skald.url, '/loki/api/v1/query_range', params, {
      'X-Query-Tags': 'Source=logsample',
    });
    assertFoldedEqual(plain, a);
  }

  /** A forward JSON query over the whole range: the frontend reads it interval by interval. */
  async function splitJSONQuery(): Promise<void> {
    const q = '{service_name="payments"} | json';
    const params = rangeParams(q, BASE, END + MINUTE, 60_000, 'forward', 1000);
    const a = await call<StreamsAnswer>(skald.url, '/loki/api/v1/query_range', params, CATEGORIZE);
    assert.ok(a.json.data.stats.summary.splits >= 3, `split into ${a.json.data.stats.summary.splits}`);
    // Lines JSON cannot read carry the parser error; its details come from the parser, so only their presence is fixed.
    const errorStream = a.json.data.result.find((s) => s.stream.level === 'error');
    const details = (errorStream?.values[0]?.[2] as Third | undefined)?.parsed?.__error_details__;
    assert.ok(details, 'the parser error has details');
    const expected: Expected[] = [failed!, paid!]
      .map((s) => ({
        stream: sorted(s.labels),
        values: s.entries.map((e) => {
          const fields = jsonFields(e.line);
          const parsed = fields ?? { __error__: 'JSONParserErr', __error_details__: details };
          return { ts: e.ts, line: e.line, third: thirdOf(e.metadata, parsed) };
        }),
      }))
      .sort((x, y) => (labelsText(x.stream) < labelsText(y.stream) ? -1 : 1));
    assertCategorized(a, expected);
    const plain = await call<StreamsAnswer>(skald.url, '/loki/api/v1/query_range', params);
    assertFoldedEqual(plain, a);
  }

  /** Enough data for the query workers: metadata must still follow each line. */
  async function bulkQuery(): Promise<void> {
    const params = rangeParams('{service_name="bulk"}', BASE, BASE + MINUTE, 1000, 'backward', 1000);
    const a = await call<StreamsAnswer>(skald.url, '/loki/api/v1/query_range', params, CATEGORIZE);
    // The engine counts each worker's share as a split.
    assert.ok(a.json.data.stats.summary.splits > 0, 'query workers read part of the data');
    const newest = bulk!.entries.slice(-1000).reverse();
    assertCategorized(a, [
      {
        stream: sorted(bulk!.labels),
        values: newest.map((e) => ({ ts: e.ts, line: e.line, third: thirdOf(e.metadata, {}) })),
      },
    ]);
  }

  /** An instant log query (Grafana sends `time` in ns): metadata only, no parser. */
  async function instantLogQuery(): Promise<void> {
    const time = BASE + 30n * MINUTE;
    const params = { query: '{service_name="checkout"}', direction: 'backward', limit: '10', time: String(time) };
    const a = await call<StreamsAnswer>(skald.url, '/loki/api/v1/query', params, CATEGORIZE);
    const newest = checkout.entries
      .filter((e) => e.ts <= time)
      .reverse()
      .slice(0, 10);
    assertCategorized(a, [
      {
        stream: sorted(checkout.labels),
        values: newest.map((e) => ({ ts: e.ts, line: e.line, third: thirdOf(e.metadata, {}) })),
      },
    ]);
  }

  /** The logs volume histogram: a metric range query, so no encodingFlags even though the flag is sent. */
  async function logsVolume(): Promise<void> {
    const expr = '{service_name=~"checkout|payments"}';
    const q = `sum by (level, detected_level) (count_over_time(${expr} | drop __error__ [1m]))`;
    const params = rangeParams(q, BASE, END, 60_000, 'backward', 1000);
    const a = await call<MetricAnswer>(skald.url, '/loki/api/v1/query_range', params, {
      'X-Query-Tags': 'Source=logvolhist',
      ...CATEGORIZE,
    });
    assert.equal(a.status, 200, a.text);
    assert.deepEqual(Object.keys(a.json.data), ['resultType', 'result', 'stats']);
    assert.equal(a.json.data.resultType, 'matrix');
    // Expected from the data: each step t counts the entries in (t - 1m, t], grouped as the query says.
    const series = new Map<string, { metric: Labelset; counts: Map<bigint, number> }>();
    for (const s of STREAMS.slice(0, 3)) {
      for (const e of s.entries) {
        const all = { ...s.labels, ...e.metadata };
        const metric: Labelset = {};
        for (const name of ['detected_level', 'level']) if (all[name] !== undefined) metric[name] = all[name];
        const key = labelsText(metric);
        let g = series.get(key);
        if (!g) {
          g = { metric, counts: new Map() };
          series.set(key, g);
        }
        const step = BASE + ((e.ts - BASE) / MINUTE + 1n) * MINUTE;
        g.counts.set(step, (g.counts.get(step) ?? 0) + 1);
      }
    }
    const expected = [...series.entries()]
      .sort(([x], [y]) => (x < y ? -1 : 1))
      .map(([, g]) => ({
        metric: g.metric,
        values: [...g.counts.entries()]
          .filter(([t]) => t <= END)
          .sort(([x], [y]) => (x < y ? -1 : 1))
          .map(([t, n]): [number, string] => [Number(t / SEC), String(n)]),
      }));
    assert.deepEqual(a.json.data.result, expected);
  }

  /** Grafana's health check: `vector(1)+vector(1)` at time=4000000000, one sample of 2. */
  async function healthCheck(): Promise<void> {
    const a = await call<MetricAnswer>(
      skald.url,
      '/loki/api/v1/query',
      { query: 'vector(1)+vector(1)', direction: 'backward', time: '4000000000' },
      CATEGORIZE,
    );
    assert.equal(a.status, 200, a.text);
    assert.equal(a.json.status, 'success');
    assert.equal(a.json.data.resultType, 'vector');
    assert.equal(a.json.data.encodingFlags, undefined);
    assert.equal(a.json.data.result.length, 1);
    assert.deepEqual(a.json.data.result[0], { metric: {}, value: [4_000_000_000, '2'] });
  }

  /** The frontend's language provider calls (ns times), checked against the pushed streams. */
  async function metadataCalls(): Promise<void> {
    const range = { start: String(BASE), end: String(END + MINUTE) };
    const payments = STREAMS.filter((s) => s.labels.service_name === 'payments');
    const labels = await call<{ status: string; data: string[] }>(skald.url, '/loki/api/v1/labels', {
      ...range,
      query: '{service_name="payments"}',
    });
    assert.equal(labels.status, 200, labels.text);
    assert.deepEqual(labels.json.data, [...new Set(payments.flatMap((s) => Object.keys(s.labels)))].sort());
    const values = await call<{ status: string; data: string[] }>(skald.url, '/loki/api/v1/label/level/values', {
      ...range,
      query: '{service_name="payments"}',
    });
    assert.deepEqual(values.json.data, payments.map((s) => s.labels.level!).sort());
    const services = await call<{ status: string; data: string[] }>(
      skald.url,
      '/loki/api/v1/label/service_name/values',
      range,
    );
    assert.deepEqual(services.json.data, [...new Set(STREAMS.map((s) => s.labels.service_name!))].sort());
    const series = await call<{ status: string; data: Labelset[] }>(skald.url, '/loki/api/v1/series', {
      'match[]': '{env="prod"}',
      ...range,
    });
    assert.equal(series.json.status, 'success');
    assert.deepEqual(
      series.json.data.map((l) => labelsText(l)).sort(),
      STREAMS.filter((s) => s.labels.env === 'prod')
        .map((s) => labelsText(s.labels))
        .sort(),
    );
    const stats = await call<{ streams: number; chunks: number; bytes: number; entries: number }>(
      skald.url,
      '/loki/api/v1/index/stats',
      { query: '{service_name="checkout"}', ...range },
    );
    assert.deepEqual(Object.keys(stats.json), ['streams', 'chunks', 'bytes', 'entries']);
    assert.equal(stats.json.streams, 1);
    assert.equal(stats.json.entries, checkout.entries.length);
    assert.ok(stats.json.chunks >= 1);
    const lineBytes = checkout.entries.reduce((n, e) => n + Buffer.byteLength(e.line), 0);
    assert.ok(stats.json.bytes >= lineBytes, `bytes ${stats.json.bytes} cover the lines (${lineBytes})`);
  }

  /** Live tail with the flag: history entries categorized, the flags at the end of each message. */
  async function categorizedTail(): Promise<void> {
    const qs = new URLSearchParams({ query: '{service_name="checkout"}', start: String(BASE), limit: '5' });
    const ws = new WebSocket(`${skald.url.replace('http', 'ws')}/loki/api/v1/tail?${qs}`, { headers: CATEGORIZE });
    const first = await new Promise<string>((resolve, reject) => {
      ws.once('message', (d) => resolve(d.toString()));
      ws.once('error', reject);
      ws.once('unexpected-response', (_q, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
    ws.close();
    assert.ok(first.endsWith(',"encodingFlags":["categorize-labels"]}'), first.slice(-80));
    const msg = JSON.parse(first) as { streams: Array<{ stream: Labelset; values: Value[] }> };
    const last = checkout.entries.slice(-5);
    assert.deepEqual(
      msg.streams,
      last.map((e) => ({
        stream: sorted(checkout.labels),
        values: [[String(e.ts), e.line, thirdOf(e.metadata, {})]],
      })),
    );
  }

  async function everyCall(): Promise<void> {
    await logSample();
    await splitJSONQuery();
    await bulkQuery();
    await instantLogQuery();
    await logsVolume();
    await healthCheck();
    await metadataCalls();
    await categorizedTail();
  }

  it('answers log samples categorized, and folded without the flag', logSample);
  it('joins split log queries per stream labels with each entry’s metadata and parse errors', splitJSONQuery);
  it('keeps metadata with each line when query workers share the reading', bulkQuery);
  it('answers instant log queries categorized', instantLogQuery);
  it('answers the logs volume query as a matrix without encodingFlags', logsVolume);
  it('passes the health check', healthCheck);
  it('has no v2alpha tail, so Grafana does not try to stream over it', async () => {
    const r = await fetch(`${skald.url}/loki/api/v2alpha/tail?query=${encodeURIComponent('{env="prod"}')}`);
    assert.equal(r.status, 404);
    await r.body?.cancel();
  });
  it('answers the query editor’s labels, values, series and stats calls', metadataCalls);
  it('tails categorized when asked', categorizedTail);

  it('gives the same answers from the store after a flush and a restart', async () => {
    assert.equal((await fetch(`${skald.url}/flush`, { method: 'POST' })).status, 204);
    assert.equal(await skald.stop(), 0);
    skald = await startSkald({ dataDir: skald.dataDir, port: skald.port, env: { SKALD_QUERY_WORKERS: '1' } });
    await everyCall();
  });
});

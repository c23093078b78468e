// The discovery endpoints as Grafana's Loki data source and Logs Drilldown
// call them (nanosecond or ISO times, their headers), against a real Skald
// holding the conformance data set: index stats, volumes, detected labels and
// fields, field values and the published tenant limits, checked against the
// data set itself and Loki's response shapes. The same answers must come from
// ingester memory and, after a flush and a restart, from the store.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { CONFORMANCE_DIR, conformancePush } from './helpers/conformance.js';
import { type Answer, pushProto } from './helpers/loki-client.js';
import { type SkaldProcess, startSkald } from './helpers/skald-process.js';

interface DatasetStream {
  stream: Record<string, string>;
  values: Array<[string, string]>;
}

interface Dataset {
  buildDataset(): DatasetStream[];
  T0_NS: bigint;
  T_END_NS: bigint;
}

const dataset = (await import(pathToFileURL(join(CONFORMANCE_DIR, 'dataset.mjs')).href)) as Dataset;
const STREAMS = dataset.buildDataset();
const T0 = dataset.T0_NS;
const T_END = dataset.T_END_NS;
const NS_PER_MS = 1_000_000n;

/** Grafana's data source sends nanosecond times; Logs Drilldown ISO strings. */
const grafanaRange = { start: String(T0), end: String(T_END) };
const drilldownRange = {
  start: new Date(Number(T0 / NS_PER_MS)).toISOString(),
  end: new Date(Number(T_END / NS_PER_MS)).toISOString(),
};
const DRILLDOWN_HEADERS = { 'X-Query-Tags': 'Source=grafana-lokiexplore-app' };

function lineBytes(select: (labels: Record<string, string>) => boolean): number {
  let bytes = 0;
  for (const s of STREAMS) if (select(s.stream)) for (const [, line] of s.values) bytes += Buffer.byteLength(line);
  return bytes;
}

async function call<T>(
  url: string,
  path: string,
  params: Record<string, string>,
  headers: Record<string, string> = {},
  method: 'GET' | 'POST' = 'GET',
): Promise<Answer<T> & { contentType: string }> {
  const qs = new URLSearchParams(params).toString();
  const res =
    method === 'GET'
      ? await fetch(`${url}${path}?${qs}`, { headers })
      : await fetch(`${url}${path}`, {
          method: 'POST',
          headers: { ...headers, 'Content-Type': 'application/x-www-form-urlencoded' },
          body: qs,
        });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json: json as T, contentType: res.headers.get('content-type') ?? '' };
}

interface IndexStats {
  streams: number;
  chunks: number;
  bytes: number;
  entries: number;
}

interface VolumeAnswer {
  status: string;
  data: {
    resultType: string;
    result: Array<{ metric: Record<string, string>; value?: [number, string]; values?: Array<[number, string]> }>;
    stats: { summary: unknown };
  };
}

interface DetectedFieldsAnswer {
  fields: Array<{
    label: string;
    type: string;
    cardinality: number;
    parsers: string[] | null;
    jsonPath?: string[];
  }>;
  limit: number;
}

describe('discovery API as Grafana and Logs Drilldown call it', () => {
  let skald: SkaldProcess;
  before(async () => {
    skald = await startSkald();
    await conformancePush(skald.url);
  });
  after(async () => {
    await skald.stop();
    await skald.cleanup();
  });

  const apacheBytes = lineBytes((l) => l.job === 'apache');

  async function expectApacheStats(): Promise<void> {
    const r = await call<IndexStats>(skald.url, '/loki/api/v1/index/stats', {
      query: '{job="apache"}',
      ...grafanaRange,
    });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.contentType, 'application/json; charset=UTF-8');
    assert.deepEqual(Object.keys(r.json), ['streams', 'chunks', 'bytes', 'entries']);
    assert.equal(r.json.streams, 3);
    assert.equal(r.json.entries, 2000);
    assert.equal(r.json.bytes, apacheBytes);
    assert.ok(r.json.chunks >= 3, `chunks ${r.json.chunks}`);
  }

  it('answers index/stats for a selector over the whole data set', async () => {
    await expectApacheStats();
    // Grafana asks once per selector of a query and adds the answers up.
    const api = await call<IndexStats>(skald.url, '/loki/api/v1/index/stats', {
      query: '{app="api"}',
      ...grafanaRange,
    });
    assert.equal(api.json.streams, 3);
    assert.equal(api.json.entries, 4500);
    assert.equal(
      api.json.bytes,
      lineBytes((l) => l.app === 'api'),
    );
  });

  it('answers index/stats for POSTed forms and gzip-accepting clients alike', async () => {
    const post = await call<IndexStats>(
      skald.url,
      '/loki/api/v1/index/stats',
      { query: '{job="apache"}', ...grafanaRange },
      {},
      'POST',
    );
    assert.equal(post.json.bytes, apacheBytes);
    const gz = await call<IndexStats>(
      skald.url,
      '/loki/api/v1/index/stats',
      { query: '{job="apache"}', ...grafanaRange },
      { 'Accept-Encoding': 'gzip' },
    );
    assert.equal(gz.json.entries, 2000);
  });

  it('refuses a bad selector or range in index/stats with 400', async () => {
    let r = await call(skald.url, '/loki/api/v1/index/stats', { query: '{job=~".*"}', ...grafanaRange });
    assert.equal(r.status, 400);
    r = await call(skald.url, '/loki/api/v1/index/stats', { query: '{job="apache"}', start: '20', end: '10' });
    assert.equal(r.status, 400);
    assert.equal(r.text, 'end timestamp must not be before or equal to start time');
  });

  it('lists volumes per service the way Logs Drilldown asks for them', async () => {
    const r = await call<VolumeAnswer>(
      skald.url,
      '/loki/api/v1/index/volume',
      { query: '{source=~".+"}', ...drilldownRange, limit: '5000' },
      DRILLDOWN_HEADERS,
    );
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.status, 'success');
    assert.equal(r.json.data.resultType, 'vector');
    assert.ok(r.json.data.stats.summary);
    const endSeconds = Number(T_END / NS_PER_MS) / 1000;
    assert.deepEqual(r.json.data.result, [
      { metric: { source: 'loghub' }, value: [endSeconds, String(lineBytes((l) => l.source === 'loghub'))] },
      { metric: { source: 'app' }, value: [endSeconds, String(lineBytes((l) => l.source === 'app'))] },
    ]);
  });

  it('groups volumes by target labels and keeps the largest `limit` groups', async () => {
    const r = await call<VolumeAnswer>(skald.url, '/loki/api/v1/index/volume', {
      query: '{source="loghub"}',
      targetLabels: 'job',
      limit: '3',
      ...grafanaRange,
    });
    assert.equal(r.status, 200, r.text);
    const jobs = [...new Set(STREAMS.filter((s) => s.stream.source === 'loghub').map((s) => s.stream.job!))];
    const expected = jobs
      .map((job) => ({ job, bytes: lineBytes((l) => l.job === job) }))
      .sort((a, b) => b.bytes - a.bytes || (a.job < b.job ? -1 : 1))
      .slice(0, 3);
    assert.deepEqual(
      r.json.data.result.map((x) => [x.metric, x.value![1]]),
      expected.map((e) => [{ job: e.job }, String(e.bytes)]),
    );
  });

  it('aggregates volumes by label name with aggregateBy=labels', async () => {
    const r = await call<VolumeAnswer>(skald.url, '/loki/api/v1/index/volume', {
      query: '{app="worker"}',
      aggregateBy: 'labels',
      ...grafanaRange,
    });
    const bytes = String(lineBytes((l) => l.app === 'worker'));
    assert.deepEqual(
      r.json.data.result.map((x) => [x.metric, x.value![1]]),
      ['app', 'format', 'namespace', 'pod', 'source'].map((name) => [{ [name]: '' }, bytes]),
    );
    const bad = await call(skald.url, '/loki/api/v1/index/volume', { query: '{app="worker"}', aggregateBy: 'pods' });
    assert.equal(bad.status, 400);
    assert.equal(bad.text, 'invalid aggregation option');
  });

  it('gives volume_range a sample per step bucket', async () => {
    const r = await call<VolumeAnswer>(skald.url, '/loki/api/v1/index/volume_range', {
      query: '{app="api"}',
      step: '1800',
      ...grafanaRange,
    });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.data.resultType, 'matrix');
    const [series] = r.json.data.result;
    assert.deepEqual(series!.metric, { app: 'api' });
    const t0 = Number(T0 / NS_PER_MS) / 1000;
    assert.deepEqual(
      series!.values!.map(([t]) => t),
      [t0 + 1799.999, t0 + 3599.999, t0 + 5399.999, t0 + 7200],
    );
    // Buckets share chunks by time, so their sum is close to (not exactly) the total.
    const total = series!.values!.reduce((n, [, v]) => n + Number(v), 0);
    const exact = lineBytes((l) => l.app === 'api');
    assert.ok(Math.abs(total - exact) / exact < 0.02, `${total} vs ${exact}`);
  });

  it('lists detected labels with their cardinality, for the Grafana probe and with a selector', async () => {
    const all = await call<{ detectedLabels: Array<{ label: string; cardinality: number }> }>(
      skald.url,
      '/loki/api/v1/detected_labels',
      grafanaRange,
    );
    assert.equal(all.status, 200, all.text);
    assert.deepEqual(all.json.detectedLabels, [
      { label: 'app', cardinality: 2 },
      { label: 'format', cardinality: 2 },
      { label: 'host', cardinality: 3 },
      { label: 'job', cardinality: 16 },
      { label: 'namespace', cardinality: 1 },
      { label: 'pod', cardinality: 5 },
      { label: 'source', cardinality: 2 },
    ]);
    const app = await call<{ detectedLabels: Array<{ label: string; cardinality: number }> }>(
      skald.url,
      '/loki/api/v1/detected_labels',
      { query: '{source="app"}', ...drilldownRange },
      DRILLDOWN_HEADERS,
    );
    assert.deepEqual(
      app.json.detectedLabels.map((l) => `${l.label}:${l.cardinality}`),
      ['app:2', 'format:2', 'namespace:1', 'pod:5', 'source:1'],
    );
    const none = await call(skald.url, '/loki/api/v1/detected_labels', { query: '{job="nope"}', ...grafanaRange });
    assert.equal(none.text, '{}\n');
  });

  it('detects JSON fields with types, parsers and paths, as the query builder asks', async () => {
    const r = await call<DetectedFieldsAnswer>(skald.url, '/loki/api/v1/detected_fields', {
      ...grafanaRange,
      limit: '1000',
      query: '{app="api"}',
    });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.limit, 1000);
    const fields = Object.fromEntries(r.json.fields.map((f) => [f.label, f]));
    assert.deepEqual(Object.keys(fields).sort(), [
      'bytes',
      'duration_ms',
      'level',
      'method',
      'msg',
      'path',
      'req_ip',
      'req_region',
      'status',
      'ts',
      'user',
    ]);
    assert.equal(fields.status!.type, 'int');
    assert.deepEqual(fields.status!.parsers, ['json']);
    assert.deepEqual(fields.status!.jsonPath, ['status']);
    assert.ok(fields.status!.cardinality >= 1 && fields.status!.cardinality <= 4);
    assert.deepEqual(fields.req_ip!.jsonPath, ['req', 'ip']);
    assert.equal(fields.req_region!.type, 'string');
    assert.equal(fields.req_region!.cardinality, 3);
    assert.equal(fields.bytes!.type, 'int');
    assert.ok(['int', 'float'].includes(fields.duration_ms!.type));
    assert.equal(fields.user!.cardinality, 5);
  });

  it('detects logfmt fields with durations and byte sizes, POSTed or with the field_limit alias', async () => {
    const r = await call<DetectedFieldsAnswer>(
      skald.url,
      '/loki/api/v1/detected_fields',
      { query: '{app="worker"}', ...drilldownRange, field_limit: '50', line_limit: '200' },
      DRILLDOWN_HEADERS,
      'POST',
    );
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.limit, 50);
    const fields = Object.fromEntries(r.json.fields.map((f) => [f.label, f]));
    assert.deepEqual(Object.keys(fields).sort(), ['attempt', 'duration', 'job_id', 'level', 'msg', 'queue', 'size']);
    assert.equal(fields.duration!.type, 'duration');
    assert.equal(fields.size!.type, 'bytes');
    assert.equal(fields.attempt!.type, 'int');
    assert.equal(fields.queue!.cardinality, 3);
    assert.deepEqual(fields.level!.parsers, ['logfmt']);
    assert.equal(fields.level!.jsonPath, undefined);
  });

  it('lists the values of a detected field', async () => {
    const status = await call<{ values: string[]; limit: number }>(
      skald.url,
      '/loki/api/v1/detected_field/status/values',
      { ...grafanaRange, limit: '1000', query: '{app="api"}' },
    );
    assert.equal(status.status, 200, status.text);
    assert.equal(status.json.limit, 1000);
    assert.ok(status.json.values.length >= 1);
    for (const v of status.json.values) assert.ok(['200', '404', '500', '503'].includes(v), v);
    const size = await call<{ values: string[] }>(skald.url, '/loki/api/v1/detected_field/size/values', {
      ...grafanaRange,
      query: '{app="worker"}',
    });
    // Byte sizes come back in the compact form a `| size > 512kB` filter accepts.
    for (const v of size.json.values) assert.match(v, /^\d+(\.\d)?(B|kB)$/);
    const none = await call(skald.url, '/loki/api/v1/detected_field/nope/values', {
      ...grafanaRange,
      query: '{app="api"}',
    });
    assert.equal(none.text, '{}\n');
  });

  it('refuses detected_fields requests Loki refuses', async () => {
    const cases: Array<[Record<string, string>, string | RegExp]> = [
      [{ query: 'sum(count_over_time({app="api"}[1m]))' }, /only log selector is supported|parse error/],
      [{ query: '{app="api"}', line_limit: '0' }, 'limit must be a positive value'],
      [
        { query: '{app="api"}', line_limit: '6000' },
        'max entries limit per query exceeded, limit > max_entries_limit_per_query (6000 > 5000)',
      ],
    ];
    for (const [params, message] of cases) {
      const r = await call(skald.url, '/loki/api/v1/detected_fields', { ...grafanaRange, ...params });
      assert.equal(r.status, 400, JSON.stringify(params));
      if (typeof message === 'string') assert.equal(r.text, message);
      else assert.match(r.text, message);
    }
  });

  it('publishes the tenant limits to Logs Drilldown, requiring X-Scope-OrgID even with auth off', async () => {
    const anonymous = await call(skald.url, '/loki/api/v1/drilldown-limits', {});
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.text, 'no org id\n');
    const r = await call<{ limits: Record<string, unknown>; pattern_ingester_enabled: boolean; version: string }>(
      skald.url,
      '/loki/api/v1/drilldown-limits',
      {},
      { 'X-Scope-OrgID': 'conformance', ...DRILLDOWN_HEADERS },
    );
    assert.equal(r.status, 200, r.text);
    assert.equal(r.contentType, 'application/json');
    assert.deepEqual(Object.keys(r.json), ['limits', 'pattern_ingester_enabled', 'version']);
    assert.equal(r.json.pattern_ingester_enabled, false);
    assert.match(r.json.version, /^\d+\.\d+\.\d+/);
    assert.equal(r.json.limits.max_query_series, 500);
    assert.equal(r.json.limits.max_query_length, '30d1h');
    assert.equal(r.json.limits.volume_enabled, true);
    assert.deepEqual(r.json.limits.discover_service_name, []);
    const yaml = await call(skald.url, '/config/tenant/v1/limits', {}, { 'X-Scope-OrgID': 'conformance' });
    assert.equal(yaml.status, 200);
    assert.equal(yaml.contentType, 'text/plain; charset=utf-8');
    assert.match(yaml.text, /^max_entries_limit_per_query: 5000$/m);
    assert.match(yaml.text, /^query_timeout: 1m$/m);
  });

  it('gives the same answers from the store after a flush and a restart', async () => {
    const before = await call<VolumeAnswer>(skald.url, '/loki/api/v1/index/volume', {
      query: '{source=~".+"}',
      ...grafanaRange,
    });
    const fieldsBefore = await call<DetectedFieldsAnswer>(skald.url, '/loki/api/v1/detected_fields', {
      query: '{app="worker"}',
      ...grafanaRange,
    });
    assert.equal((await fetch(`${skald.url}/flush`, { method: 'POST' })).status, 204);
    assert.equal(await skald.stop(), 0);
    skald = await startSkald({ dataDir: skald.dataDir, port: skald.port });
    await expectApacheStats();
    const afterFlush = await call<VolumeAnswer>(skald.url, '/loki/api/v1/index/volume', {
      query: '{source=~".+"}',
      ...grafanaRange,
    });
    assert.deepEqual(afterFlush.json.data.result, before.json.data.result);
    const fieldsAfter = await call<DetectedFieldsAnswer>(skald.url, '/loki/api/v1/detected_fields', {
      query: '{app="worker"}',
      ...grafanaRange,
    });
    assert.deepEqual(fieldsAfter.json, fieldsBefore.json);
  });
});

describe('discovery API with authentication and per-tenant limits', () => {
  let skald: SkaldProcess;
  const SEC = 1_000_000_000n;
  const BASE = 1_700_000_000n * SEC;
  const range = { start: String(BASE - 60n * SEC), end: String(BASE + 60n * SEC) };
  before(async () => {
    skald = await startSkald({
      authEnabled: true,
      limits: { volume_enabled: false },
      extraConfig: 'tenant_limits_allow_publish: [volume_enabled, max_query_series]\n',
    });
    const r = await pushProto(
      skald.url,
      [{ labels: '{app="a"}', entries: [{ ts: BASE, line: 'level=info msg=hello', metadata: { trace_id: 't1' } }] }],
      'team-a',
    );
    assert.equal(r.status, 204, r.text);
  });
  after(async () => {
    await skald.stop();
    await skald.cleanup();
  });

  it('keeps tenants apart and requires the tenant header', async () => {
    const query = { query: '{app="a"}', ...range };
    const a = await call<IndexStats>(skald.url, '/loki/api/v1/index/stats', query, { 'X-Scope-OrgID': 'team-a' });
    assert.deepEqual(a.json, { streams: 1, chunks: 1, bytes: 20, entries: 1 });
    const b = await call<IndexStats>(skald.url, '/loki/api/v1/index/stats', query, { 'X-Scope-OrgID': 'team-b' });
    assert.deepEqual(b.json, { streams: 0, chunks: 0, bytes: 0, entries: 0 });
    const anonymous = await call(skald.url, '/loki/api/v1/detected_labels', range);
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.text, 'no org id\n');
  });

  it('reports structured metadata as a field without parsers', async () => {
    const r = await call<DetectedFieldsAnswer>(
      skald.url,
      '/loki/api/v1/detected_fields',
      { query: '{app="a"}', ...range },
      { 'X-Scope-OrgID': 'team-a' },
    );
    assert.deepEqual(
      r.json.fields.find((f) => f.label === 'trace_id'),
      {
        label: 'trace_id',
        type: 'string',
        cardinality: 1,
        parsers: null,
      },
    );
  });

  it('answers volumes with 404 when volume_enabled is off', async () => {
    const r = await call(
      skald.url,
      '/loki/api/v1/index/volume',
      { query: '{app="a"}', ...range },
      {
        'X-Scope-OrgID': 'team-a',
      },
    );
    assert.equal(r.status, 404);
    assert.equal(r.text, 'not found');
  });

  it('publishes only the allow-listed limits, and refuses several tenants', async () => {
    const r = await call<{ limits: Record<string, unknown> }>(
      skald.url,
      '/loki/api/v1/drilldown-limits',
      {},
      {
        'X-Scope-OrgID': 'team-a',
      },
    );
    assert.deepEqual(r.json.limits, { max_query_series: 500, volume_enabled: false });
    const several = await call(skald.url, '/loki/api/v1/drilldown-limits', {}, { 'X-Scope-OrgID': 'team-a|team-b' });
    assert.equal(several.status, 401);
    assert.equal(several.text, 'multiple org IDs present\n');
  });
});

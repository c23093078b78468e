// Tenants never see each other's data, on any read endpoint, whether the data
// is in ingester memory or only in storage after a flush and restart; and
// cross-tenant queries work only when enabled, with the __tenant_id__ label.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Answer, get, linesOf, pushProto, queryRange, type StreamsResult } from './helpers/loki-client.js';
import { type SkaldProcess, startSkald } from './helpers/skald-process.js';
import { nowNs, openTail, waitFor } from './helpers/tail-client.js';

const T0 = nowNs();
const at = (sec: number) => T0 + BigInt(sec) * 1_000_000_000n;
const range = { start: String(at(-600)), end: String(at(600)) };

async function pushAlphaAndBeta(url: string): Promise<void> {
  let r = await pushProto(
    url,
    [
      {
        labels: '{app="secret", env="prod"}',
        entries: [
          { ts: at(0), line: 'alpha one' },
          { ts: at(1), line: 'alpha two' },
        ],
      },
    ],
    'alpha',
  );
  assert.equal(r.status, 204, r.text);
  r = await pushProto(url, [{ labels: '{app="public"}', entries: [{ ts: at(0), line: 'beta one' }] }], 'beta');
  assert.equal(r.status, 204, r.text);
}

/** What tenant `beta` can learn about `alpha`'s data through every read endpoint: nothing. */
async function assertBetaSeesNoAlpha(url: string): Promise<void> {
  const q = await queryRange(url, { query: '{app="secret"}', ...range }, 'beta');
  assert.equal(q.status, 200, q.text);
  assert.deepEqual(q.json.data.result, []);

  const wide = await queryRange(url, { query: '{app=~".+"}', ...range }, 'beta');
  assert.deepEqual(
    linesOf(wide.json).map((l) => l.line),
    ['beta one'],
  );

  const metric = await get<{ data: { result: unknown[] } }>(
    url,
    '/loki/api/v1/query',
    { query: 'sum(count_over_time({app="secret"}[1h]))', time: String(at(60)) },
    'beta',
  );
  assert.equal(metric.status, 200, metric.text);
  assert.deepEqual(metric.json.data.result, []);

  const labels = await get<{ data: string[] }>(url, '/loki/api/v1/labels', range, 'beta');
  assert.deepEqual(labels.json.data, ['app']);
  const values = await get<{ data: string[] }>(url, '/loki/api/v1/label/app/values', range, 'beta');
  assert.deepEqual(values.json.data, ['public']);
  const env = await get<{ status: string; data?: string[] }>(url, '/loki/api/v1/label/env/values', range, 'beta');
  // Loki leaves `data` out of an empty label answer.
  assert.deepEqual(env.json, { status: 'success' });

  const series = await get<{ data: unknown[] }>(url, '/loki/api/v1/series', { match: '{app=~".+"}', ...range }, 'beta');
  assert.deepEqual(series.json.data, [{ app: 'public' }]);

  const stats = await get<Record<string, number>>(
    url,
    '/loki/api/v1/index/stats',
    { query: '{app="secret"}', ...range },
    'beta',
  );
  assert.equal(stats.status, 200, stats.text);
  assert.deepEqual(stats.json, { streams: 0, chunks: 0, entries: 0, bytes: 0 });

  const volume = await get<{ data: { result: unknown[] } }>(
    url,
    '/loki/api/v1/index/volume',
    { query: '{app=~".+"}', ...range },
    'beta',
  );
  assert.equal(volume.status, 200, volume.text);
  assert.deepEqual(
    (volume.json.data.result as Array<{ metric: Record<string, string> }>).map((r) => r.metric),
    [{ app: 'public' }],
  );

  // Tail history comes from the same sources as queries.
  const tail = await openTail(url, '{app=~".+"}', 'beta', { start: String(at(-600)) });
  await waitFor(() => tail.lines.length >= 1);
  await new Promise((r) => setTimeout(r, 200));
  tail.ws.close();
  assert.deepEqual(
    tail.lines.map((l) => l.line),
    ['beta one'],
  );
}

describe('tenant isolation', () => {
  let skald: SkaldProcess;
  before(async () => {
    skald = await startSkald({ authEnabled: true });
    await pushAlphaAndBeta(skald.url);
  });
  after(async () => {
    await skald.stop();
    await skald.cleanup();
  });

  it('keeps data in memory apart on every read endpoint', async () => {
    await assertBetaSeesNoAlpha(skald.url);
    const a = await queryRange(skald.url, { query: '{app="secret"}', ...range }, 'alpha');
    assert.equal(linesOf(a.json).length, 2);
  });

  it('keeps live tails apart', async () => {
    const tail = await openTail(skald.url, '{app="secret"}', 'beta');
    await pushProto(
      skald.url,
      [{ labels: '{app="secret", env="prod"}', entries: [{ ts: at(2), line: 'alpha three' }] }],
      'alpha',
    );
    await new Promise((r) => setTimeout(r, 1500));
    tail.ws.close();
    assert.deepEqual(tail.lines, []);
  });

  it('keeps data apart after a flush to storage and a restart', async () => {
    const flushed = await fetch(`${skald.url}/flush`, { method: 'POST' });
    assert.equal(flushed.status, 204);
    await skald.stop();
    skald = await startSkald({
      authEnabled: true,
      dataDir: skald.dataDir,
      extraConfig: 'ingester:\n  wal:\n    enabled: false\n',
    });
    // Only the store holds the data now.
    const a = await queryRange(skald.url, { query: '{app="secret"}', ...range }, 'alpha');
    assert.deepEqual(
      linesOf(a.json).map((l) => l.line),
      ['alpha three', 'alpha two', 'alpha one'],
    );
    await assertBetaSeesNoAlpha(skald.url);
  });

  it('refuses a tenant list when cross-tenant queries are off', async () => {
    const r = await queryRange(skald.url, { query: '{app=~".+"}', ...range }, 'alpha|beta');
    assert.equal(r.status, 400);
    assert.equal(r.text, 'multiple org IDs present');
  });
});

describe('cross-tenant queries', () => {
  let skald: SkaldProcess;
  const both = 'alpha|beta';
  before(async () => {
    skald = await startSkald({ authEnabled: true, extraConfig: 'querier:\n  multi_tenant_queries_enabled: true\n' });
    await pushAlphaAndBeta(skald.url);
  });
  after(async () => {
    await skald.stop();
    await skald.cleanup();
  });

  const streamsOf = (r: Answer<StreamsResult>) =>
    r.json.data.result.map((s) => ({ stream: s.stream, lines: s.values.map((v) => v[1]) }));

  it('reads every listed tenant and labels each stream with __tenant_id__', async () => {
    const r = await queryRange(skald.url, { query: '{app=~".+"}', ...range, direction: 'forward' }, both);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(
      streamsOf(r).sort((a, b) => a.stream.app!.localeCompare(b.stream.app!)),
      [
        { stream: { __tenant_id__: 'beta', app: 'public' }, lines: ['beta one'] },
        { stream: { __tenant_id__: 'alpha', app: 'secret', env: 'prod' }, lines: ['alpha one', 'alpha two'] },
      ],
    );
  });

  it('selects tenants with __tenant_id__ matchers and groups by it', async () => {
    const r = await queryRange(skald.url, { query: '{__tenant_id__="beta", app=~".+"}', ...range }, both);
    assert.deepEqual(
      linesOf(r.json).map((l) => l.line),
      ['beta one'],
    );
    const m = await get<{ data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } }>(
      skald.url,
      '/loki/api/v1/query',
      { query: 'sum by (__tenant_id__) (count_over_time({app=~".+"}[1h]))', time: String(at(60)) },
      both,
    );
    assert.equal(m.status, 200, m.text);
    assert.deepEqual(m.json.data.result.map((s) => [s.metric.__tenant_id__, s.value[1]]).sort(), [
      ['alpha', '2'],
      ['beta', '1'],
    ]);
  });

  it('lists __tenant_id__ among labels and the tenants among its values', async () => {
    const labels = await get<{ data: string[] }>(skald.url, '/loki/api/v1/labels', range, both);
    assert.deepEqual(labels.json.data, ['__tenant_id__', 'app', 'env']);
    const values = await get<{ data: string[] }>(skald.url, '/loki/api/v1/label/__tenant_id__/values', range, both);
    assert.deepEqual(values.json.data, ['alpha', 'beta']);
    const series = await get<{ data: unknown[] }>(
      skald.url,
      '/loki/api/v1/series',
      { match: '{app="public"}', ...range },
      both,
    );
    assert.deepEqual(series.json.data, [{ __tenant_id__: 'beta', app: 'public' }]);
  });

  it('still answers single-tenant queries without the label', async () => {
    const r = await queryRange(skald.url, { query: '{app=~".+"}', ...range }, 'alpha');
    assert.deepEqual(
      r.json.data.result.map((s) => s.stream),
      [{ app: 'secret', env: 'prod' }],
    );
  });
});

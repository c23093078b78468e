// The results cache end to end: a Skald server whose query_range results cache
// lives in a real memcached. A repeated metric query is answered identically
// from the cache (stats, metrics and memcached's own counters say so), and a
// stopped memcached slows nothing down and fails nothing. Then the HTTP
// querier: a frontend in this process asking a second Skald process.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { defaultConfig } from '../src/config/index.js';
import { QueryFrontend } from '../src/frontend/frontend.js';
import { HttpQuerier } from '../src/frontend/http-querier.js';
import { HttpError } from '../src/server/http-error.js';
import { EmbeddedCache } from '../src/storage/cache/embedded.js';
import { type MemcachedTestServer, startMemcached } from '../src/testing/memcached.js';
import { get, pushProto, type TestStream } from './helpers/loki-client.js';
import { metricValue } from './helpers/metrics.js';
import { type SkaldProcess, startSkald } from './helpers/skald-process.js';

const SEC = 1_000_000_000n;
const STEP_S = 60n;
// Whole minutes, so that the grid is the same for every query below.
const NOW_NS = ((BigInt(Date.now()) * 1_000_000n) / (STEP_S * SEC)) * (STEP_S * SEC);
const ago = (sec: number) => NOW_NS - BigInt(sec) * SEC;

/** Six hours of entries, one every 20 seconds per stream, ending an hour ago. */
function streams(): TestStream[] {
  const out: TestStream[] = [];
  for (const app of ['api', 'worker', 'db']) {
    const entries = [];
    for (let s = 7 * 3600; s >= 3600; s -= 20) {
      const level = s % 100 === 0 ? 'error' : 'info';
      entries.push({ ts: ago(s) + BigInt(app.length), line: `level=${level} app=${app} took=${s % 977}ms` });
    }
    out.push({ labels: `{job="e2e", app="${app}"}`, entries });
  }
  return out;
}

interface MatrixAnswer {
  status: string;
  data: {
    resultType: string;
    result: Array<{ metric: Record<string, string>; values: [number, string][] }>;
    stats: {
      summary: { totalLinesProcessed: number; splits: number };
      cache: { result: Record<string, number> };
    };
  };
}

const METRIC = 'sum by (app) (count_over_time({job="e2e"} |= "error" [5m]))';
const RANGE = { start: String(ago(6 * 3600)), end: String(ago(3600)), step: `${STEP_S}` };

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - started };
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('results cache on memcached', () => {
  let memcached: MemcachedTestServer;
  let skald: SkaldProcess;
  const query = (params: Record<string, string> = {}) =>
    get<MatrixAnswer>(skald.url, '/loki/api/v1/query_range', { query: METRIC, ...RANGE, ...params });

  before(async () => {
    memcached = await startMemcached();
    skald = await startSkald({
      limits: { split_queries_by_interval: '1h', max_cache_freshness_per_query: '10m' },
      extraConfig: `query_range:
  cache_results: true
  results_cache:
    cache:
      memcached_client:
        addresses: ${memcached.address}
        timeout: 500ms
`,
    });
    const r = await pushProto(skald.url, streams());
    assert.equal(r.status, 204, r.text);
  });
  after(async () => {
    await skald?.stop();
    await skald?.cleanup();
    await memcached?.stop();
  });

  it('answers a repeated metric query identically from memcached', async (t) => {
    const cold = await timed(() => query());
    assert.equal(cold.value.status, 200, cold.value.text);
    const first = cold.value.json.data;
    assert.equal(first.resultType, 'matrix');
    assert.equal(first.result.length, 3);
    assert.equal(first.stats.cache.result.entriesFound, 0);
    assert.ok(first.stats.cache.result.entriesStored >= 5, JSON.stringify(first.stats.cache.result));
    assert.ok(first.stats.summary.totalLinesProcessed > 0);

    // Writes to memcached happen after the answer; wait for them to land.
    await waitFor('cache entries in memcached', async () => (await memcached.stats()).curr_items! >= 5);

    const warm = await timed(() => query());
    assert.equal(warm.value.status, 200, warm.value.text);
    const second = warm.value.json.data;
    assert.deepEqual(second.result, first.result);
    const cache = second.stats.cache.result;
    assert.equal(cache.entriesFound, cache.entriesRequested);
    assert.ok(cache.entriesFound >= 5);
    assert.equal(cache.entriesStored, 0);
    assert.ok(cache.queryLengthServed > 4 * 3600 * 1e9, JSON.stringify(cache));
    assert.equal(second.stats.summary.totalLinesProcessed, 0, 'nothing was read again');
    t.diagnostic(`query_range over 5h: ${cold.ms.toFixed(1)} ms uncached, ${warm.ms.toFixed(1)} ms from memcached`);

    const mc = await memcached.stats();
    assert.ok(mc.get_hits! >= cache.entriesFound, JSON.stringify(mc));
    assert.ok(mc.cmd_set! >= 5);
    assert.ok((await metricValue(skald.url, 'loki_cache_hits', { name: 'frontend.memcache' })) >= cache.entriesFound);
    assert.ok((await metricValue(skald.url, 'loki_cache_fetched_keys', { name: 'frontend.memcache' })) >= 10);
    assert.ok(
      (await metricValue(skald.url, 'loki_cache_request_duration_seconds_count', {
        name: 'frontend.memcache',
        method: 'frontend.memcache.fetch',
        status_code: '200',
      })) >= 2,
    );
    // Loki labels the memcached client's own metrics with the bare cache prefix.
    assert.ok((await metricValue(skald.url, 'loki_memcache_client_servers', { name: 'frontend.' })) === 1);
  });

  it('computes only the new part of a longer range and matches the uncached answer', async () => {
    const longer = await query({ start: String(ago(7 * 3600)) });
    assert.equal(longer.status, 200, longer.text);
    const cache = longer.json.data.stats.cache.result;
    assert.ok(cache.entriesFound >= 5 && cache.entriesFound < cache.entriesRequested, JSON.stringify(cache));
    // The same grid asked without the cache (another tenant's cache key space, same data: auth is off).
    const fresh = await get<MatrixAnswer>(skald.url, '/loki/api/v1/query_range', {
      query: `${METRIC} + 0`,
      ...RANGE,
      start: String(ago(7 * 3600)),
    });
    assert.deepEqual(longer.json.data.result, fresh.json.data.result);
  });

  it('keeps answering, from the engine, while memcached is down', async (t) => {
    const before = (await query()).json.data.result;
    await memcached.halt();
    try {
      const down = await timed(() => query());
      assert.equal(down.value.status, 200, down.value.text);
      assert.deepEqual(down.value.json.data.result, before);
      assert.equal(down.value.json.data.stats.cache.result.entriesFound, 0);
      assert.ok(down.value.json.data.stats.summary.totalLinesProcessed > 0);
      t.diagnostic(`query_range with memcached stopped: ${down.ms.toFixed(1)} ms`);
      await waitFor('a failed fetch in the cache metrics', async () => {
        const failed = await metricValue(skald.url, 'loki_cache_request_duration_seconds_count', {
          name: 'frontend.memcache',
          method: 'frontend.memcache.fetch',
          status_code: '500',
        });
        return failed >= 1;
      });
    } finally {
      await memcached.resume();
    }
    // Back up (empty): the next answer is the same and refills the cache.
    const again = await query();
    assert.equal(again.status, 200, again.text);
    assert.deepEqual(again.json.data.result, before);
    await waitFor('the cache refilled', async () => (await memcached.stats()).curr_items! >= 5);
  });
});

describe('HTTP querier against a second Skald process', () => {
  let remote: SkaldProcess;
  const signal = new AbortController().signal;

  before(async () => {
    remote = await startSkald({ authEnabled: true });
    for (const tenant of ['team-a', 'team-b']) {
      const r = await pushProto(
        remote.url,
        streams().map((s) => ({ ...s, labels: s.labels.replace('}', `, team="${tenant}"}`) })),
        tenant,
      );
      assert.equal(r.status, 204, r.text);
    }
  });
  after(async () => {
    await remote?.stop();
    await remote?.cleanup();
  });

  const rangeQuery = (query: string, over: Partial<{ limit: number; direction: 'forward' | 'backward' }> = {}) => ({
    query,
    startNs: ago(6 * 3600),
    endNs: ago(3600),
    stepNs: STEP_S * SEC,
    limit: over.limit ?? 100,
    direction: over.direction ?? ('backward' as const),
    intervalNs: 0n,
  });

  it('returns exactly what the querier answers, for log, metric and instant queries', async () => {
    const querier = new HttpQuerier({ url: `${remote.url}/` });
    for (const [query, direction] of [
      ['{job="e2e"} |= "error"', 'backward'],
      ['{app="db"}', 'forward'],
      [METRIC, 'backward'],
    ] as const) {
      const r = await querier.rangeQuery('team-a', rangeQuery(query, { direction, limit: 50 }), signal);
      const direct = await get(
        remote.url,
        '/loki/api/v1/query_range',
        { query, ...RANGE, limit: '50', direction },
        'team-a',
      );
      const body = direct.json as { data: { resultType: string; result: unknown } };
      assert.equal(r.resultType, body.data.resultType);
      assert.equal(r.result, JSON.stringify(body.data.result));
      assert.ok(r.stats.headChunkLines + r.stats.decompressedLines > 0);
    }
    const instant = await querier.instantQuery(
      'team-a',
      { query: 'sum(count_over_time({job="e2e"}[1h]))', timeNs: ago(3600), limit: 100, direction: 'backward' },
      signal,
    );
    assert.equal(instant.resultType, 'vector');
    assert.match(instant.result, /^\[\{"metric":\{\},"value":\[\d+(\.\d+)?,"\d+"\]\}\]$/);
  });

  it('sends the tenant, so each tenant sees only its own logs', async () => {
    const querier = new HttpQuerier({ url: remote.url });
    const r = await querier.rangeQuery(
      'team-b',
      rangeQuery('sum by (team) (count_over_time({job="e2e"}[1h]))'),
      signal,
    );
    assert.match(r.result, /"team":"team-b"/);
    assert.doesNotMatch(r.result, /team-a/);
  });

  it("passes the querier's errors on with their status and message", async () => {
    const querier = new HttpQuerier({ url: remote.url });
    await assert.rejects(
      querier.rangeQuery('team-a', rangeQuery('sum(rate({job="e2e"}'), signal),
      (err) => err instanceof HttpError && err.status === 400 && /parse error/.test(err.message),
    );
  });

  it('serves a frontend in this process, whose cache then answers without the querier', async () => {
    const querier = new HttpQuerier({ url: remote.url });
    let calls = 0;
    const counting = {
      rangeQuery: (...args: Parameters<HttpQuerier['rangeQuery']>) => {
        calls++;
        return querier.rangeQuery(...args);
      },
      instantQuery: (...args: Parameters<HttpQuerier['instantQuery']>) => querier.instantQuery(...args),
    };
    const frontend = new QueryFrontend({
      handler: counting,
      limits: () => ({ ...defaultConfig().limits_config, split_queries_by_interval: 3_600_000 }),
      cache: new EmbeddedCache({ name: 'e2e', maxSizeBytes: 10e6, maxSizeItems: 0, ttlMs: 0 }),
      alignQueriesWithStep: false,
    });
    const q = rangeQuery(METRIC);
    const first = await frontend.rangeQuery('team-a', q, signal);
    await frontend.idle();
    const second = await frontend.rangeQuery('team-a', q, signal);
    assert.equal(calls, 1);
    assert.equal(second.result, first.result);
    const direct = await querier.rangeQuery('team-a', q, signal);
    assert.equal(first.result, direct.result, 'the grid is already aligned: same answer as the querier');
    // Log queries over many intervals are read newest first through the querier too.
    const logs = await frontend.rangeQuery('team-a', rangeQuery('{job="e2e"}', { limit: 30 }), signal);
    assert.equal(
      logs.result,
      (await querier.rangeQuery('team-a', rangeQuery('{job="e2e"}', { limit: 30 }), signal)).result,
    );
    assert.ok(calls >= 2);
    await frontend.stop();
  });
});

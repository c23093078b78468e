import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultConfig, type LimitsConfig } from '../config/index.js';
import { QueryStats } from '../logql/engine/stats.js';
import { HttpError } from '../server/http-error.js';
import type { Cache } from '../storage/cache/cache.js';
import { EmbeddedCache } from '../storage/cache/embedded.js';
import { createQueryFrontend, QueryFrontend } from './frontend.js';
import type { InstantQuery, QueryHandler, QueryResponse, RangeQuery } from './handler.js';
import { encodeMatrix, type Matrix } from './matrix.js';

const MS = 1_000_000n;
const MIN = 60_000;
const H = 60 * MIN;
const T0 = Date.UTC(2024, 0, 15); // a day boundary, so intervals line up with hours

/**
 * A stand-in for the engine whose answers depend only on the grid point (as a
 * metric query's do) or the entry time (log queries), recording every call.
 */
class FakeHandler implements QueryHandler {
  calls: RangeQuery[] = [];
  delayMs = 0;

  async rangeQuery(_tenant: string, q: RangeQuery, signal: AbortSignal): Promise<QueryResponse> {
    this.calls.push(q);
    if (this.delayMs > 0) {
      await new Promise((resolve, reject) => {
        const t = setTimeout(resolve, this.delayMs);
        signal.addEventListener('abort', () => {
          clearTimeout(t);
          reject(signal.reason);
        });
      });
    }
    const stats = new QueryStats();
    if (q.query.startsWith('{')) return { resultType: 'streams', result: this.logs(q, stats), stats, warnings: [] };
    const a: [number, string][] = [];
    const b: [number, string][] = [];
    for (let t = q.startNs; t <= q.endNs; t += q.stepNs) {
      const ms = Number(t / MS);
      a.push([ms, String((ms / MIN) % 7)]);
      if ((ms / MIN) % 2 === 0) b.push([ms, '1']);
      stats.decompressedLines++;
    }
    const m: Matrix = [
      { metric: '{"app":"a"}', labels: [{ name: 'app', value: 'a' }], points: a },
      { metric: '{"app":"b"}', labels: [{ name: 'app', value: 'b' }], points: b },
    ].filter((s) => s.points.length > 0);
    return { resultType: 'matrix', result: encodeMatrix(m), stats, warnings: [] };
  }

  /** One entry per minute, alternating between two streams; the newest (or oldest) `limit`. */
  private logs(q: RangeQuery, stats: QueryStats): string {
    const entries: Array<{ ts: bigint; app: string }> = [];
    const first = ((q.startNs + BigInt(MIN) * MS - 1n) / (BigInt(MIN) * MS)) * BigInt(MIN) * MS;
    for (let t = first; t < q.endNs; t += BigInt(MIN) * MS) {
      entries.push({ ts: t, app: (t / (BigInt(MIN) * MS)) % 2n === 0n ? 'a' : 'b' });
    }
    stats.decompressedLines += entries.length;
    if (q.direction === 'backward') entries.reverse();
    const kept = entries.slice(0, q.limit);
    stats.entriesReturned = kept.length;
    const byApp = new Map<string, string[]>();
    for (const e of kept) {
      const list = byApp.get(e.app) ?? [];
      list.push(`["${e.ts}","line at ${e.ts}"]`);
      byApp.set(e.app, list);
    }
    const streams = [...byApp.keys()]
      .sort()
      .map((app) => `{"stream":{"app":"${app}"},"values":[${byApp.get(app)!.join(',')}]}`);
    return `[${streams.join(',')}]`;
  }

  async instantQuery(_tenant: string, _q: InstantQuery): Promise<QueryResponse> {
    return { resultType: 'vector', result: '[]', stats: new QueryStats(), warnings: [] };
  }
}

function limits(over: Partial<LimitsConfig> = {}): LimitsConfig {
  return {
    ...defaultConfig().limits_config,
    split_queries_by_interval: H,
    max_cache_freshness_per_query: 10 * MIN,
    ...over,
  };
}

interface Setup {
  handler: FakeHandler;
  frontend: QueryFrontend;
  cache: EmbeddedCache;
  now: { ms: number };
}

function setup(opts: { limits?: Partial<LimitsConfig>; align?: boolean; cache?: Cache | null } = {}): Setup {
  const handler = new FakeHandler();
  const cache = new EmbeddedCache({ name: 'test', maxSizeBytes: 50e6, maxSizeItems: 0, ttlMs: 0 });
  const now = { ms: T0 + 30 * 24 * H };
  const frontend = new QueryFrontend({
    handler,
    limits: () => limits(opts.limits),
    cache: opts.cache === undefined ? cache : opts.cache,
    alignQueriesWithStep: opts.align ?? false,
    now: () => now.ms,
  });
  return { handler, frontend, cache, now };
}

const signal = new AbortController().signal;

function metric(
  fromMs: number,
  toMs: number,
  stepMs = MIN,
  query = 'sum by (app) (rate({app=~".+"}[1m]))',
): RangeQuery {
  return {
    query,
    startNs: BigInt(fromMs) * MS,
    endNs: BigInt(toMs) * MS,
    stepNs: BigInt(stepMs) * MS,
    limit: 100,
    direction: 'backward',
    intervalNs: 0n,
  };
}

function logQuery(fromMs: number, toMs: number, limit: number, direction: 'forward' | 'backward'): RangeQuery {
  return { ...metric(fromMs, toMs), query: '{app=~".+"}', limit, direction };
}

const statsJSON = (r: QueryResponse) =>
  JSON.parse(JSON.stringify(r.stats)) as {
    summary: { splits: number; totalLinesProcessed: number };
    cache: { result: Record<string, number> };
  };

describe('results cache', () => {
  it('answers a repeated metric query from the cache without asking the handler again', async () => {
    const { handler, frontend } = setup();
    const q = metric(T0, T0 + 6 * H);
    const first = await frontend.rangeQuery('t', q, signal);
    assert.equal(handler.calls.length, 1, 'all six intervals missing: one inner query');
    await frontend.idle();
    const second = await frontend.rangeQuery('t', q, signal);
    assert.equal(handler.calls.length, 1);
    assert.equal(second.result, first.result);
    assert.equal(first.result, (await new FakeHandler().rangeQuery('t', q, signal)).result);
    const st = statsJSON(second);
    assert.equal(st.cache.result.entriesRequested, 7);
    assert.equal(st.cache.result.entriesFound, 7);
    assert.equal(st.cache.result.entriesStored, 0);
    assert.equal(st.summary.splits, 7);
    assert.ok(st.cache.result.queryLengthServed > 5 * H * 1e6);
    assert.equal(st.summary.totalLinesProcessed, 0, 'nothing was read');
    assert.equal(statsJSON(first).cache.result.entriesStored, 7);
  });

  it('evaluates only the points the cache lacks, one inner query per contiguous gap', async () => {
    const { handler, frontend } = setup();
    await frontend.rangeQuery('t', metric(T0 + 2 * H, T0 + 4 * H), signal);
    await frontend.idle();
    handler.calls = [];
    const r = await frontend.rangeQuery('t', metric(T0, T0 + 6 * H), signal);
    assert.deepEqual(
      handler.calls.map((c) => [Number(c.startNs / MS - BigInt(T0)) / MIN, Number(c.endNs / MS - BigInt(T0)) / MIN]),
      [
        [0, 119],
        // The cached point at 4h is alone in its interval: too small an extent to use (Loki's 5 minutes).
        [240, 360],
      ],
    );
    assert.equal(r.result, (await new FakeHandler().rangeQuery('t', metric(T0, T0 + 6 * H), signal)).result);
  });

  it('shares entries between spellings of the same query', async () => {
    const { handler, frontend } = setup();
    await frontend.rangeQuery('t', metric(T0, T0 + H, MIN, 'sum by (app)(rate({app=~".+"}[1m]))'), signal);
    await frontend.idle();
    await frontend.rangeQuery('t', metric(T0, T0 + H, MIN, 'sum  by(app) ( rate( {app=~".+"} [1m] ) )'), signal);
    assert.equal(handler.calls.length, 1);
  });

  it('stores entries snappy-compressed with results_cache.compression: snappy', async () => {
    const handler = new FakeHandler();
    const cache = new EmbeddedCache({ name: 'test', maxSizeBytes: 50e6, maxSizeItems: 0, ttlMs: 0 });
    const frontend = new QueryFrontend({
      handler,
      limits: () => limits(),
      cache,
      alignQueriesWithStep: false,
      compression: 'snappy',
    });
    const q = metric(T0, T0 + 2 * H);
    const first = await frontend.rangeQuery('t', q, signal);
    await frontend.idle();
    const plain = setup();
    await plain.frontend.rangeQuery('t', q, signal);
    await plain.frontend.idle();
    assert.ok(cache.sizeBytes < plain.cache.sizeBytes, `${cache.sizeBytes} < ${plain.cache.sizeBytes}`);
    assert.equal((await frontend.rangeQuery('t', q, signal)).result, first.result);
    assert.equal(handler.calls.length, 1);
  });

  it('refuses a compression Loki does not know, at start-up', () => {
    const cfg = defaultConfig();
    cfg.query_range.results_cache.compression = 'zstd';
    assert.throws(
      () => createQueryFrontend(cfg, { handler: new FakeHandler(), limits: () => limits() }),
      /unsupported compression type: zstd/,
    );
  });

  it('keeps tenants apart', async () => {
    const { handler, frontend } = setup();
    await frontend.rangeQuery('a', metric(T0, T0 + H), signal);
    await frontend.idle();
    await frontend.rangeQuery('b', metric(T0, T0 + H), signal);
    assert.equal(handler.calls.length, 2);
  });

  it('never stores points newer than max_cache_freshness_per_query', async () => {
    const { handler, frontend, now } = setup();
    now.ms = T0 + 3 * H;
    const q = metric(T0, T0 + 3 * H);
    const first = await frontend.rangeQuery('t', q, signal);
    await frontend.idle();
    handler.calls = [];
    const second = await frontend.rangeQuery('t', q, signal);
    // Only the points after the cut-off (now - 10m = 2h50m) are evaluated again.
    assert.deepEqual(
      handler.calls.map((c) => Number(c.startNs / MS - BigInt(T0)) / MIN),
      [171],
    );
    assert.equal(second.result, first.result);
  });

  it('does not use the cache at all for a query that starts within the freshness window', async () => {
    const { handler, frontend, now } = setup();
    now.ms = T0 + H;
    const q = metric(T0 + 55 * MIN, T0 + H);
    const r = await frontend.rangeQuery('t', q, signal);
    await frontend.idle();
    await frontend.rangeQuery('t', q, signal);
    assert.equal(handler.calls.length, 2);
    assert.equal(statsJSON(r).cache.result.entriesRequested, 0);
  });

  it('aligns the grid to the step: end rounded up, or down with align_queries_with_step', async () => {
    const up = setup();
    await up.frontend.rangeQuery('t', metric(T0 + 30_000, T0 + 10 * MIN + 30_000), signal);
    assert.deepEqual(
      [up.handler.calls[0]!.startNs, up.handler.calls[0]!.endNs],
      [BigInt(T0) * MS, BigInt(T0 + 11 * MIN) * MS],
    );
    const down = setup({ align: true });
    await down.frontend.rangeQuery('t', metric(T0 + 30_000, T0 + 10 * MIN + 30_000), signal);
    assert.deepEqual([down.handler.calls[0]!.endNs], [BigInt(T0 + 10 * MIN) * MS]);
  });

  it('widens the split interval to the longest range vector, as Loki does', async () => {
    const { frontend } = setup();
    const r = await frontend.rangeQuery(
      't',
      metric(T0, T0 + 6 * H, MIN, 'sum(count_over_time({app="a"}[3h]))'),
      signal,
    );
    assert.equal(statsJSON(r).cache.result.entriesRequested, 3);
  });

  it('answers with the handler when the cache fails, and says so in the log only', async () => {
    const broken: Cache = {
      name: 'broken',
      fetch: async () => {
        throw new Error('cache down');
      },
      store: async () => {
        throw new Error('cache down');
      },
      stop: async () => undefined,
    };
    const { handler, frontend } = setup({ cache: broken });
    const q = metric(T0, T0 + 2 * H);
    const want = (await new FakeHandler().rangeQuery('t', q, signal)).result;
    assert.equal((await frontend.rangeQuery('t', q, signal)).result, want);
    await frontend.idle();
    assert.equal((await frontend.rangeQuery('t', q, signal)).result, want);
    assert.equal(handler.calls.length, 2);
  });

  it('applies max_query_series to the merged answer', async () => {
    const { frontend } = setup({ limits: { max_query_series: 1 } });
    await assert.rejects(
      frontend.rangeQuery('t', metric(T0, T0 + 2 * H), signal),
      (err) => err instanceof HttpError && err.status === 400 && /maximum number of series \(1\)/.test(err.message),
    );
  });

  it('checks max_query_length on the whole query', async () => {
    const { frontend } = setup({ limits: { max_query_length: H } });
    await assert.rejects(
      frontend.rangeQuery('t', metric(T0, T0 + 2 * H), signal),
      (err) =>
        err instanceof HttpError && err.status === 400 && /query length: 2h0m0s, limit: 1h0m0s/.test(err.message),
    );
  });

  it('answers 504 when the split query as a whole outlasts query_timeout', async () => {
    const { handler, frontend } = setup({ limits: { query_timeout: 50 } });
    handler.delayMs = 500;
    await assert.rejects(
      frontend.rangeQuery('t', metric(T0, T0 + 2 * H), signal),
      (err) => err instanceof HttpError && err.status === 504,
    );
  });

  it('leaves a metric query whole but step-aligned, as Loki splits it, when results are not cached', async () => {
    const { handler, frontend } = setup({ cache: null });
    const q = metric(T0 + 30_000, T0 + 6 * H + 1);
    await frontend.rangeQuery('t', q, signal);
    assert.deepEqual(handler.calls, [{ ...q, startNs: BigInt(T0) * MS, endNs: BigInt(T0 + 6 * H + MIN) * MS }]);
  });

  it('leaves an uncached metric query unaligned when it is not split', async () => {
    const { handler, frontend } = setup({ cache: null, limits: { split_queries_by_interval: 0 } });
    const q = metric(T0 + 30_000, T0 + 6 * H + 1);
    await frontend.rangeQuery('t', q, signal);
    assert.deepEqual(handler.calls, [q]);
  });

  it('leaves a query whose step is not whole milliseconds to the handler', async () => {
    const { handler, frontend } = setup();
    const q = { ...metric(T0, T0 + 1000), stepNs: 1_500_001n };
    await frontend.rangeQuery('t', q, signal);
    assert.deepEqual(handler.calls, [q]);
  });
});

describe('split log queries', () => {
  const single = (q: RangeQuery) => new FakeHandler().rangeQuery('t', q, signal);

  it('read backward from the newest interval and stop once the limit is reached', async () => {
    const { handler, frontend } = setup();
    const q = logQuery(T0, T0 + 24 * H, 90, 'backward');
    const r = await frontend.rangeQuery('t', q, signal);
    assert.equal(r.result, (await single(q)).result);
    assert.deepEqual(
      handler.calls.map((c) => [
        Number(c.startNs / MS - BigInt(T0)) / H,
        Number(c.endNs / MS - BigInt(T0)) / H,
        c.limit,
      ]),
      [
        [23, 24, 90],
        [21, 23, 30],
      ],
    );
    const st = statsJSON(r);
    assert.equal(st.summary.splits, 2);
    assert.equal(r.stats.entriesReturned, 90);
  });

  it('read forward from the oldest interval', async () => {
    const { handler, frontend } = setup();
    const q = logQuery(T0 + 30 * MIN, T0 + 10 * H, 151, 'forward');
    const r = await frontend.rangeQuery('t', q, signal);
    assert.equal(r.result, (await single(q)).result);
    assert.deepEqual(
      handler.calls.map((c) => Number(c.startNs / MS - BigInt(T0)) / MIN),
      [30, 60, 180],
    );
  });

  it('read every interval when the range holds fewer entries than the limit', async () => {
    const { frontend } = setup();
    const q = logQuery(T0, T0 + 5 * H, 5000, 'backward');
    assert.equal((await frontend.rangeQuery('t', q, signal)).result, (await single(q)).result);
  });

  it('leave a range of two intervals or less, or with `interval`, to one handler call', async () => {
    const { handler, frontend } = setup();
    await frontend.rangeQuery('t', logQuery(T0, T0 + 2 * H, 10, 'backward'), signal);
    await frontend.rangeQuery(
      't',
      { ...logQuery(T0, T0 + 6 * H, 10, 'backward'), intervalNs: BigInt(MIN) * MS },
      signal,
    );
    assert.equal(handler.calls.length, 2);
  });

  it('do not split with split_queries_by_interval set to 0', async () => {
    const { handler, frontend } = setup({ limits: { split_queries_by_interval: 0 } });
    await frontend.rangeQuery('t', logQuery(T0, T0 + 24 * H, 10, 'backward'), signal);
    assert.equal(handler.calls.length, 1);
  });

  it('refuse a limit above max_entries_limit_per_query before reading anything', async () => {
    const { handler, frontend } = setup({ limits: { max_entries_limit_per_query: 10 } });
    await assert.rejects(frontend.rangeQuery('t', logQuery(T0, T0 + 24 * H, 11, 'backward'), signal), HttpError);
    assert.equal(handler.calls.length, 0);
  });
});

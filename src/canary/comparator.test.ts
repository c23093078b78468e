import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Counter, type Gauge, type Histogram, Registry } from 'prom-client';
import type { Clock } from './clock.js';
import { Comparator, type ComparatorConfig } from './comparator.js';
import { CanaryMetrics } from './metrics.js';
import type { LokiReader } from './querier.js';

const SEC = 1_000_000_000n;

/** A clock the test moves by hand. */
class ManualClock implements Clock {
  constructor(public now: bigint) {}
  nowNs(): bigint {
    return this.now;
  }
}

/** Answers queries with fixed timestamps (or an error) and records what was asked. */
class ScriptedReader implements LokiReader {
  readonly queries: Array<[bigint, bigint]> = [];
  readonly countQueries: Array<{ range: string; at: bigint; cache: boolean }> = [];
  constructor(
    public found: bigint[] = [],
    public counts: number[] = [],
    public failure?: string,
  ) {}
  async query(start: bigint, end: bigint): Promise<bigint[]> {
    this.queries.push([start, end]);
    if (this.failure) throw new Error(this.failure);
    return this.found;
  }
  async queryCountOverTime(range: string, at: bigint, cache: boolean): Promise<number> {
    this.countQueries.push({ range, at, cache });
    if (this.failure) throw new Error(this.failure);
    return this.counts.shift() ?? 0;
  }
}

const HOUR_MS = 3_600_000;
const baseConfig: ComparatorConfig = {
  waitMs: HOUR_MS,
  maxWaitMs: HOUR_MS,
  pruneIntervalMs: HOUR_MS,
  spotCheckIntervalMs: 15 * 60_000,
  spotCheckMaxMs: 4 * HOUR_MS,
  spotCheckQueryRateMs: 4 * HOUR_MS,
  spotCheckInitialWaitMs: 0,
  metricTestIntervalMs: 60_000,
  metricTestRangeMs: 0,
  cacheTestIntervalMs: HOUR_MS,
  cacheTestRangeMs: 3 * HOUR_MS,
  cacheTestNowMs: 30 * 60_000,
  writeIntervalMs: 1000,
};

function setup(config: Partial<ComparatorConfig> = {}, reader = new ScriptedReader(), startNs = 1_000n * SEC) {
  const metrics = new CanaryMetrics(new Registry(), 10);
  const clock = new ManualClock(startNs);
  let output = '';
  const comparator = new Comparator(
    { ...baseConfig, ...config },
    { reader, metrics, clock, log: { write: (s: string) => (output += s) } },
  );
  return { comparator, metrics, clock, reader, output: () => output };
}

async function value(metric: Counter | Gauge): Promise<number> {
  return (await metric.get()).values[0]?.value ?? 0;
}

async function observations(h: Histogram): Promise<number> {
  const count = (await h.get()).values.find((v) => v.metricName?.endsWith('_count'));
  return count?.value ?? 0;
}

describe('comparator', () => {
  it('counts an entry received ahead of older ones as out of order, once', async () => {
    const { comparator, metrics, clock, output } = setup();
    const [t1, t2, t3, t4] = [1n, 2n, 3n, 4n].map((n) => clock.now + n * SEC) as [bigint, bigint, bigint, bigint];
    for (const t of [t1, t2, t3, t4]) comparator.entrySent(t);
    comparator.entryReceived(t1);
    assert.equal(comparator.size(), 3);
    comparator.entryReceived(t4);
    assert.equal(comparator.size(), 2);
    comparator.entryReceived(t2);
    comparator.entryReceived(t3);
    assert.equal(comparator.size(), 0);

    assert.equal(await value(metrics.outOfOrderEntries), 1);
    assert.equal(await value(metrics.unexpectedEntries), 0);
    assert.equal(await value(metrics.duplicateEntries), 0);
    assert.equal(await value(metrics.entriesTotal), 4);
    assert.equal(await observations(metrics.responseLatency), 4);
    assert.equal(
      output(),
      'out of order entry 1970-01-01 00:16:44 +0000 UTC was received before entries: ' +
        '[1970-01-01 00:16:42 +0000 UTC 1970-01-01 00:16:43 +0000 UTC]\n',
    );
  });

  it('counts an entry that was never sent as unexpected', async () => {
    const { comparator, metrics, clock, output } = setup();
    const [t1, t2, t3, t4] = [1n, 2n, 3n, 4n].map((n) => clock.now + n * SEC) as [bigint, bigint, bigint, bigint];
    for (const t of [t2, t3, t4]) comparator.entrySent(t);
    comparator.entryReceived(t2);
    comparator.entryReceived(t1);
    assert.equal(comparator.size(), 2);
    comparator.entryReceived(t3);
    comparator.entryReceived(t4);
    assert.equal(comparator.size(), 0);
    assert.equal(await value(metrics.unexpectedEntries), 1);
    assert.equal(await value(metrics.outOfOrderEntries), 0);
    assert.equal(output(), `received an unexpected entry with ts ${t1}\n`);
  });

  it('counts an entry received twice within the wait as a duplicate', async () => {
    const { comparator, metrics, output } = setup();
    const [t1, t2, t3] = [0n, SEC, 2n * SEC];
    for (const t of [t1, t2, t3]) comparator.entrySent(t);
    comparator.entryReceived(t1);
    comparator.entryReceived(t2);
    comparator.entryReceived(t2);
    assert.equal(comparator.size(), 1);
    comparator.entryReceived(t3);
    assert.equal(await value(metrics.duplicateEntries), 1);
    assert.equal(await value(metrics.unexpectedEntries), 0);
    assert.equal(output(), `received a duplicate entry for ts ${t2}\n`);
  });

  it('forgets received entries after the wait, so a late repeat counts as unexpected', async () => {
    const { comparator, metrics, clock } = setup({ waitMs: 60_000 });
    const t1 = clock.now;
    comparator.entrySent(t1);
    comparator.entryReceived(t1);
    await comparator.pruneEntries(t1 + 61n * SEC);
    comparator.entryReceived(t1);
    assert.equal(await value(metrics.duplicateEntries), 0);
    assert.equal(await value(metrics.unexpectedEntries), 1);
  });

  it('records how long entries took to come back in the latency histogram', async () => {
    const { comparator, metrics, clock } = setup();
    const sent = clock.now;
    comparator.entrySent(sent);
    clock.now = sent + 3n * SEC;
    comparator.entryReceived(sent);
    const buckets = (await metrics.responseLatency.get()).values.filter((v) => v.metricName?.endsWith('_bucket'));
    const le = (bound: number) => buckets.find((b) => b.labels.le === bound)?.value;
    assert.equal(le(2), 0);
    assert.equal(le(4), 1);
    assert.equal((await metrics.responseLatency.get()).values.find((v) => v.metricName?.endsWith('_sum'))?.value, 3);
  });

  it('queries for entries not received within the wait and counts those still absent after max-wait as missing', async () => {
    const t = (s: bigint) => s * SEC;
    const [t1, t2, t3, t4, t5] = [t(10n), t(20n), t(30n), t(40n), t(50n)] as const;
    const reader = new ScriptedReader([t1, t3, t4, t5]);
    const { comparator, metrics, output } = setup({ waitMs: 60_000, maxWaitMs: 300_000 }, reader, 0n);
    for (const e of [t1, t2, t3, t4, t5]) comparator.entrySent(e);
    comparator.entryReceived(t1);
    comparator.entryReceived(t3);
    comparator.entryReceived(t5);
    assert.equal(comparator.size(), 2);

    // Past the wait: t2 and t4 go to the missing list; the query finds t4.
    await comparator.pruneEntries(t(120n));
    assert.equal(comparator.size(), 0);
    assert.equal(comparator.missingSize(), 1);
    assert.equal(await value(metrics.websocketMissingEntries), 2);
    assert.equal(await value(metrics.missingEntries), 0);
    assert.deepEqual(reader.queries[0], [t2 - t(10n), t4 + t(10n)]);

    // Past max-wait: t2 is given up on.
    await comparator.pruneEntries(t1 + t(600n));
    assert.equal(comparator.missingSize(), 0);
    assert.equal(await value(metrics.missingEntries), 1);
    assert.equal(await value(metrics.outOfOrderEntries), 2);

    const results = [t1, t3, t4, t5].map((r) => `confirmation query result: ${r}\n`).join('');
    assert.equal(
      output(),
      'out of order entry 1970-01-01 00:00:30 +0000 UTC was received before entries: [1970-01-01 00:00:20 +0000 UTC]\n' +
        'out of order entry 1970-01-01 00:00:50 +0000 UTC was received before entries: ' +
        '[1970-01-01 00:00:20 +0000 UTC 1970-01-01 00:00:40 +0000 UTC]\n' +
        `websocket failed to receive entry ${t2} within 60.000000 seconds\n` +
        `websocket failed to receive entry ${t4} within 60.000000 seconds\n` +
        `websocket missing entry: ${t2}\n` +
        `websocket missing entry: ${t4}\n` +
        results +
        `missing websocket entry ${t4} was found 80 seconds after it was originally sent\n` +
        `websocket missing entry: ${t2}\n` +
        results +
        `failed to receive entry ${t2} within 300.000000 seconds\n`,
    );
  });

  it('keeps missing entries while queries fail, and counts them once a query answers', async () => {
    const reader = new ScriptedReader([], [], 'query_range request failed: connection refused');
    const { comparator, metrics, output } = setup({ waitMs: 5_000, maxWaitMs: 10_000 }, reader, 0n);
    comparator.entrySent(SEC);
    await comparator.pruneEntries(20n * SEC);
    assert.equal(comparator.missingSize(), 1);
    assert.equal(await value(metrics.missingEntries), 0);
    assert.match(output(), /error querying loki: query_range request failed: connection refused\n/);

    reader.failure = undefined;
    await comparator.pruneEntries(21n * SEC);
    assert.equal(comparator.missingSize(), 0);
    assert.equal(await value(metrics.missingEntries), 1);
  });

  it('treats an entry exactly one wait old as not received in time', async () => {
    const { comparator, metrics } = setup({ waitMs: 1_000 }, new ScriptedReader([5n * SEC]), 0n);
    comparator.entrySent(5n * SEC);
    comparator.entrySent(5n * SEC + 1n);
    await comparator.pruneEntries(6n * SEC);
    assert.equal(await value(metrics.websocketMissingEntries), 1);
    assert.equal(comparator.size(), 1);
  });

  it('spot-checks one entry per interval once old enough, counting those Loki does not return', async () => {
    const reader = new ScriptedReader();
    const { comparator, metrics, output } = setup(
      { spotCheckIntervalMs: 10_000, spotCheckInitialWaitMs: 5_000, spotCheckMaxMs: 60_000 },
      reader,
      0n,
    );
    for (let s = 0n; s < 25n; s++) comparator.entrySent(s * SEC); // kept: 0s, 10s, 20s
    reader.found = [10n * SEC];
    await comparator.spotCheckEntries(22n * SEC);
    // 20s is too recent; 0s and 10s are checked, 0s is not found.
    assert.deepEqual(reader.queries, [
      [-10n * SEC, 10n * SEC],
      [0n, 20n * SEC],
    ]);
    assert.equal(await value(metrics.spotCheckEntries), 2);
    assert.equal(await value(metrics.spotCheckMissing), 1);
    assert.equal(await observations(metrics.spotCheckLatency), 2);
    assert.match(output(), /^failed to find entry 0 in Loki when spot check querying 22s after it was written\n/);

    // Entries older than spot-check-max are no longer checked.
    reader.queries.length = 0;
    reader.found = [10n * SEC, 20n * SEC];
    await comparator.spotCheckEntries(65n * SEC);
    assert.deepEqual(
      reader.queries.map(([s]) => s + 10n * SEC),
      [10n * SEC, 20n * SEC],
    );
  });

  it('runs the metric test over the time run so far, then over the configured range', async () => {
    const reader = new ScriptedReader([], [29, 60]);
    const { comparator, metrics, clock } = setup({ metricTestRangeMs: 60_000, writeIntervalMs: 500 }, reader, 0n);
    clock.now = 15n * SEC;
    await comparator.metricTest(clock.now);
    assert.deepEqual(reader.countQueries[0], { range: '15s', at: 15n * SEC, cache: true });
    assert.equal(await value(metrics.metricTestExpected), 30);
    assert.equal(await value(metrics.metricTestActual), 29);

    clock.now = 100n * SEC;
    await comparator.metricTest(clock.now);
    assert.equal(reader.countQueries[1]!.range, '60s');
    assert.equal(await value(metrics.metricTestExpected), 120);
    assert.equal(await value(metrics.metricTestActual), 60);
    assert.equal(await observations(metrics.metricTestLatency), 2);
  });

  it('rounds the metric test range to whole seconds, halves to even', async () => {
    const reader = new ScriptedReader([], [1, 1]);
    const { comparator } = setup({ metricTestRangeMs: 3_600_000 }, reader, 0n);
    await comparator.metricTest(2_500_000_000n);
    await comparator.metricTest(3_500_000_000n);
    assert.deepEqual(
      reader.countQueries.map((q) => q.range),
      ['2s', '4s'],
    );
  });

  it('reports a failed metric test without touching the gauges', async () => {
    const reader = new ScriptedReader([], [], 'expected to receive one sample in the result vector, received 0');
    const { comparator, metrics, output } = setup({ metricTestRangeMs: 60_000 }, reader, 0n);
    await comparator.metricTest(10n * SEC);
    assert.equal(await value(metrics.metricTestExpected), 0);
    assert.equal(
      output(),
      'error running metric query test: expected to receive one sample in the result vector, received 0\n',
    );
  });

  it('waits with the cache test until its query time is after the start', async () => {
    const reader = new ScriptedReader([], [5, 5]);
    const { comparator, metrics, output } = setup({ cacheTestNowMs: 60_000 }, reader, 0n);
    await comparator.cacheTest(30n * SEC);
    assert.equal(reader.countQueries.length, 0);
    assert.match(output(), /^cacheTest not run\. still waiting for query start range\(/);
    assert.equal((await metrics.cacheTestResults.get()).values.length, 0);
  });

  it('compares cached and uncached counts and counts a difference', async () => {
    const reader = new ScriptedReader([], [5, 5, 5, 7]);
    const { comparator, metrics, output } = setup({ cacheTestNowMs: 60_000, cacheTestRangeMs: 7_200_000 }, reader, 0n);
    await comparator.cacheTest(100n * SEC);
    assert.deepEqual(reader.countQueries, [
      { range: '7200s', at: 40n * SEC, cache: true },
      { range: '7200s', at: 40n * SEC, cache: false },
    ]);
    assert.equal(await value(metrics.cacheTestResultsDiff), 0);
    await comparator.cacheTest(100n * SEC);
    assert.equal(await value(metrics.cacheTestResultsDiff), 1);
    const success = (await metrics.cacheTestResults.get()).values.find((v) => v.labels.status === 'success');
    assert.equal(success?.value, 2);
    assert.match(
      output(),
      /found a diff in instant query results time: .*, result_with_cache: 5, result_without_cache: 7\n/,
    );
  });

  it('counts a failed cache test query as a failure', async () => {
    const reader = new ScriptedReader([], [], 'query request failed: boom');
    const { comparator, metrics } = setup({ cacheTestNowMs: 1_000 }, reader, 0n);
    await comparator.cacheTest(100n * SEC);
    const failure = (await metrics.cacheTestResults.get()).values.find((v) => v.labels.status === 'failure');
    assert.equal(failure?.value, 1);
  });
});

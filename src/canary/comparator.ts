// The comparator keeps the books of loki-canary: every entry written is remembered until it comes
// back. An entry that comes back ahead of older ones counts as out of order; one that comes back
// again counts as a duplicate; one nobody wrote counts as unexpected. Entries not back within
// `-wait` count as missing on the WebSocket and are looked up with queries every `-pruneinterval`;
// those still not found after `-max-wait` count as missing. Alongside, it spot-checks a sample of
// old entries, compares `count_over_time` with the number of entries written (metric test), and
// compares cached with uncached results of the same query (cache test).

import { performance } from 'node:perf_hooks';
import { formatGoDuration } from '../config/values/duration.js';
import { formatGoTime } from '../util/time.js';
import type { Clock } from './clock.js';
import type { TextSink } from './entry-writer.js';
import { goFixed6, goFloat, goSecondsRange, goTimeList } from './go-format.js';
import type { CanaryMetrics } from './metrics.js';
import type { LokiReader } from './querier.js';
import { Ticker } from './ticker.js';

export interface ComparatorConfig {
  readonly waitMs: number;
  readonly maxWaitMs: number;
  readonly pruneIntervalMs: number;
  readonly spotCheckIntervalMs: number;
  readonly spotCheckMaxMs: number;
  readonly spotCheckQueryRateMs: number;
  readonly spotCheckInitialWaitMs: number;
  readonly metricTestIntervalMs: number;
  readonly metricTestRangeMs: number;
  readonly cacheTestIntervalMs: number;
  readonly cacheTestRangeMs: number;
  readonly cacheTestNowMs: number;
  readonly writeIntervalMs: number;
}

export interface ComparatorDeps {
  readonly reader: LokiReader;
  readonly metrics: CanaryMetrics;
  /** Receives loki-canary's diagnostic messages. */
  readonly log: TextSink;
  readonly clock: Clock;
  /** Uniform in [0, 1); places the first metric test. */
  readonly random?: () => number;
}

/** Queries for an entry look this far either side of its timestamp, for clock differences. */
const QUERY_MARGIN_NS = 10_000_000_000n;
const FLOAT_TOLERANCE = 1e-6;
const NS_PER_SECOND = 1e9;

export class Comparator {
  private entries: bigint[] = [];
  private acknowledged: bigint[] = [];
  private missing: bigint[] = [];
  private spotChecks: bigint[] = [];
  private readonly startNs: bigint;
  private readonly tickers: Ticker[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private spotCheckRunning = false;
  private metricTestRunning = false;
  private cacheTestRunning = false;

  constructor(
    private readonly cfg: ComparatorConfig,
    private readonly deps: ComparatorDeps,
  ) {
    this.startNs = deps.clock.nowNs();
  }

  /** Starts the periodic prune, spot check, metric test and cache test. */
  start(): void {
    const random = this.deps.random ?? Math.random;
    const clock = this.deps.clock;
    this.tickers.push(
      new Ticker(this.cfg.pruneIntervalMs, () => this.track(this.pruneEntries(clock.nowNs()))),
      new Ticker(this.cfg.spotCheckQueryRateMs, () => {
        if (this.spotCheckRunning) return;
        this.spotCheckRunning = true;
        this.track(this.spotCheckEntries(clock.nowNs()).finally(() => (this.spotCheckRunning = false)));
      }),
      // The first metric test falls at a random point of the first interval, so that canaries
      // started together do not all query at once.
      new Ticker(
        this.cfg.metricTestIntervalMs,
        () => {
          if (this.metricTestRunning) return;
          this.metricTestRunning = true;
          this.track(this.metricTest(clock.nowNs()).finally(() => (this.metricTestRunning = false)));
        },
        Math.max(1, Math.floor(random() * this.cfg.metricTestIntervalMs)),
      ),
      new Ticker(this.cfg.cacheTestIntervalMs, () => {
        if (this.cacheTestRunning) return;
        this.cacheTestRunning = true;
        this.track(this.cacheTest(clock.nowNs()).finally(() => (this.cacheTestRunning = false)));
      }),
    );
  }

  /** Stops the periodic work and waits for checks already under way. */
  async stop(): Promise<void> {
    for (const t of this.tickers.splice(0)) t.stop();
    await Promise.allSettled([...this.inFlight]);
  }

  /** Entries written and not yet received nor given up on. */
  size(): number {
    return this.entries.length;
  }

  /** Entries being looked up with queries after the WebSocket missed them. */
  missingSize(): number {
    return this.missing.length;
  }

  entrySent(ts: bigint): void {
    this.entries.push(ts);
    this.deps.metrics.entriesTotal.inc();
    // Keep one entry per spot-check interval for the spot checks.
    const last = this.spotCheckRecentest();
    if (last === undefined || ts - last >= msToNs(this.cfg.spotCheckIntervalMs)) this.spotChecks.push(ts);
  }

  entryReceived(ts: bigint): void {
    const { metrics, log } = this.deps;
    let matched = false;
    const before = this.entries;
    this.entries = before.filter((t, i) => {
      if (t !== ts) return true;
      matched = true;
      if (i !== 0) {
        metrics.outOfOrderEntries.inc();
        log.write(
          `out of order entry ${formatGoTime(t)} was received before entries: ${goTimeList(before.slice(0, i))}\n`,
        );
      }
      metrics.responseLatency.observe(Number(this.deps.clock.nowNs() - ts) / NS_PER_SECOND);
      // Remembered for a while to tell duplicates from unexpected entries.
      this.acknowledged.push(t);
      return false;
    });
    if (matched) return;
    if (this.acknowledged.includes(ts)) {
      metrics.duplicateEntries.inc();
      log.write(`received a duplicate entry for ts ${ts}\n`);
    } else {
      log.write(`received an unexpected entry with ts ${ts}\n`);
      metrics.unexpectedEntries.inc();
    }
  }

  /**
   * Moves entries older than `-wait` to the missing list and starts a query for the missing list.
   * The returned promise settles when that query's accounting is done.
   */
  pruneEntries(nowNs: bigint): Promise<void> {
    const { metrics, log } = this.deps;
    const cutoff = nowNs - msToNs(this.cfg.waitMs);
    const newlyMissing: bigint[] = [];
    this.entries = this.entries.filter((t) => {
      if (t > cutoff) return true;
      newlyMissing.push(t);
      metrics.websocketMissingEntries.inc();
      log.write(`websocket failed to receive entry ${t} within ${goFixed6(this.cfg.waitMs / 1000)} seconds\n`);
      return false;
    });
    this.missing.push(...newlyMissing);
    const confirmation = this.missing.length > 0 ? this.confirmMissing(nowNs) : Promise.resolve();
    this.acknowledged = this.acknowledged.filter((t) => t >= cutoff);
    return confirmation;
  }

  /**
   * Queries Loki for the missing entries: those found are dropped from the list, those older than
   * `-max-wait` are given up on and counted missing. A failed query leaves the list as it is.
   */
  async confirmMissing(nowNs: bigint): Promise<void> {
    const { metrics, log } = this.deps;
    if (this.missing.length === 0) return;
    const start = this.missing[0]! - QUERY_MARGIN_NS;
    const end = this.missing[this.missing.length - 1]! + QUERY_MARGIN_NS;
    let received: bigint[];
    try {
      received = await this.deps.reader.query(start, end);
    } catch (err) {
      log.write(`error querying loki: ${(err as Error).message}\n`);
      return;
    }
    // The list may have grown while the query ran; newer entries are matched too, or kept.
    for (const m of this.missing) log.write(`websocket missing entry: ${m}\n`);
    for (const r of received) log.write(`confirmation query result: ${r}\n`);
    this.missing = this.missing.filter((m) => {
      let found = false;
      for (const r of received) {
        if (r !== m) continue;
        log.write(
          `missing websocket entry ${m} was found ${goFloat(Number(nowNs - m) / NS_PER_SECOND)} seconds after it was originally sent\n`,
        );
        found = true;
      }
      return !found;
    });
    const giveUpBefore = nowNs - msToNs(this.cfg.maxWaitMs);
    this.missing = this.missing.filter((t) => {
      if (t >= giveUpBefore) return true;
      metrics.missingEntries.inc();
      log.write(`failed to receive entry ${t} within ${goFixed6(this.cfg.maxWaitMs / 1000)} seconds\n`);
      return false;
    });
  }

  /**
   * Queries each kept sample entry old enough (`-spot-check-initial-wait`) and counts those Loki no
   * longer returns, which the tail cannot notice (e.g. lost when ingesters flushed to storage).
   */
  async spotCheckEntries(nowNs: bigint): Promise<void> {
    const { metrics, log } = this.deps;
    const tooOld = nowNs - msToNs(this.cfg.spotCheckMaxMs);
    this.spotChecks = this.spotChecks.filter((t) => t >= tooOld);
    for (const entry of [...this.spotChecks]) {
      if (nowNs - entry < msToNs(this.cfg.spotCheckInitialWaitMs)) continue;
      metrics.spotCheckEntries.inc();
      const begin = performance.now();
      let received: bigint[];
      try {
        received = await this.deps.reader.query(entry - QUERY_MARGIN_NS, entry + QUERY_MARGIN_NS);
      } catch (err) {
        metrics.spotCheckLatency.observe((performance.now() - begin) / 1000);
        log.write(`error querying loki: ${(err as Error).message}\n`);
        return;
      }
      metrics.spotCheckLatency.observe((performance.now() - begin) / 1000);
      if (!received.includes(entry)) {
        log.write(
          `failed to find entry ${entry} in Loki when spot check querying ${formatGoDuration(Number(nowNs - entry) / 1e6)} after it was written\n`,
        );
        for (const r of received) log.write(`confirmation query result: ${r}\n`);
        metrics.spotCheckMissing.inc();
      }
    }
  }

  /**
   * Sets the expected and actual counts of entries over `-metric-test-range` (shortened to the
   * canary's run time until it has run that long).
   */
  async metricTest(nowNs: bigint): Promise<void> {
    const { metrics, log } = this.deps;
    let rangeMs = this.cfg.metricTestRangeMs;
    if (nowNs - msToNs(rangeMs) < this.startNs) rangeMs = Number(nowNs - this.startNs) / 1e6;
    const at = this.deps.clock.nowNs();
    const begin = performance.now();
    let actual: number;
    try {
      actual = await this.deps.reader.queryCountOverTime(goSecondsRange(rangeMs), at, true);
    } catch (err) {
      metrics.metricTestLatency.observe((performance.now() - begin) / 1000);
      log.write(`error running metric query test: ${(err as Error).message}\n`);
      return;
    }
    metrics.metricTestLatency.observe((performance.now() - begin) / 1000);
    // Whole milliseconds on both sides, as loki-canary divides them.
    const expected = Math.trunc(rangeMs) / Math.trunc(this.cfg.writeIntervalMs);
    metrics.metricTestExpected.set(expected);
    metrics.metricTestActual.set(actual);
  }

  /**
   * Runs the same `count_over_time` with and without Loki's result cache at a fixed time in the
   * past (`-cache-test-now` ago) and counts differing answers.
   */
  async cacheTest(nowNs: bigint): Promise<void> {
    const { metrics, log } = this.deps;
    const queryAt = nowNs - msToNs(this.cfg.cacheTestNowMs);
    if (queryAt < this.startNs) {
      log.write(
        `cacheTest not run. still waiting for query start range(${formatGoTime(queryAt)}) to past the process start time(${formatGoTime(this.startNs)}).\n`,
      );
      return;
    }
    const range = goSecondsRange(this.cfg.cacheTestRangeMs);
    let withCache: number;
    let withoutCache: number;
    try {
      withCache = await this.deps.reader.queryCountOverTime(range, queryAt, true);
    } catch (err) {
      log.write(`error running cache query test with cache: ${(err as Error).message}\n`);
      metrics.cacheTestResults.inc({ status: 'failure' });
      return;
    }
    try {
      withoutCache = await this.deps.reader.queryCountOverTime(range, queryAt, false);
    } catch (err) {
      log.write(`error running cache query test without cache: ${(err as Error).message}\n`);
      metrics.cacheTestResults.inc({ status: 'failure' });
      return;
    }
    metrics.cacheTestResults.inc({ status: 'success' });
    if (Math.abs(withoutCache - withCache) > FLOAT_TOLERANCE) {
      metrics.cacheTestResultsDiff.inc();
      log.write(
        `found a diff in instant query results time: ${formatGoTime(queryAt)}, result_with_cache: ${goFloat(withCache)}, result_without_cache: ${goFloat(withoutCache)}\n`,
      );
    }
  }

  private spotCheckRecentest(): bigint | undefined {
    return this.spotChecks[this.spotChecks.length - 1];
  }

  private track(task: Promise<void>): void {
    this.inFlight.add(task);
    const forget = () => {
      this.inFlight.delete(task);
    };
    task.then(forget, forget);
  }
}

function msToNs(ms: number): bigint {
  return BigInt(Math.round(ms * 1e6));
}

// The query frontend's query-range middleware (Loki's queryrange tripperware,
// the parts that matter in front of Skald's engine), wrapping any
// QueryHandler:
//
// - Metric range queries, with `query_range.cache_results`: the results cache
//   (results-cache.ts) on the step-aligned grid, one key per split interval
//   (`split_queries_by_interval`, per tenant), only missing points computed.
//   Without the cache a metric query is NOT split: Loki splits to spread a
//   query over many queriers, but Skald's engine already spreads one query
//   over every core of the process, and a split re-reads the data that each
//   range vector overlaps into the previous interval, so splitting alone
//   would only add work.
// - Log range queries over more than two split intervals: read newest
//   interval first (oldest going forward) in growing batches and stop once
//   `limit` entries are in (see logBatches). The engine already stops each
//   stream early once its best entries are known, but it must still find
//   every stream in the whole range and open its newest chunk; when recent
//   intervals fill the limit, the older ones are never looked at.
// - Everything else goes to the wrapped handler unchanged.
//
// The whole-query limits (query length, entries limit, query timeout) are
// checked here, before splitting, as Loki's frontend checks them; each inner
// query is checked again by the handler.

import type { Registry } from 'prom-client';
import type { SkaldConfig } from '../config/index.js';
import type { LimitsConfig } from '../config/types.js';
import { parseQuery } from '../logql/engine/engine.js';
import { type Expr, formatExpr, walk } from '../logql/syntax/index.js';
import { formatGoDuration } from '../logql/syntax/units.js';
import { Messages } from '../messages.js';
import { HttpError } from '../server/http-error.js';
import type { Cache } from '../storage/cache/cache.js';
import { createCache } from '../storage/cache/create.js';
import { componentLogger, type Logger } from '../util/log.js';
import type { InstantQuery, QueryHandler, QueryResponse, RangeQuery } from './handler.js';
import { alignGrid, alignRange, logBatches, logIntervals, type MsRange } from './intervals.js';
import { MetricResultsCache, NotAMatrixError } from './results-cache.js';
import { addStats, FrontendStats } from './stats.js';
import { mergeStreams, parseStreams, type StreamsPiece } from './streams.js';

const NS_PER_MS = 1_000_000n;

/** A log query is split only when it spans more intervals than this (two reads already cost one query's work). */
export const MIN_LOG_SPLIT_INTERVALS = 3;

export interface QueryFrontendOptions {
  handler: QueryHandler;
  /** Per-tenant limits (Overrides.forTenant); `a|b` gives the combined limits of a cross-tenant query. */
  limits: (tenant: string) => LimitsConfig;
  /** The results cache back end; null turns the results cache off. */
  cache: Cache | null;
  /** query_range.align_queries_with_step */
  alignQueriesWithStep: boolean;
  /** query_range.results_cache.compression */
  compression?: string;
  logger?: Logger;
  /** Wall clock in ms (tests). */
  now?: () => number;
}

/** The tenants of a (possibly cross-tenant) query as Loki joins them in cache keys: sorted, unique. */
export function tenantIDs(tenant: string): string[] {
  return [...new Set(tenant.split('|'))].sort();
}

/** The longest range vector of a metric query, in ms (Loki widens the split interval to it). */
export function maxRangeMs(expr: Expr): number {
  let max = 0n;
  walk(expr, (node) => {
    if (node.kind === 'log_range' && node.rangeNs > max) max = node.rangeNs;
    return true;
  });
  return Number(max / NS_PER_MS);
}

export class QueryFrontend implements QueryHandler {
  private readonly results: MetricResultsCache | null;
  private readonly logger: Logger;
  private readonly now: () => number;

  constructor(private readonly opts: QueryFrontendOptions) {
    this.logger = opts.logger ?? componentLogger('frontend');
    this.now = opts.now ?? Date.now;
    this.results = opts.cache
      ? new MetricResultsCache({ cache: opts.cache, compression: opts.compression ?? '', logger: this.logger })
      : null;
  }

  /** Whether metric range queries go through the results cache. */
  get cachesResults(): boolean {
    return this.results !== null;
  }

  async rangeQuery(tenant: string, q: RangeQuery, signal: AbortSignal): Promise<QueryResponse> {
    const expr = parseQuery(q.query);
    const limits = this.opts.limits(tenant);
    if (this.lookbackApplies(q.startNs, limits)) return this.opts.handler.rangeQuery(tenant, q, signal);
    if (expr.kind === 'log_selector') return this.logQuery(tenant, q, limits, signal);
    if (!this.results) {
      const aligned = alignRange(q.startNs, q.endNs, q.stepNs, {
        alignQueriesWithStep: this.opts.alignQueriesWithStep,
        split: limits.split_queries_by_interval > 0,
      });
      return this.opts.handler.rangeQuery(tenant, { ...q, ...aligned }, signal);
    }
    return this.metricQuery(tenant, q, expr, limits, signal, this.results);
  }

  instantQuery(tenant: string, q: InstantQuery, signal: AbortSignal): Promise<QueryResponse> {
    return this.opts.handler.instantQuery(tenant, q, signal);
  }

  /** Resolves once background cache writes are done (tests, shutdown). */
  async idle(): Promise<void> {
    await this.results?.idle();
  }

  async stop(): Promise<void> {
    await this.idle();
    await this.opts.cache?.stop();
  }

  /**
   * max_query_lookback moves a query's start to "now - lookback" when the
   * handler runs, a moving point no split or cache key can agree with: such
   * queries are answered in one piece by the handler. A query starting a
   * comfortable margin after that point is not affected.
   */
  private lookbackApplies(startNs: bigint, limits: LimitsConfig): boolean {
    if (limits.max_query_lookback <= 0) return false;
    const margin = Math.max(limits.query_timeout, 60_000);
    return startNs < BigInt(this.now() - limits.max_query_lookback + margin) * NS_PER_MS;
  }

  private async metricQuery(
    tenant: string,
    q: RangeQuery,
    expr: Expr,
    limits: LimitsConfig,
    signal: AbortSignal,
    results: MetricResultsCache,
  ): Promise<QueryResponse> {
    const grid = alignGrid(q.startNs, q.endNs, q.stepNs, this.opts.alignQueriesWithStep);
    if (!grid) return this.opts.handler.rangeQuery(tenant, q, signal);
    checkQueryLength(q.startNs, q.endNs, limits);
    const split = limits.split_queries_by_interval;
    const intervalMs = split > 0 ? Math.max(split, maxRangeMs(expr)) : 0;
    const ids = tenantIDs(tenant);
    // Loki takes the largest freshness among the tenants of a cross-tenant query.
    const freshness = Math.max(...ids.map((t) => this.opts.limits(t).max_cache_freshness_per_query));
    return this.withTimeout(limits, signal, async (inner) => {
      try {
        return await results.query({
          tenantKey: ids.join('|'),
          query: formatExpr(expr),
          grid,
          intervalMs,
          maxCacheTimeMs: this.now() - freshness,
          parallelism: Math.max(1, limits.max_query_parallelism),
          maxRangeMs: limits.max_query_length,
          maxSeries: limits.max_query_series,
          evaluate: (range: MsRange) =>
            this.opts.handler.rangeQuery(
              tenant,
              {
                ...q,
                startNs: BigInt(range.startMs) * NS_PER_MS,
                endNs: BigInt(range.endMs) * NS_PER_MS,
              },
              inner,
            ),
        });
      } catch (err) {
        if (!(err instanceof NotAMatrixError)) throw err;
        this.logger.warn('metric query answered without the results cache', { err, query: q.query });
        return this.opts.handler.rangeQuery(tenant, q, inner);
      }
    });
  }

  private async logQuery(tenant: string, q: RangeQuery, limits: LimitsConfig, signal: AbortSignal) {
    const splitNs = BigInt(limits.split_queries_by_interval) * NS_PER_MS;
    // `interval` keeps entries at least that far apart across the whole range: not splittable.
    if (splitNs <= 0n || q.intervalNs > 0n) return this.opts.handler.rangeQuery(tenant, q, signal);
    const intervals = logIntervals(q.startNs, q.endNs, splitNs);
    if (intervals.length < MIN_LOG_SPLIT_INTERVALS) return this.opts.handler.rangeQuery(tenant, q, signal);
    checkQueryLength(q.startNs, q.endNs, limits);
    checkEntriesLimit(q.limit, limits);
    return this.withTimeout(limits, signal, async (inner) => {
      const stats = new FrontendStats();
      const pieces: StreamsPiece[] = [];
      const warnings = new Set<string>();
      let remaining = q.limit;
      for (const batch of logBatches(intervals, q.direction === 'backward')) {
        const r = await this.opts.handler.rangeQuery(tenant, { ...q, ...batch, limit: remaining }, inner);
        if (r.resultType !== 'streams') throw new Error(`log query answered ${r.resultType}`);
        const piece = parseStreams(r.result);
        pieces.push(piece);
        addStats(stats, r.stats);
        for (const w of r.warnings) warnings.add(w);
        remaining -= piece.entries;
        if (remaining <= 0) break;
      }
      stats.splits = pieces.length;
      return { resultType: 'streams', result: mergeStreams(pieces), stats, warnings: [...warnings] };
    });
  }

  /** Runs a split query under the tenant's query_timeout as a whole, with Loki's 504 when it runs out. */
  private async withTimeout(
    limits: LimitsConfig,
    signal: AbortSignal,
    body: (signal: AbortSignal) => Promise<QueryResponse>,
  ): Promise<QueryResponse> {
    const timeout = limits.query_timeout > 0 ? AbortSignal.timeout(limits.query_timeout) : null;
    const inner = timeout ? AbortSignal.any([signal, timeout]) : signal;
    try {
      return await body(inner);
    } catch (err) {
      if (timeout?.aborted && !signal.aborted) throw new HttpError(504, Messages.queryTimeout);
      throw err;
    }
  }
}

function checkQueryLength(startNs: bigint, endNs: bigint, limits: LimitsConfig): void {
  const maxNs = BigInt(limits.max_query_length) * NS_PER_MS;
  if (maxNs > 0n && endNs - startNs > maxNs) {
    throw new HttpError(400, Messages.queryLength(formatGoDuration(endNs - startNs), formatGoDuration(maxNs)));
  }
}

function checkEntriesLimit(limit: number, limits: LimitsConfig): void {
  const max = limits.max_entries_limit_per_query;
  if (max > 0 && limit > max) throw new HttpError(400, Messages.maxEntriesLimit(limit, max));
}

export interface FrontendDeps {
  handler: QueryHandler;
  limits: (tenant: string) => LimitsConfig;
  /** Where the cache metrics go. */
  registry?: Registry;
  /** A results cache back end to use instead of the configured one (tests). */
  cache?: Cache | null;
  logger?: Logger;
  now?: () => number;
}

/**
 * The frontend for a configuration: with `query_range.cache_results`, metric
 * range queries use the results cache configured in
 * `query_range.results_cache`; log queries are split by
 * `split_queries_by_interval` in any case.
 */
export function createQueryFrontend(cfg: Pick<SkaldConfig, 'query_range'>, deps: FrontendDeps): QueryFrontend {
  const qr = cfg.query_range;
  const logger = deps.logger ?? componentLogger('frontend');
  // Loki refuses to start with another value (resultscache.Config.Validate).
  if (qr.results_cache.compression !== '' && qr.results_cache.compression !== 'snappy') {
    throw new Error(`unsupported compression type: ${qr.results_cache.compression}`);
  }
  let cache: Cache | null = null;
  if (qr.cache_results) {
    const c = qr.results_cache.cache;
    // Loki names the results cache's back ends `frontend.embedded-cache` and `frontend.memcache`.
    cache =
      deps.cache !== undefined
        ? deps.cache
        : createCache(c, { registry: deps.registry, prefix: c.prefix || 'frontend.', logger });
    if (!cache) logger.warn('query_range.cache_results is set but no usable results cache is configured; not caching');
  }
  return new QueryFrontend({
    handler: deps.handler,
    limits: deps.limits,
    cache,
    alignQueriesWithStep: qr.align_queries_with_step,
    compression: qr.results_cache.compression,
    logger,
    now: deps.now,
  });
}

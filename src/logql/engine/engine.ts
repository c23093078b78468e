// The LogQL engine's front door: parses a query, applies the tenant's query
// limits, evaluates it (log queries stream by stream, metric queries over a
// step grid) and returns Loki's result JSON with statistics.

import { Messages } from '../../messages.js';
import type { SourceDeps } from '../../querier/sources.js';
import type { Direction } from '../../querier/stream-blocks.js';
import { WorkerTaskError } from '../../querier/worker-pool.js';
import { encodingFlagsMember } from '../../server/encoding-flags.js';
import { HttpError } from '../../server/http-error.js';
import { type Expr, ParseError, parseExpr, QueryKindError } from '../syntax/index.js';
import { formatGoDuration } from '../syntax/units.js';
import {
  executeIntervalLogQuery,
  executeLogQuery,
  type LogQueryRequest,
  type PipelineCompiler,
  streamsToJSON,
} from './log-query.js';
import type { QueryExecutor } from './shards.js';
import { QueryStats } from './stats.js';
import type { StepGrid } from './types.js';

/** The `limits_config` values that bound a query (durations in ms). */
export interface QueryLimits {
  max_entries_limit_per_query: number;
  max_query_length: number;
  max_query_series: number;
  query_timeout: number;
  max_query_lookback: number;
  /** Threads one query may use at once (this one and workers); 0 for no limit. */
  max_query_parallelism: number;
}

export interface MetricEvaluator {
  /** Evaluates a metric query over a grid; returns Loki's result type and result JSON. */
  evaluate(
    tenant: string,
    expr: Expr,
    grid: StepGrid,
    instant: boolean,
    ctx: EngineRunContext,
  ): Promise<{ resultType: string; result: string }>;
}

export interface EngineRunContext {
  sources: SourceDeps;
  stats: QueryStats;
  signal: AbortSignal;
  compilePipeline: PipelineCompiler;
  limits: QueryLimits;
  executor?: QueryExecutor;
}

export interface EngineDeps {
  sources: SourceDeps;
  /** query_range.align_queries_with_step */
  alignQueriesWithStep?: boolean;
  /** Query workers for queries with enough data to share out. */
  executor?: QueryExecutor;
  limits: (tenant: string) => QueryLimits;
  compilePipeline: PipelineCompiler;
  metrics: MetricEvaluator;
}

export interface RangeQuery {
  query: string;
  startNs: bigint;
  endNs: bigint;
  limit: number;
  direction: Direction;
  stepNs: bigint;
  intervalNs: bigint;
  /** Log queries: Loki's categorize-labels encoding (see log-query.ts). Metric queries ignore it. */
  categorizeLabels?: boolean;
}

export interface InstantQuery {
  query: string;
  timeNs: bigint;
  limit: number;
  direction: Direction;
  /** As in RangeQuery. */
  categorizeLabels?: boolean;
}

export interface QueryResponse {
  resultType: 'streams' | 'matrix' | 'vector' | 'scalar';
  /** JSON text of `data.result`. */
  result: string;
  stats: QueryStats;
  warnings: string[];
}

const NS_PER_MS = 1_000_000n;
const INSTANT_LOG_LOOKBACK_NS = 3600n * 1_000_000_000n;

/** Parses a query, turning parser errors into Loki's 400 answers. */
export function parseQuery(query: string): Expr {
  try {
    return parseExpr(query);
  } catch (err) {
    if (err instanceof ParseError || err instanceof QueryKindError) throw new HttpError(400, err.message);
    throw err;
  }
}

export class Engine {
  constructor(private readonly deps: EngineDeps) {}

  async rangeQuery(tenant: string, q: RangeQuery, signal: AbortSignal): Promise<QueryResponse> {
    const expr = parseQuery(q.query);
    const limits = this.deps.limits(tenant);
    checkQueryLength(q.startNs, q.endNs, limits);
    const startNs = applyLookback(q.startNs, limits);
    return this.run(tenant, limits, signal, async (ctx) => {
      if (expr.kind === 'log_selector') {
        checkEntriesLimit(q.limit, limits);
        const req: LogQueryRequest = {
          tenant,
          selector: expr,
          startNs,
          endNs: q.endNs,
          limit: q.limit,
          direction: q.direction,
          categorizeLabels: q.categorizeLabels === true,
        };
        const streams =
          q.intervalNs > 0n ? await executeIntervalLogQuery(req, q.intervalNs, ctx) : await executeLogQuery(req, ctx);
        return { resultType: 'streams', result: streamsToJSON(streams) };
      }
      let gridStart = startNs;
      let gridEnd = q.endNs;
      if (this.deps.alignQueriesWithStep) {
        // query_range.align_queries_with_step: both ends down to a multiple of the step (ms), as Loki's frontend.
        const stepMs = q.stepNs / NS_PER_MS;
        if (stepMs > 0n) {
          gridStart = (gridStart / NS_PER_MS / stepMs) * stepMs * NS_PER_MS;
          gridEnd = (gridEnd / NS_PER_MS / stepMs) * stepMs * NS_PER_MS;
        }
      }
      const steps = Number((gridEnd - gridStart) / q.stepNs) + 1;
      const grid: StepGrid = { startNs: gridStart, stepNs: q.stepNs, steps };
      return this.deps.metrics.evaluate(tenant, expr, grid, false, ctx);
    });
  }

  async instantQuery(tenant: string, q: InstantQuery, signal: AbortSignal): Promise<QueryResponse> {
    const expr = parseQuery(q.query);
    const limits = this.deps.limits(tenant);
    if (expr.kind === 'log_selector') {
      // Loki 2.9 answers a log query at an instant with the entries of the hour up to it
      // (Loki 3 refuses it); answering keeps older clients working.
      checkEntriesLimit(q.limit, limits);
      const endNs = q.timeNs + 1n;
      const startNs = applyLookback(endNs - INSTANT_LOG_LOOKBACK_NS, limits);
      return this.run(tenant, limits, signal, async (ctx) => {
        const streams = await executeLogQuery(
          {
            tenant,
            selector: expr,
            startNs,
            endNs,
            limit: q.limit,
            direction: q.direction,
            categorizeLabels: q.categorizeLabels === true,
          },
          ctx,
        );
        return { resultType: 'streams', result: streamsToJSON(streams) };
      });
    }
    return this.run(tenant, limits, signal, (ctx) => {
      const grid: StepGrid = { startNs: q.timeNs, stepNs: 0n, steps: 1 };
      return this.deps.metrics.evaluate(tenant, expr, grid, true, ctx);
    });
  }

  private async run(
    _tenant: string,
    limits: QueryLimits,
    signal: AbortSignal,
    body: (ctx: EngineRunContext) => Promise<{ resultType: string; result: string }>,
  ): Promise<QueryResponse> {
    const started = performance.now();
    const stats = new QueryStats();
    const timeout = limits.query_timeout > 0 ? AbortSignal.timeout(limits.query_timeout) : null;
    const combined = timeout ? AbortSignal.any([signal, timeout]) : signal;
    const ctx: EngineRunContext = {
      sources: this.deps.sources,
      stats,
      signal: combined,
      compilePipeline: this.deps.compilePipeline,
      limits,
      executor: limitParallelism(this.deps.executor, limits.max_query_parallelism),
    };
    try {
      const { resultType, result } = await body(ctx);
      stats.execTimeSec = (performance.now() - started) / 1000;
      return { resultType: resultType as QueryResponse['resultType'], result, stats, warnings: [] };
    } catch (err) {
      if (timeout?.aborted && !signal.aborted) throw new HttpError(504, Messages.queryTimeout);
      // A client error found in a query worker keeps its status.
      if (err instanceof WorkerTaskError && err.status) throw new HttpError(err.status, err.message);
      throw err;
    }
  }
}

/**
 * The workers a query may use: with max_query_parallelism N, this thread
 * and at most N - 1 workers (the frontend's cap on a query's parallel work).
 */
export function limitParallelism(executor: QueryExecutor | undefined, max: number): QueryExecutor | undefined {
  if (!executor || max <= 0 || executor.size <= max - 1) return executor;
  return { size: Math.max(0, max - 1), run: (task, signal) => executor.run(task, signal) };
}

function checkEntriesLimit(limit: number, limits: QueryLimits): void {
  const max = limits.max_entries_limit_per_query;
  if (max > 0 && limit > max) throw new HttpError(400, Messages.maxEntriesLimit(limit, max));
}

function checkQueryLength(startNs: bigint, endNs: bigint, limits: QueryLimits): void {
  const maxNs = BigInt(limits.max_query_length) * NS_PER_MS;
  if (maxNs > 0n && endNs - startNs > maxNs) {
    throw new HttpError(400, Messages.queryLength(formatGoDuration(endNs - startNs), formatGoDuration(maxNs)));
  }
}

function applyLookback(startNs: bigint, limits: QueryLimits): bigint {
  if (limits.max_query_lookback <= 0) return startNs;
  const earliest = BigInt(Date.now() - limits.max_query_lookback) * NS_PER_MS;
  return startNs < earliest ? earliest : startNs;
}

/**
 * The full query response body: `{"status":"success","data":{...}}`.
 * `encodingFlags` are the response encoding flags the request sent: a
 * `streams` answer lists them before `result`; metric answers never do, as
 * Loki's frontend writes those without them.
 */
export function responseJSON(r: QueryResponse, encodingFlags: readonly string[] = []): string {
  const warnings = r.warnings.length > 0 ? `"warnings":${JSON.stringify(r.warnings)},` : '';
  const flags = r.resultType === 'streams' && encodingFlags.length > 0 ? encodingFlagsMember(encodingFlags) : '';
  return `{"status":"success",${warnings}"data":{"resultType":"${r.resultType}",${flags}"result":${r.result},"stats":${JSON.stringify(r.stats)}}}`;
}

// The results cache for metric range queries (Loki's queryrangebase results
// cache behind its split-by-interval middleware), planned for the whole query
// at once rather than interval by interval:
//
// 1. The aligned step grid is cut into split intervals; each interval of a
//    query and step has its own key (Loki's `tenant:query:step:interval:split`).
// 2. All keys old enough to be cached (max_cache_freshness_per_query) are
//    fetched in one batch; each key's extents say which grid points are known.
// 3. The points nobody knows, across all intervals, are joined into as few
//    contiguous ranges as possible and each range is one inner query: with an
//    engine that already spreads one query over every core, two adjacent
//    misses cost less as one query than as two.
// 4. The fresh matrices are cut back into per-interval pieces, joined with the
//    cached pieces into one matrix (series sorted by labels, points in time
//    order), and each interval's updated extents are written back in the
//    background, without the points too recent to keep.
//
// A cache that fails (down, slow, garbage) is logged, counted in the cache
// metrics, and read as a miss; it never fails the query.
import snappy from 'snappy';
import { SeriesLimitError } from '../logql/engine/eval-errors.js';
import { HttpError } from '../server/http-error.js';
import { type Cache, hashKey } from '../storage/cache/cache.js';
import type { Logger } from '../util/log.js';
import { decodeEntry, type Extent, encodeEntry, partition, truncateExtents, updateExtents } from './extents.js';
import type { QueryResponse } from './handler.js';
import { gridBuckets, type MsGrid, type MsRange, mergeAdjacent } from './intervals.js';
import { encodeMatrix, type Matrix, mergeMatrices, parseMatrix, sliceMatrix } from './matrix.js';
import { addStats, FrontendStats } from './stats.js';

const NS_PER_MS = 1_000_000;

export interface ResultsCacheOptions {
  cache: Cache;
  /** `results_cache.compression`: 'snappy' or '' (none). */
  compression: string;
  logger: Logger;
}

export interface CachedQuery {
  /** Tenant IDs as Loki joins them (sorted, `|`-separated). */
  tenantKey: string;
  /** The query in canonical form, so that spelling variants share entries. */
  query: string;
  grid: MsGrid;
  /** Split interval in ms (0: one key for the whole query). */
  intervalMs: number;
  /** Points after this time (ms) are never read from or written to the cache. */
  maxCacheTimeMs: number;
  /** Inner queries in flight at once. */
  parallelism: number;
  /** Longest range one inner query may cover (max_query_length); 0 for no limit. */
  maxRangeMs: number;
  /** max_query_series; 0 for no limit. */
  maxSeries: number;
  /** Evaluates the grid points of a range with the wrapped handler. */
  evaluate(range: MsRange): Promise<QueryResponse>;
}

/** An inner answer that is not a matrix: the caller answers the query without the cache. */
export class NotAMatrixError extends Error {
  override name = 'NotAMatrixError';
}

interface BucketPlan {
  key: string;
  hashed: string;
  range: MsRange;
  cacheable: boolean;
  old: Extent[];
  cached: Extent[];
  missing: MsRange[];
}

async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T, i: number) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

/** Cuts ranges longer than `maxMs` into pieces no longer than it (on the grid). */
export function capRanges(ranges: readonly MsRange[], maxMs: number, stepMs: number): MsRange[] {
  if (maxMs <= 0) return [...ranges];
  const span = Math.max(0, Math.floor(maxMs / stepMs) * stepMs);
  const out: MsRange[] = [];
  for (const r of ranges) {
    for (let s = r.startMs; s <= r.endMs; s += span + stepMs)
      out.push({ startMs: s, endMs: Math.min(r.endMs, s + span) });
  }
  return out;
}

/** A failing cache is reported once per this many ms, not once per query. */
const WARN_EVERY_MS = 60_000;

export class MetricResultsCache {
  private readonly writes = new Set<Promise<void>>();
  private readonly lastWarned = new Map<string, number>();

  constructor(private readonly opts: ResultsCacheOptions) {}

  /** Resolves when every background cache write started so far has finished. */
  async idle(): Promise<void> {
    while (this.writes.size > 0) await Promise.all([...this.writes]);
  }

  async query(q: CachedQuery): Promise<QueryResponse> {
    const { grid } = q;
    const step = grid.stepMs;
    const stats = new FrontendStats();
    const cacheStats = stats.resultCache;
    const buckets = gridBuckets(grid, q.intervalMs);
    const plans: BucketPlan[] = buckets.map((b) => {
      const key = `${q.tenantKey}:${q.query}:${step}:${b.index}:${q.intervalMs}`;
      const range = { startMs: b.startMs, endMs: b.endMs };
      // As Loki: a split starting after the freshness cut-off does not use the cache at all.
      const cacheable = b.startMs <= q.maxCacheTimeMs;
      return { key, hashed: hashKey(key), range, cacheable, old: [], cached: [], missing: [range] };
    });

    const wanted = plans.filter((p) => p.cacheable);
    if (wanted.length > 0) {
      const found = await this.fetch(
        wanted.map((p) => p.hashed),
        cacheStats,
      );
      for (const p of wanted) {
        const buf = found.get(p.hashed);
        const extents = buf ? this.decode(p.key, buf) : null;
        if (!extents) continue;
        cacheStats.entriesFound++;
        p.old = extents;
        const part = partition(p.range, extents, step);
        p.cached = part.cached;
        p.missing = part.missing;
      }
    }

    // Evaluate what is missing, as few contiguous inner queries as possible.
    const allMissing = plans.flatMap((p) => p.missing);
    const runs = capRanges(mergeAdjacent(allMissing, step), q.maxRangeMs, step);
    const fresh: Matrix[] = new Array(runs.length);
    const warnings = new Set<string>();
    await eachLimited(runs, q.parallelism, async (run, i) => {
      const r = await q.evaluate(run);
      if (r.resultType !== 'matrix') throw new NotAMatrixError(`inner query answered ${r.resultType}`);
      fresh[i] = parseMatrix(r.result);
      addStats(stats, r.stats);
      for (const w of r.warnings) warnings.add(w);
    });
    const freshFor = (range: MsRange): Matrix => {
      const i = runs.findIndex((r) => r.startMs <= range.startMs && range.startMs <= r.endMs);
      // A capped run may end inside `range`: take every run the range spans.
      const pieces: Matrix[] = [];
      for (let j = i; j < runs.length && runs[j]!.startMs <= range.endMs; j++)
        pieces.push(sliceMatrix(fresh[j]!, range));
      return pieces.length === 1 ? pieces[0]! : mergeMatrices(pieces);
    };

    const pieces: Extent[] = [];
    const writes: Array<[string, Buffer]> = [];
    const lastCacheable = Math.floor(q.maxCacheTimeMs / step) * step;
    for (const p of plans) {
      const computed = p.missing.map((m): Extent => ({ ...m, matrix: freshFor(m) }));
      for (const c of p.cached) cacheStats.queryLengthServed += (c.endMs - c.startMs) * NS_PER_MS;
      pieces.push(...p.cached, ...computed);
      if (!p.cacheable || computed.length === 0) continue;
      const extents = truncateExtents(updateExtents(p.old, computed, step), lastCacheable);
      if (extents.length > 0) writes.push([p.hashed, this.encode(p.key, extents)]);
    }
    if (writes.length > 0) {
      cacheStats.requests++;
      cacheStats.entriesStored += writes.length;
      for (const [, v] of writes) cacheStats.bytesSent += v.length;
      this.store(writes);
    }

    pieces.sort((a, b) => a.startMs - b.startMs);
    const merged = mergeMatrices(pieces.map((p) => p.matrix));
    if (q.maxSeries > 0 && merged.length > q.maxSeries)
      throw new HttpError(400, new SeriesLimitError(q.maxSeries).message);
    // Loki's merge counts every split it joins once.
    if (plans.length > 1) stats.splits = plans.length;
    return { resultType: 'matrix', result: encodeMatrix(merged), stats, warnings: [...warnings] };
  }

  private async fetch(keys: string[], st: FrontendStats['resultCache']): Promise<Map<string, Buffer>> {
    st.requests++;
    st.entriesRequested += keys.length;
    const started = performance.now();
    try {
      const found = await this.opts.cache.fetch(keys);
      for (const v of found.values()) st.bytesReceived += v.length;
      return found;
    } catch (err) {
      this.warn('results cache fetch failed; computing the query instead', err);
      return new Map();
    } finally {
      st.downloadTime += Math.round((performance.now() - started) * NS_PER_MS);
    }
  }

  private store(writes: Array<[string, Buffer]>): void {
    const w = this.opts.cache
      .store(writes)
      .catch((err: unknown) => this.warn('results cache store failed', err))
      .finally(() => this.writes.delete(w));
    this.writes.add(w);
  }

  /** Logs a cache problem, at most once a minute for each kind (the cache metrics count every one). */
  private warn(msg: string, err: unknown): void {
    const now = Date.now();
    if (now - (this.lastWarned.get(msg) ?? Number.NEGATIVE_INFINITY) < WARN_EVERY_MS) return;
    this.lastWarned.set(msg, now);
    this.opts.logger.warn(msg, { err, cache: this.opts.cache.name });
  }

  private encode(key: string, extents: readonly Extent[]): Buffer {
    const raw = encodeEntry(key, extents);
    return this.opts.compression === 'snappy' ? snappy.compressSync(raw) : raw;
  }

  private decode(key: string, buf: Buffer): Extent[] | null {
    try {
      const raw = this.opts.compression === 'snappy' ? (snappy.uncompressSync(buf) as Buffer) : buf;
      return decodeEntry(key, raw);
    } catch {
      this.warn('unreadable results cache entry; recomputing it', new Error(key));
      return null;
    }
  }
}

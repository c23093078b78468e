// The chunk cache (Loki's chunk fetcher caches): chunk objects kept in the
// caches of `chunk_store_config.chunk_cache_config` (L1) and, with
// `l2_chunk_cache_handoff`, `chunk_cache_config_l2` (L2), in front of the
// object store. Chunk keys carry the object's checksum, so a cached chunk
// never goes stale.
//
// As Loki's fetcher does:
// - reads look in the caches first and read only the misses from the object
//   store; what was read is written back (store-after-read);
// - flushed chunks are written to the cache too (write-through), after the
//   ingester's upload, and a chunk already in L1 is not uploaded again
//   (another replica flushed the same chunk);
// - chunks that start more than `l2_chunk_cache_handoff` ago live in L2 (L1
//   is still asked for those within 10% more, it may hold them);
// - chunks that start more than `skip_query_writeback_cache_older_than` ago
//   are neither looked up nor written back.
//
// Skald opens chunks one at a time, so lookups made in the same turn of the
// event loop are gathered into one cache fetch, which memcached splits into
// `batch_size` keys with `parallelism` requests in flight. Writes go through
// the cache's background queue (memcached) or straight into memory
// (embedded): nobody waits for them. A cache failure is a miss, never a
// query error. Keys are hashKey(chunk key); a hit is checked against the
// checksum in its key by the Store before use.
import { Counter, Histogram, type Registry } from 'prom-client';
import type { SkaldConfig } from '../config/index.js';
import type { Logger } from '../util/log.js';
import { type Cache, hashKey } from './cache/cache.js';
import { createCache } from './cache/create.js';
import type { DnsLookup } from './cache/dns.js';

/** What a Store needs of a chunk cache: in the main thread the ChunkCache, in a query worker a port to it. */
export interface ChunkCacheClient {
  /** The cached object of chunk `key` (starting at `fromMs`), or null. Rejects only when `signal` aborts. */
  fetch(key: string, fromMs: number, signal?: AbortSignal): Promise<Buffer | null>;
  /** Writes back a chunk object read from the object store; returns at once. */
  store(key: string, fromMs: number, value: Buffer): void;
  /** A cached object did not match its key's checksum (counted, then read from the object store). */
  corrupt(key: string): void;
  /** Write path, where chunks are flushed: whether the cache holds the chunk already (uploaded by another replica). */
  flushedBefore?(key: string, size: number): Promise<boolean>;
  /** Write path: a chunk was uploaded; write it through. */
  stored?(key: string, fromMs: number, value: Buffer): void;
  stop(): Promise<void>;
}

class ChunkStoreMetrics {
  readonly fetchedSize: Histogram<'source'>;
  readonly corrupt: Counter;
  readonly dedupedChunks: Counter;
  readonly dedupedBytes: Counter;

  private constructor(registry: Registry) {
    const registers = [registry];
    this.fetchedSize = new Histogram({
      name: 'loki_chunk_fetcher_fetched_size_bytes',
      help: 'Compressed chunk size distribution fetched from storage.',
      labelNames: ['source'],
      buckets: [128, 1024, 16384, 65536, 131072, 262144, 524288, 1048576, 1572864, 2097152, 4194304],
      registers,
    });
    this.corrupt = new Counter({
      name: 'loki_cache_corrupt_chunks_total',
      help: 'Total count of corrupt chunks found in cache.',
      registers,
    });
    this.dedupedChunks = new Counter({
      name: 'loki_chunk_store_deduped_chunks_total',
      help: 'Count of chunks which were not stored because they have already been stored by another replica.',
      registers,
    });
    this.dedupedBytes = new Counter({
      name: 'loki_chunk_store_deduped_bytes_total',
      help: 'Count of bytes from chunks which were not stored because they have already been stored by another replica.',
      registers,
    });
  }

  private static readonly byRegistry = new WeakMap<Registry, ChunkStoreMetrics>();

  static for(registry: Registry): ChunkStoreMetrics {
    let m = ChunkStoreMetrics.byRegistry.get(registry);
    if (!m) {
      m = new ChunkStoreMetrics(registry);
      ChunkStoreMetrics.byRegistry.set(registry, m);
    }
    return m;
  }
}

export interface ChunkCacheOptions {
  l1: Cache | null;
  l2?: Cache | null;
  /** l2_chunk_cache_handoff; 0 leaves L2 unused, as in Loki. */
  l2HandoffMs?: number;
  /** skip_query_writeback_cache_older_than; 0 caches every chunk. */
  skipOlderThanMs?: number;
  registry?: Registry;
  logger?: Logger;
  /** Clock in ms (tests). */
  now?: () => number;
}

interface PendingKey {
  hashed: string;
  fromMs: number;
  waiters: Array<(value: Buffer | null) => void>;
}

export class ChunkCache implements ChunkCacheClient {
  private readonly l1: Cache | null;
  private readonly l2: Cache | null;
  private readonly handoffMs: number;
  private readonly skipOlderThanMs: number;
  private readonly metrics: ChunkStoreMetrics | undefined;
  private readonly now: () => number;
  private pending = new Map<string, PendingKey>();
  private scheduled = false;
  private lastWarnMs = 0;

  constructor(private readonly opts: ChunkCacheOptions) {
    this.l1 = opts.l1;
    this.handoffMs = opts.l2HandoffMs ?? 0;
    this.l2 = this.handoffMs > 0 ? (opts.l2 ?? null) : null;
    this.skipOlderThanMs = opts.skipOlderThanMs ?? 0;
    this.metrics = opts.registry ? ChunkStoreMetrics.for(opts.registry) : undefined;
    this.now = opts.now ?? Date.now;
  }

  /** The caches in use (L1 then L2), for tests and diagnostics. */
  get levels(): Cache[] {
    return [this.l1, this.l2].filter((c): c is Cache => c !== null);
  }

  private skipped(fromMs: number): boolean {
    return this.skipOlderThanMs > 0 && fromMs < this.now() - this.skipOlderThanMs;
  }

  fetch(key: string, fromMs: number, signal?: AbortSignal): Promise<Buffer | null> {
    if (this.skipped(fromMs) || (!this.l1 && !this.l2)) return Promise.resolve(null);
    signal?.throwIfAborted();
    return new Promise<Buffer | null>((resolve, reject) => {
      let settled = false;
      const onAbort = () => {
        settled = true;
        reject(signal!.reason instanceof Error ? signal!.reason : new Error('aborted'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const waiter = (value: Buffer | null) => {
        signal?.removeEventListener('abort', onAbort);
        if (!settled) resolve(value);
      };
      let p = this.pending.get(key);
      if (!p) {
        p = { hashed: hashKey(key), fromMs, waiters: [] };
        this.pending.set(key, p);
      }
      p.waiters.push(waiter);
      if (!this.scheduled) {
        this.scheduled = true;
        // Every chunk opened in this turn of the event loop joins one cache fetch.
        setImmediate(() => void this.flushPending());
      }
    });
  }

  private async flushPending(): Promise<void> {
    this.scheduled = false;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    const now = this.now();
    // Loki looks in L1 up to 10% past the handoff: L1 may still hold chunks that crossed it lately.
    const extendedHandoff = this.handoffMs + this.handoffMs / 10;
    const l1: PendingKey[] = [];
    const l2: PendingKey[] = [];
    for (const p of batch) (this.l2 && p.fromMs < now - extendedHandoff ? l2 : l1).push(p);
    await Promise.all([this.lookup(this.l1, l1, 'cache'), this.lookup(this.l2, l2, 'cache_l2')]);
  }

  private async lookup(cache: Cache | null, keys: PendingKey[], source: string): Promise<void> {
    if (keys.length === 0) return;
    let found = new Map<string, Buffer>();
    if (cache) {
      try {
        found = await cache.fetch(keys.map((k) => k.hashed));
      } catch (err) {
        this.warn('chunk cache fetch failed; reading the chunks from object storage', err);
      }
    }
    for (const k of keys) {
      const value = found.get(k.hashed) ?? null;
      if (value) this.metrics?.fetchedSize.observe({ source }, value.length);
      for (const w of k.waiters) w(value);
    }
  }

  store(key: string, fromMs: number, value: Buffer): void {
    this.metrics?.fetchedSize.observe({ source: 'store' }, value.length);
    this.writeBack(key, fromMs, value);
  }

  /** Loki's WriteBackCache: to L1, or to L2 for chunks past the handoff; nothing for chunks too old to cache. */
  private writeBack(key: string, fromMs: number, value: Buffer): void {
    if (this.skipped(fromMs)) return;
    const cache = this.l2 && fromMs <= this.now() - this.handoffMs ? this.l2 : this.l1;
    if (!cache) return;
    cache.store([[hashKey(key), value]]).catch((err: unknown) => this.warn('chunk cache store failed', err));
  }

  corrupt(_key: string): void {
    this.metrics?.corrupt.inc();
  }

  /**
   * Before uploading a flushed chunk: whether L1 already holds it, in which
   * case another replica has uploaded the same chunk (Loki's PutOne dedupe).
   */
  async flushedBefore(key: string, size: number): Promise<boolean> {
    if (!this.l1) return false;
    let found: Map<string, Buffer>;
    try {
      found = await this.l1.fetch([hashKey(key)]);
    } catch {
      return false;
    }
    if (found.size === 0) return false;
    this.metrics?.dedupedChunks.inc();
    this.metrics?.dedupedBytes.inc(size);
    return true;
  }

  /** After uploading a flushed chunk: write it through (only when it was not found before the upload). */
  stored(key: string, fromMs: number, value: Buffer): void {
    this.writeBack(key, fromMs, value);
  }

  async stop(): Promise<void> {
    await Promise.all(this.levels.map((c) => c.stop()));
  }

  private warn(msg: string, err: unknown): void {
    // A cache that is down fails every lookup; one line per 10 s says enough.
    const now = Date.now();
    if (now - this.lastWarnMs < 10_000) return;
    this.lastWarnMs = now;
    this.opts.logger?.warn(msg, { err });
  }
}

export interface CreateChunkCacheOptions {
  registry?: Registry;
  logger?: Logger;
  dns?: DnsLookup;
}

/** The chunk cache of `chunk_store_config`, or null when it configures none. */
export function createChunkCache(
  cfg: Pick<SkaldConfig, 'chunk_store_config'>,
  opts: CreateChunkCacheOptions = {},
): ChunkCache | null {
  const csc = cfg.chunk_store_config;
  const common = { registry: opts.registry, logger: opts.logger, dns: opts.dns };
  // Loki's cache prefixes for the chunk caches: `chunks` and `chunksl2`.
  const l1 = createCache(csc.chunk_cache_config, { ...common, prefix: 'chunks' });
  const l2 =
    csc.l2_chunk_cache_handoff > 0 ? createCache(csc.chunk_cache_config_l2, { ...common, prefix: 'chunksl2' }) : null;
  if (!l1 && !l2) return null;
  return new ChunkCache({
    l1,
    l2,
    l2HandoffMs: csc.l2_chunk_cache_handoff,
    skipOlderThanMs: csc.skip_query_writeback_cache_older_than,
    registry: opts.registry,
    logger: opts.logger,
  });
}

// Builds a cache from Loki's cache block, as Loki's cache.New does, for the
// caches that use it (chunk_store_config.chunk_cache_config and _l2,
// query_range.results_cache.cache): the embedded cache, memcached, or both
// as two tiers (embedded first). Names follow Loki: `<prefix>embedded-cache`,
// `<prefix>memcache` and `<prefix>tiered` for the `loki_cache_*` metrics,
// the bare prefix for the memcached client's own metrics. Memcached stores go
// through Loki's background write-back queue. Redis is not implemented
// (config/unsupported.ts warns when it is set).
import type { Registry } from 'prom-client';
import type { CacheConfig } from '../../config/index.js';
import type { Logger } from '../../util/log.js';
import { BackgroundCache } from './background.js';
import type { Cache } from './cache.js';
import { serverEntries } from './discovery.js';
import { type DnsLookup, dnsFromEnvironment } from './dns.js';
import { EmbeddedCache } from './embedded.js';
import { InstrumentedCache, TieredCache } from './instrumented.js';
import { MemcachedCache } from './memcached.js';
import { CacheMetrics } from './metrics.js';

export interface CreateCacheOptions {
  registry?: Registry;
  /** Loki's cache prefix: `frontend.` for the results cache, `chunks` and `chunksl2` for the chunk caches. */
  prefix: string;
  logger?: Logger;
  /** DNS for memcached discovery; the process's (SKALD_DNS_SERVER or the system's) when absent. */
  dns?: DnsLookup;
}

/** Whether the block configures memcached (Loki's IsMemcacheSet). */
export function isMemcachedSet(cfg: CacheConfig): boolean {
  return cfg.memcached_client.addresses !== '' || cfg.memcached_client.host !== '';
}

/**
 * The configured cache, instrumented; null when the block configures none
 * Skald can use. Throws on a memcached address Loki would refuse, so that a
 * mistake stops start-up instead of silently leaving the cache empty.
 */
export function createCache(cfg: CacheConfig, opts: CreateCacheOptions): Cache | null {
  const metrics = opts.registry ? CacheMetrics.for(opts.registry) : undefined;
  const levels: Cache[] = [];
  const instrument = (c: Cache): Cache => (metrics ? new InstrumentedCache(c, metrics) : c);
  const e = cfg.embedded_cache;
  if (e.enabled && (e.max_size_mb > 0 || e.max_size_items > 0)) {
    levels.push(
      instrument(
        new EmbeddedCache({
          name: `${opts.prefix}embedded-cache`,
          maxSizeBytes: e.max_size_mb * 1e6,
          maxSizeItems: e.max_size_items,
          // Loki: an embedded cache without a TTL takes default_validity.
          ttlMs: e.ttl > 0 ? e.ttl : cfg.default_validity,
          metrics,
        }),
      ),
    );
  }
  const mc = cfg.memcached_client;
  if (isMemcachedSet(cfg)) {
    const entries = serverEntries(mc);
    // A static host:port list is used as it is; any DNS form makes the whole list discovered.
    const dns = entries.some((x) => x.kind !== 'static') ? (opts.dns ?? dnsFromEnvironment()) : undefined;
    const expirationMs = cfg.memcached.expiration > 0 ? cfg.memcached.expiration : cfg.default_validity;
    const memcached = new MemcachedCache({
      name: `${opts.prefix}memcache`,
      clientName: opts.prefix,
      servers: entries.flatMap((x) => (x.kind === 'static' ? [x.address] : [])),
      discovery: dns && {
        entries,
        dns,
        // Loki's default; Go's ticker refuses a zero interval.
        intervalMs: mc.update_interval > 0 ? mc.update_interval : 60_000,
        logger: opts.logger,
      },
      lookup: dns?.connectLookup,
      timeoutMs: mc.timeout > 0 ? mc.timeout : 100,
      maxIdleConns: mc.max_idle_conns,
      consistentHash: mc.consistent_hash,
      breakerFailures: mc.circuit_breaker_consecutive_failures,
      // Loki (gobreaker): a zero timeout means 60 seconds.
      breakerTimeoutMs: mc.circuit_breaker_timeout > 0 ? mc.circuit_breaker_timeout : 60_000,
      breakerIntervalMs: mc.circuit_breaker_interval,
      batchSize: cfg.memcached.batch_size,
      parallelism: Math.max(1, cfg.memcached.parallelism),
      expirationSec: Math.ceil(expirationMs / 1000),
      maxItemSize: mc.max_item_size,
      metrics,
    });
    const bg = cfg.background;
    levels.push(
      new BackgroundCache(instrument(memcached), {
        concurrency: Math.max(1, bg.writeback_goroutines),
        maxBatches: bg.writeback_buffer,
        maxBytes: bg.writeback_size_limit,
        metrics,
        logger: opts.logger,
      }),
    );
  }
  if (levels.length === 0) return null;
  return levels.length === 1 ? levels[0]! : instrument(new TieredCache(levels, `${opts.prefix}tiered`));
}

// Builds the results cache's back end from Loki's cache block
// (`query_range.results_cache.cache`), as Loki's cache.New does: the embedded
// cache, memcached, or both as two tiers (embedded first). Redis is not
// implemented (config/unsupported.ts warns when it is set).
import type { Registry } from 'prom-client';
import type { CacheConfig } from '../../config/index.js';
import type { Cache } from './cache.js';
import { EmbeddedCache } from './embedded.js';
import { InstrumentedCache, TieredCache } from './instrumented.js';
import { MemcachedCache } from './memcached.js';
import { parseAddress } from './memcached-client.js';
import { CacheMetrics } from './metrics.js';

/**
 * The server list of `memcached_client.addresses`. Plain `host:port` entries
 * (and `dns+host:port`, whose name is resolved at each connect) are accepted;
 * DNS SRV discovery is refused with an explanation rather than silently
 * leaving the cache without servers.
 */
export function memcachedServers(client: CacheConfig['memcached_client']): string[] {
  const entries = client.addresses
    .split(',')
    .map((a) => a.trim())
    .filter((a) => a !== '');
  if (entries.length === 0 && client.host !== '') {
    throw new Error(
      `memcached_client.host: discovering memcached servers from DNS SRV records (service ${JSON.stringify(client.service)} of ${JSON.stringify(client.host)}) is not supported by Skald; list the servers in memcached_client.addresses as host:port`,
    );
  }
  return entries.map((entry) => {
    if (/^dnssrv(noa)?\+/.test(entry)) {
      throw new Error(
        `memcached_client.addresses: DNS SRV discovery (${JSON.stringify(entry)}) is not supported by Skald; list the servers as host:port`,
      );
    }
    const address = entry.startsWith('dns+') ? entry.slice(4) : entry;
    parseAddress(address);
    return address;
  });
}

export interface CreateCacheOptions {
  registry?: Registry;
  /** Name prefix; Loki's results cache is `frontend.`. */
  prefix: string;
}

/** The configured cache, instrumented; null when the block configures none Skald can use. */
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
  if (mc.addresses !== '' || mc.host !== '') {
    const expirationMs = cfg.memcached.expiration > 0 ? cfg.memcached.expiration : cfg.default_validity;
    levels.push(
      instrument(
        new MemcachedCache({
          name: `${opts.prefix}memcache`,
          servers: memcachedServers(mc),
          timeoutMs: mc.timeout > 0 ? mc.timeout : 100,
          maxIdleConns: mc.max_idle_conns,
          consistentHash: mc.consistent_hash,
          breakerFailures: mc.circuit_breaker_consecutive_failures,
          // Loki (gobreaker): a zero timeout means 60 seconds.
          breakerTimeoutMs: mc.circuit_breaker_timeout > 0 ? mc.circuit_breaker_timeout : 60_000,
          batchSize: cfg.memcached.batch_size,
          parallelism: Math.max(1, cfg.memcached.parallelism),
          expirationSec: Math.ceil(expirationMs / 1000),
          maxItemSize: mc.max_item_size,
          metrics,
        }),
      ),
    );
  }
  if (levels.length === 0) return null;
  return levels.length === 1 ? levels[0]! : new TieredCache(levels);
}

// The cache metrics Loki exposes, by Loki's names and labels, created once per
// registry and shared by every cache in it (the `name` / `cache` label tells
// the caches apart, as Loki's const labels do).
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

function exponential(start: number, factor: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => start * factor ** i);
}

export class CacheMetrics {
  readonly requestDuration: Histogram<'name' | 'method' | 'status_code'>;
  readonly fetchedKeys: Counter<'name'>;
  readonly hits: Counter<'name'>;
  readonly valueSize: Histogram<'name' | 'method'>;
  readonly embeddedAdded: Counter<'cache'>;
  readonly embeddedEvicted: Counter<'cache' | 'reason'>;
  readonly embeddedEntries: Gauge<'cache'>;
  readonly embeddedBytes: Gauge<'cache'>;
  readonly memcacheDuration: Histogram<'name' | 'method' | 'status_code'>;
  readonly memcacheServers: Gauge<'name'>;
  readonly memcacheSkipped: Counter<'name'>;
  readonly dnsLookups: Counter<'name'>;
  readonly dnsFailures: Counter<'name'>;
  readonly dnsResults: Gauge<'name' | 'addr'>;
  readonly backgroundDropped: Counter<'name'>;
  readonly backgroundDroppedBytes: Counter<'name'>;
  readonly backgroundQueueLength: Gauge<'name'>;
  readonly backgroundQueueBytes: Gauge<'name'>;
  readonly backgroundEnqueuedBytes: Gauge<'name'>;
  readonly backgroundDequeuedBytes: Gauge<'name'>;

  private constructor(registry: Registry) {
    const registers = [registry];
    this.requestDuration = new Histogram({
      name: 'loki_cache_request_duration_seconds',
      help: 'Total time spent in seconds doing cache requests.',
      labelNames: ['name', 'method', 'status_code'],
      buckets: exponential(0.000016, 4, 8),
      registers,
    });
    this.fetchedKeys = new Counter({
      name: 'loki_cache_fetched_keys',
      help: 'Total count of keys requested from cache.',
      labelNames: ['name'],
      registers,
    });
    this.hits = new Counter({
      name: 'loki_cache_hits',
      help: 'Total count of keys found in cache.',
      labelNames: ['name'],
      registers,
    });
    this.valueSize = new Histogram({
      name: 'loki_cache_value_size_bytes',
      help: 'Size of values in the cache.',
      labelNames: ['name', 'method'],
      buckets: exponential(1024, 4, 7),
      registers,
    });
    this.embeddedAdded = new Counter({
      name: 'loki_embeddedcache_added_new_total',
      help: 'The total number of new entries added to the cache',
      labelNames: ['cache'],
      registers,
    });
    this.embeddedEvicted = new Counter({
      name: 'loki_embeddedcache_evicted_total',
      help: 'The total number of evicted entries',
      labelNames: ['cache', 'reason'],
      registers,
    });
    this.embeddedEntries = new Gauge({
      name: 'loki_embeddedcache_entries',
      help: 'Current number of entries in the cache',
      labelNames: ['cache'],
      registers,
    });
    this.embeddedBytes = new Gauge({
      name: 'loki_embeddedcache_memory_bytes',
      help: 'The current cache size in bytes',
      labelNames: ['cache'],
      registers,
    });
    this.memcacheDuration = new Histogram({
      name: 'loki_memcache_request_duration_seconds',
      help: 'Total time spent in seconds doing memcache requests.',
      labelNames: ['name', 'method', 'status_code'],
      buckets: [...exponential(0.000016, 4, 7), 0.15, 0.25, 0.5, 1],
      registers,
    });
    this.memcacheServers = new Gauge({
      name: 'loki_memcache_client_servers',
      help: 'The number of memcache servers discovered.',
      labelNames: ['name'],
      registers,
    });
    this.memcacheSkipped = new Counter({
      name: 'loki_memcache_client_set_skip_total',
      help: 'Total number of skipped set operations because of the value is larger than the max-item-size.',
      labelNames: ['name'],
      registers,
    });
    // dskit's DNS provider, registered by Loki with the `loki_` prefix and the memcached client's name.
    this.dnsLookups = new Counter({
      name: 'loki_dns_lookups_total',
      help: 'The number of DNS lookups resolutions attempts',
      labelNames: ['name'],
      registers,
    });
    this.dnsFailures = new Counter({
      name: 'loki_dns_failures_total',
      help: 'The number of DNS lookup failures',
      labelNames: ['name'],
      registers,
    });
    this.dnsResults = new Gauge({
      name: 'loki_dns_provider_results',
      help: 'The number of resolved endpoints for each configured address',
      labelNames: ['name', 'addr'],
      registers,
    });
    // Loki's background write-back in front of memcached. Loki declares the two byte totals as gauges.
    this.backgroundDropped = new Counter({
      name: 'loki_cache_dropped_background_writes_total',
      help: 'Total count of dropped write backs to cache.',
      labelNames: ['name'],
      registers,
    });
    this.backgroundDroppedBytes = new Counter({
      name: 'loki_cache_dropped_background_writes_bytes_total',
      help: 'Amount of data dropped in write backs to cache.',
      labelNames: ['name'],
      registers,
    });
    this.backgroundQueueLength = new Gauge({
      name: 'loki_cache_background_queue_length',
      help: 'Length of the cache background writeback queue.',
      labelNames: ['name'],
      registers,
    });
    this.backgroundQueueBytes = new Gauge({
      name: 'loki_cache_background_queue_bytes',
      help: 'Amount of data in the background writeback queue.',
      labelNames: ['name'],
      registers,
    });
    this.backgroundEnqueuedBytes = new Gauge({
      name: 'loki_cache_background_enqueued_bytes_total',
      help: 'Counter of bytes enqueued over time to the background writeback queue.',
      labelNames: ['name'],
      registers,
    });
    this.backgroundDequeuedBytes = new Gauge({
      name: 'loki_cache_background_dequeued_bytes_total',
      help: 'Counter of bytes dequeued over time from the background writeback queue.',
      labelNames: ['name'],
      registers,
    });
  }

  private static readonly byRegistry = new WeakMap<Registry, CacheMetrics>();

  static for(registry: Registry): CacheMetrics {
    let m = CacheMetrics.byRegistry.get(registry);
    if (!m) {
      m = new CacheMetrics(registry);
      CacheMetrics.byRegistry.set(registry, m);
    }
    return m;
  }
}

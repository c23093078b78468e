// Loki's memcached cache: keys fetched in batches of `batch_size` with at most
// `parallelism` batches in flight, values stored one `set` each with the
// configured expiration, values over `max_item_size` skipped. A batch that
// fails counts its keys as missed; the fetch fails only when every batch
// failed, so one unreachable server among several costs only its keys.
//
// With `discovery`, the server list comes from DNS and is refreshed in place
// (discovery.ts); until the first lookup answers every key misses.
import type { Logger } from '../../util/log.js';
import type { Cache } from './cache.js';
import { ServerDiscovery, type ServerEntry } from './discovery.js';
import type { DnsLookup } from './dns.js';
import { MemcachedClient, type MemcachedClientOptions } from './memcached-client.js';
import type { CacheMetrics } from './metrics.js';

export interface MemcachedCacheOptions extends MemcachedClientOptions {
  /** The cache's name (`<prefix>memcache`), as the instrumented cache reports it. */
  name: string;
  /**
   * Loki's name of the memcached client: the cache prefix (`chunks`,
   * `frontend.`), the `name` label of `loki_memcache_*` and `loki_dns_*`.
   * Defaults to `name`.
   */
  clientName?: string;
  /** Where the servers come from when some address needs DNS; `servers` is then ignored. */
  discovery?: {
    entries: readonly ServerEntry[];
    dns: DnsLookup;
    /** memcached_client.update_interval */
    intervalMs: number;
    logger?: Logger;
  };
  /** Keys per fetch request; 0 fetches all keys in one request. */
  batchSize: number;
  /** Requests in flight at once. */
  parallelism: number;
  expirationSec: number;
  /** Values larger than this are not stored; 0 for no limit. */
  maxItemSize: number;
  metrics?: CacheMetrics;
}

async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

export class MemcachedCache implements Cache {
  readonly name: string;
  readonly client: MemcachedClient;
  readonly discovery: ServerDiscovery | null = null;
  private readonly clientName: string;

  constructor(private readonly opts: MemcachedCacheOptions) {
    this.name = opts.name;
    this.clientName = opts.clientName ?? opts.name;
    const d = opts.discovery;
    this.client = new MemcachedClient({ ...opts, servers: d ? [] : opts.servers });
    const m = opts.metrics;
    m?.memcacheServers.set({ name: this.clientName }, this.client.serverCount);
    if (d) {
      this.discovery = new ServerDiscovery({
        entries: d.entries,
        dns: d.dns,
        intervalMs: d.intervalMs,
        name: this.clientName,
        logger: d.logger,
        metrics: m && { lookups: m.dnsLookups, failures: m.dnsFailures, results: m.dnsResults },
        onUpdate: (servers) => {
          const before = this.client.addresses.join(',');
          this.client.setServers(servers);
          m?.memcacheServers.set({ name: this.clientName }, this.client.serverCount);
          if (servers.join(',') !== before)
            d.logger?.info('memcached servers updated', { cache: this.name, servers: servers.join(',') });
        },
      });
      this.discovery.start();
    }
  }

  private async timed<T>(method: string, fn: () => Promise<T>): Promise<T> {
    const end = this.opts.metrics?.memcacheDuration.startTimer({ name: this.clientName, method });
    try {
      const v = await fn();
      end?.({ status_code: '200' });
      return v;
    } catch (err) {
      end?.({ status_code: '500' });
      throw err;
    }
  }

  async fetch(keys: readonly string[]): Promise<Map<string, Buffer>> {
    // No server known (yet): all miss, without timing requests that are not made.
    if (keys.length === 0 || this.client.serverCount === 0) return new Map();
    const size = this.opts.batchSize > 0 ? this.opts.batchSize : keys.length;
    const batches: string[][] = [];
    for (let i = 0; i < keys.length; i += size) batches.push(keys.slice(i, i + size));
    const found = new Map<string, Buffer>();
    let failures = 0;
    let lastError: unknown;
    const run = () =>
      eachLimited(batches, this.opts.parallelism, async (batch) => {
        try {
          const got = await this.timed('Memcache.GetMulti', () => this.client.getMulti(batch));
          for (const [k, v] of got) found.set(k, v);
        } catch (err) {
          failures++;
          lastError = err;
        }
      });
    await (batches.length > 1 ? this.timed('Memcache.GetBatched', run) : run());
    if (failures === batches.length) throw lastError;
    return found;
  }

  async store(entries: ReadonlyArray<readonly [string, Buffer]>): Promise<void> {
    if (this.client.serverCount === 0) return;
    let lastError: unknown;
    await eachLimited(entries, this.opts.parallelism, async ([key, value]) => {
      if (this.opts.maxItemSize > 0 && value.length > this.opts.maxItemSize) {
        this.opts.metrics?.memcacheSkipped.inc({ name: this.clientName });
        return;
      }
      try {
        await this.timed('Memcache.Put', () => this.client.set(key, value, this.opts.expirationSec));
      } catch (err) {
        lastError = err;
      }
    });
    if (lastError) throw lastError;
  }

  async stop(): Promise<void> {
    this.discovery?.stop();
    this.client.close();
  }
}

// Loki's embedded cache: an in-process LRU bounded by `max_size_mb` (10^6
// bytes per MB, as Loki counts) and/or `max_size_items`, whose entries expire
// `ttl` after they were stored. Loki only drops expired entries when its
// purge job runs (every minute); here a read also refuses an expired entry,
// so a TTL is never exceeded by up to a minute.
import type { Cache } from './cache.js';
import type { CacheMetrics } from './metrics.js';

export interface EmbeddedCacheOptions {
  name: string;
  maxSizeBytes: number;
  maxSizeItems: number;
  ttlMs: number;
  metrics?: CacheMetrics;
  /** Clock in ms (tests). */
  now?: () => number;
  /** How often expired entries are purged (Loki: 1m). */
  purgeIntervalMs?: number;
}

interface Entry {
  value: Buffer;
  size: number;
  updated: number;
}

/** Bytes an entry costs beyond its key and value: the map slot, the entry object and the Buffer header. */
const ENTRY_OVERHEAD = 160;

export class EmbeddedCache implements Cache {
  readonly name: string;
  /** Insertion order is recency order: a hit moves the key to the end; eviction takes from the front. */
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  private readonly now: () => number;
  private readonly purge: NodeJS.Timeout | null;

  constructor(private readonly opts: EmbeddedCacheOptions) {
    this.name = opts.name;
    this.now = opts.now ?? Date.now;
    this.purge = opts.ttlMs > 0 ? setInterval(() => this.purgeExpired(), opts.purgeIntervalMs ?? 60_000).unref() : null;
  }

  get size(): number {
    return this.entries.size;
  }

  get sizeBytes(): number {
    return this.bytes;
  }

  async fetch(keys: readonly string[]): Promise<Map<string, Buffer>> {
    const found = new Map<string, Buffer>();
    const now = this.now();
    for (const key of keys) {
      const e = this.entries.get(key);
      if (!e) continue;
      if (this.expired(e, now)) {
        this.remove(key, e, 'expired');
        continue;
      }
      this.entries.delete(key);
      this.entries.set(key, e);
      found.set(key, e.value);
    }
    return found;
  }

  async store(entries: ReadonlyArray<readonly [string, Buffer]>): Promise<void> {
    for (const [key, value] of entries) this.put(key, value);
  }

  async stop(): Promise<void> {
    if (this.purge) clearInterval(this.purge);
    this.entries.clear();
    this.bytes = 0;
    this.report();
  }

  private put(key: string, value: Buffer): void {
    const m = this.opts.metrics;
    const old = this.entries.get(key);
    if (old) this.remove(key, old, 'replaced');
    const size = key.length + value.length + ENTRY_OVERHEAD;
    const { maxSizeBytes, maxSizeItems } = this.opts;
    if (maxSizeBytes > 0 && size > maxSizeBytes) {
      if (old) m?.embeddedEvicted.inc({ cache: this.name, reason: 'too_big' });
      this.report();
      return;
    }
    while (
      (maxSizeBytes > 0 && this.bytes + size > maxSizeBytes) ||
      (maxSizeItems > 0 && this.entries.size >= maxSizeItems)
    ) {
      const oldest = this.entries.entries().next();
      if (oldest.done) break;
      this.remove(oldest.value[0], oldest.value[1], 'full');
    }
    this.entries.set(key, { value, size, updated: this.now() });
    this.bytes += size;
    if (!old) m?.embeddedAdded.inc({ cache: this.name });
    this.report();
  }

  private expired(e: Entry, now: number): boolean {
    return this.opts.ttlMs > 0 && now - e.updated > this.opts.ttlMs;
  }

  private remove(key: string, e: Entry, reason: string): void {
    this.entries.delete(key);
    this.bytes -= e.size;
    this.opts.metrics?.embeddedEvicted.inc({ cache: this.name, reason });
    this.report();
  }

  /** Drops every expired entry (Loki's purge job). */
  purgeExpired(): void {
    const now = this.now();
    for (const [key, e] of this.entries) if (this.expired(e, now)) this.remove(key, e, 'expired');
  }

  private report(): void {
    const m = this.opts.metrics;
    if (!m) return;
    m.embeddedEntries.set({ cache: this.name }, this.entries.size);
    m.embeddedBytes.set({ cache: this.name }, this.bytes);
  }
}

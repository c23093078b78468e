// Loki's instrumented cache: request durations by method and status, keys
// fetched and found, value sizes. A failed request is recorded with status
// 500 and its error passed on.
import type { Cache } from './cache.js';
import type { CacheMetrics } from './metrics.js';

export class InstrumentedCache implements Cache {
  readonly name: string;

  constructor(
    private readonly inner: Cache,
    private readonly metrics: CacheMetrics,
  ) {
    this.name = inner.name;
  }

  async fetch(keys: readonly string[], signal?: AbortSignal): Promise<Map<string, Buffer>> {
    const name = this.name;
    const end = this.metrics.requestDuration.startTimer({ name, method: `${name}.fetch` });
    this.metrics.fetchedKeys.inc({ name }, keys.length);
    try {
      const found = await this.inner.fetch(keys, signal);
      end({ status_code: '200' });
      this.metrics.hits.inc({ name }, found.size);
      for (const v of found.values()) this.metrics.valueSize.observe({ name, method: 'fetch' }, v.length);
      return found;
    } catch (err) {
      end({ status_code: '500' });
      throw err;
    }
  }

  async store(entries: ReadonlyArray<readonly [string, Buffer]>): Promise<void> {
    const name = this.name;
    for (const [, v] of entries) this.metrics.valueSize.observe({ name, method: 'store' }, v.length);
    const end = this.metrics.requestDuration.startTimer({ name, method: `${name}.store` });
    try {
      await this.inner.store(entries);
      end({ status_code: '200' });
    } catch (err) {
      end({ status_code: '500' });
      throw err;
    }
  }

  stop(): Promise<void> {
    return this.inner.stop();
  }
}

/**
 * Loki's tiered cache (embedded cache and memcached both configured): reads
 * try each level in order and ask the next only for what is still missing;
 * what a later level finds is stored in the earlier ones (so the embedded
 * cache fills from memcached); writes go to every level.
 */
export class TieredCache implements Cache {
  readonly name: string;

  constructor(
    private readonly levels: readonly Cache[],
    name?: string,
  ) {
    this.name = name ?? levels.map((l) => l.name).join('+');
  }

  async fetch(keys: readonly string[], signal?: AbortSignal): Promise<Map<string, Buffer>> {
    const found = new Map<string, Buffer>();
    let missing = [...keys];
    for (let i = 0; i < this.levels.length; i++) {
      if (missing.length === 0) break;
      let got: Map<string, Buffer>;
      try {
        got = await this.levels[i]!.fetch(missing, signal);
      } catch {
        // One level failing leaves the others useful.
        continue;
      }
      if (i > 0 && got.size > 0) {
        const entries = [...got];
        // A failed back-fill only costs a later miss in that level.
        await Promise.allSettled(this.levels.slice(0, i).map((l) => l.store(entries)));
      }
      for (const [k, v] of got) found.set(k, v);
      missing = missing.filter((k) => !got.has(k));
    }
    return found;
  }

  async store(entries: ReadonlyArray<readonly [string, Buffer]>): Promise<void> {
    const results = await Promise.allSettled(this.levels.map((l) => l.store(entries)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  async stop(): Promise<void> {
    await Promise.all(this.levels.map((l) => l.stop()));
  }
}

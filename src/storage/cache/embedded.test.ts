import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { EmbeddedCache } from './embedded.js';
import { CacheMetrics } from './metrics.js';

const buf = (n: number) => Buffer.alloc(n, 1);

describe('embedded cache', () => {
  it('evicts the least recently used entries when max_size_mb is reached', async () => {
    const c = new EmbeddedCache({ name: 't', maxSizeBytes: 3 * 1200, maxSizeItems: 0, ttlMs: 0 });
    await c.store([
      ['a', buf(1000)],
      ['b', buf(1000)],
      ['c', buf(1000)],
    ]);
    await c.fetch(['a']); // a is now the most recent
    await c.store([['d', buf(1000)]]);
    const found = await c.fetch(['a', 'b', 'c', 'd']);
    assert.deepEqual([...found.keys()].sort(), ['a', 'c', 'd']);
    assert.ok(c.sizeBytes <= 3 * 1200);
    await c.stop();
  });

  it('keeps at most max_size_items entries', async () => {
    const c = new EmbeddedCache({ name: 't', maxSizeBytes: 0, maxSizeItems: 2, ttlMs: 0 });
    await c.store([
      ['a', buf(1)],
      ['b', buf(1)],
      ['c', buf(1)],
    ]);
    assert.deepEqual([...(await c.fetch(['a', 'b', 'c'])).keys()], ['b', 'c']);
    await c.stop();
  });

  it('does not keep a value larger than the whole cache', async () => {
    const c = new EmbeddedCache({ name: 't', maxSizeBytes: 500, maxSizeItems: 0, ttlMs: 0 });
    await c.store([['big', buf(1000)]]);
    assert.equal(c.size, 0);
    await c.stop();
  });

  it('forgets entries older than the TTL, on read and on purge', async () => {
    let now = 0;
    const c = new EmbeddedCache({ name: 't', maxSizeBytes: 1e6, maxSizeItems: 0, ttlMs: 1000, now: () => now });
    await c.store([
      ['a', buf(1)],
      ['b', buf(1)],
    ]);
    now = 500;
    assert.equal((await c.fetch(['a'])).size, 1);
    now = 1001;
    assert.equal((await c.fetch(['a'])).size, 0);
    c.purgeExpired();
    assert.equal(c.size, 0);
    await c.stop();
  });

  it("reports Loki's embedded cache metrics", async () => {
    const registry = new Registry();
    const c = new EmbeddedCache({
      name: 'frontend.embedded-cache',
      maxSizeBytes: 0,
      maxSizeItems: 1,
      ttlMs: 0,
      metrics: CacheMetrics.for(registry),
    });
    await c.store([
      ['a', buf(1)],
      ['b', buf(1)],
    ]);
    const text = await registry.metrics();
    assert.match(text, /loki_embeddedcache_added_new_total\{cache="frontend.embedded-cache"\} 2/);
    assert.match(text, /loki_embeddedcache_evicted_total\{cache="frontend.embedded-cache",reason="full"\} 1/);
    assert.match(text, /loki_embeddedcache_entries\{cache="frontend.embedded-cache"\} 1/);
    await c.stop();
  });
});

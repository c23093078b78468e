import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { BackgroundCache } from './background.js';
import type { Cache } from './cache.js';
import { EmbeddedCache } from './embedded.js';
import { TieredCache } from './instrumented.js';
import { CacheMetrics } from './metrics.js';

/** A cache whose stores wait until the test lets them finish. */
class GatedCache implements Cache {
  readonly name = 'gated';
  stored: string[] = [];
  inFlight = 0;
  maxInFlight = 0;
  private gates: Array<() => void> = [];
  async fetch(): Promise<Map<string, Buffer>> {
    return new Map();
  }
  async store(entries: ReadonlyArray<readonly [string, Buffer]>): Promise<void> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise<void>((r) => this.gates.push(r));
    this.inFlight--;
    for (const [k] of entries) this.stored.push(k);
  }
  openAll(): void {
    for (const g of this.gates.splice(0)) g();
  }
  async stop(): Promise<void> {}
}

const entry = (k: string, size: number): [string, Buffer] => [k, Buffer.alloc(size)];

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 2000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 1));
  }
}

describe('background write-back', () => {
  it('returns before the write and writes with at most writeback_goroutines at once', async () => {
    const inner = new GatedCache();
    const bg = new BackgroundCache(inner, { concurrency: 2, maxBatches: 100, maxBytes: 1e6 });
    for (let i = 0; i < 5; i++) await bg.store([entry(`k${i}`, 10)]);
    assert.equal(inner.stored.length, 0, 'store returned before anything was written');
    while (inner.stored.length < 5) {
      await until(() => inner.inFlight > 0);
      inner.openAll();
      await new Promise((r) => setImmediate(r));
    }
    await bg.drained();
    assert.equal(inner.maxInFlight, 2);
    assert.deepEqual(inner.stored.sort(), ['k0', 'k1', 'k2', 'k3', 'k4']);
  });

  it('drops and counts what does not fit in writeback_size_limit or writeback_buffer', async () => {
    const registry = new Registry();
    const inner = new GatedCache();
    const bg = new BackgroundCache(inner, {
      concurrency: 1,
      maxBatches: 2,
      maxBytes: 250,
      metrics: CacheMetrics.for(registry),
    });
    await bg.store([entry('a', 100)]); // taken by the worker at once
    await bg.store([entry('b', 100)]);
    await bg.store([entry('c', 100)]);
    await bg.store([entry('d', 100)]); // over 250 bytes queued
    await until(() => inner.inFlight === 1);
    const text = await registry.metrics();
    assert.match(text, /loki_cache_dropped_background_writes_total\{name="gated"\} 1/);
    assert.match(text, /loki_cache_dropped_background_writes_bytes_total\{name="gated"\} 100/);
    assert.match(text, /loki_cache_background_queue_length\{name="gated"\} 2/);
    for (let i = 0; i < 3; i++) {
      inner.openAll();
      await new Promise((r) => setTimeout(r, 1));
    }
    await until(() => inner.stored.length === 3);
    assert.deepEqual(inner.stored, ['a', 'b', 'c']);
    inner.openAll();
    await bg.stop();
  });
});

describe('tiered cache', () => {
  it('fills the first level with what the second found', async () => {
    const l1 = new EmbeddedCache({ name: 'l1', maxSizeBytes: 1e6, maxSizeItems: 0, ttlMs: 0 });
    const l2 = new EmbeddedCache({ name: 'l2', maxSizeBytes: 1e6, maxSizeItems: 0, ttlMs: 0 });
    await l2.store([['k', Buffer.from('v')]]);
    const tiered = new TieredCache([l1, l2], 'chunkstiered');
    assert.equal(tiered.name, 'chunkstiered');
    assert.equal((await tiered.fetch(['k', 'absent'])).get('k')?.toString(), 'v');
    assert.equal((await l1.fetch(['k'])).get('k')?.toString(), 'v');
  });
});

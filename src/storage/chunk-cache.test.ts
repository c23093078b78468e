import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MessageChannel } from 'node:worker_threads';
import { Registry } from 'prom-client';
import { defaultConfig } from '../config/index.js';
import { type Cache, hashKey } from './cache/cache.js';
import { EmbeddedCache } from './cache/embedded.js';
import { ChunkCache, type ChunkCacheClient, createChunkCache } from './chunk-cache.js';
import { PortChunkCache, serveChunkCache } from './chunk-cache-port.js';
import type { ChunkRef } from './index/index-file.js';
import { Schema } from './index/schema.js';
import { InMemoryObjectClient } from './objstore/memory.js';
import { Store } from './store.js';

/** An object client that counts reads and writes. */
class CountingClient extends InMemoryObjectClient {
  gets = 0;
  puts = 0;
  override async getObject(key: string, signal?: AbortSignal): Promise<Buffer> {
    this.gets++;
    return super.getObject(key, signal);
  }
  override async putObject(key: string, body: Buffer): Promise<void> {
    this.puts++;
    return super.putObject(key, body);
  }
}

/** A cache recording each fetch call's keys. */
class RecordingCache implements Cache {
  readonly name = 'recording';
  readonly inner = new EmbeddedCache({ name: 'recording', maxSizeBytes: 1e7, maxSizeItems: 0, ttlMs: 0 });
  fetches: string[][] = [];
  stores: string[] = [];
  failing = false;
  async fetch(keys: readonly string[]): Promise<Map<string, Buffer>> {
    this.fetches.push([...keys]);
    if (this.failing) throw new Error('cache down');
    return this.inner.fetch(keys);
  }
  async store(entries: ReadonlyArray<readonly [string, Buffer]>): Promise<void> {
    for (const [k] of entries) this.stores.push(k);
    if (this.failing) throw new Error('cache down');
    await this.inner.store(entries);
  }
  async stop(): Promise<void> {}
}

function storeWith(chunkCache: ChunkCacheClient | null, client = new CountingClient()): Store {
  return new Store({
    schema: new Schema([
      {
        fromMs: 0,
        store: 'tsdb',
        objectStore: 'memory',
        schema: 'v13',
        indexPrefix: 'index_',
        indexPeriodMs: 86_400_000,
      },
    ]),
    clients: new Map([['memory', client]]),
    nodeName: 'test',
    index: { listTtlMs: 0, cacheBytes: 1 << 20 },
    chunkCache,
  });
}

const NOW = 1_700_000_000_000;
const HOUR = 3_600_000;

async function put(store: Store, n: number, fromMs = NOW - HOUR): Promise<{ ref: ChunkRef; body: Buffer }> {
  const body = Buffer.from(`chunk body ${n} `.repeat(50));
  const { ref } = await store.putChunk(
    't',
    'fp',
    body,
    BigInt(fromMs) * 1_000_000n + BigInt(n),
    BigInt(fromMs + 1000) * 1_000_000n,
    1,
    body.length,
  );
  return { ref, body };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('chunk cache', () => {
  it('reads a chunk from the object store once, then from the cache', async () => {
    const l1 = new RecordingCache();
    const client = new CountingClient();
    const store = storeWith(new ChunkCache({ l1, now: () => NOW }), client);
    const { ref, body } = await put(store, 1);
    await l1.inner.stop(); // forgets the flush's write-through: this test is about reads
    const first = await store.getChunk('t', 'fp', ref);
    assert.deepEqual(first, body);
    assert.equal(client.gets, 1);
    await settle();
    const second = await store.getChunk('t', 'fp', ref);
    assert.deepEqual(second, body);
    assert.equal(client.gets, 1, 'the second read came from the cache');
    assert.equal(l1.stores.length, 2, 'written through on flush, then back after the read');
  });

  it('writes flushed chunks through, and does not upload a chunk the cache already holds', async () => {
    const registry = new Registry();
    const l1 = new RecordingCache();
    const client = new CountingClient();
    const store = storeWith(new ChunkCache({ l1, registry, now: () => NOW }), client);
    const { ref } = await put(store, 2);
    assert.equal(client.puts, 1);
    assert.equal(l1.stores.length, 1);
    await store.getChunk('t', 'fp', ref);
    assert.equal(client.gets, 0, 'the flushed chunk is read from the cache');
    // Another replica flushing the same chunk finds it in the shared cache.
    await put(store, 2);
    assert.equal(client.puts, 1);
    const text = await registry.metrics();
    assert.match(text, /loki_chunk_store_deduped_chunks_total 1/);
    assert.match(text, /loki_chunk_fetcher_fetched_size_bytes_count\{source="cache"\} 1/);
  });

  it('gathers the chunks opened in one turn of the event loop into one cache fetch', async () => {
    const l1 = new RecordingCache();
    const store = storeWith(new ChunkCache({ l1, now: () => NOW }));
    const refs = [];
    for (let i = 0; i < 10; i++) refs.push((await put(store, 100 + i)).ref);
    l1.fetches = [];
    const bodies = await Promise.all([...refs, refs[0]!].map((r) => store.getChunk('t', 'fp', r)));
    assert.equal(bodies.length, 11);
    assert.equal(l1.fetches.length, 1);
    assert.equal(l1.fetches[0]!.length, 10, 'a chunk asked twice is fetched once');
  });

  it('never uses a cached value that does not match the checksum in its key', async () => {
    const registry = new Registry();
    const l1 = new RecordingCache();
    const client = new CountingClient();
    const store = storeWith(new ChunkCache({ l1, registry, now: () => NOW }), client);
    const { ref, body } = await put(store, 3);
    const key = hashKey(`t/fp/${ref.fromMs.toString(16)}:${ref.throughMs.toString(16)}:${ref.checksum.toString(16)}`);
    assert.ok((await l1.inner.fetch([key])).has(key), 'the key is hashKey(chunk key)');
    await l1.inner.store([[key, Buffer.from('garbage')]]);
    assert.deepEqual(await store.getChunk('t', 'fp', ref), body);
    assert.equal(client.gets, 1);
    assert.match(await registry.metrics(), /loki_cache_corrupt_chunks_total 1/);
  });

  it('reads from the object store when the cache fails', async () => {
    const l1 = new RecordingCache();
    const client = new CountingClient();
    const store = storeWith(new ChunkCache({ l1, now: () => NOW }), client);
    const { ref, body } = await put(store, 4);
    l1.failing = true;
    assert.deepEqual(await store.getChunk('t', 'fp', ref), body);
    assert.equal(client.gets, 1);
  });

  it('keeps chunks past l2_chunk_cache_handoff in L2 and skips those past skip_query_writeback_cache_older_than', async () => {
    const l1 = new RecordingCache();
    const l2 = new RecordingCache();
    const cache = new ChunkCache({ l1, l2, l2HandoffMs: 10 * HOUR, skipOlderThanMs: 100 * HOUR, now: () => NOW });
    const body = Buffer.from('x');
    cache.store('young', NOW - HOUR, body);
    cache.store('old', NOW - 20 * HOUR, body);
    cache.store('ancient', NOW - 200 * HOUR, body);
    await settle();
    assert.deepEqual(l1.stores, [hashKey('young')]);
    assert.deepEqual(l2.stores, [hashKey('old')]);
    const got = await Promise.all([
      cache.fetch('young', NOW - HOUR),
      // Within 10% past the handoff L1 is still asked.
      cache.fetch('border', NOW - 10.5 * HOUR),
      cache.fetch('old', NOW - 20 * HOUR),
      cache.fetch('ancient', NOW - 200 * HOUR),
    ]);
    assert.deepEqual(
      got.map((b) => b?.toString() ?? null),
      ['x', null, 'x', null],
    );
    assert.deepEqual(l1.fetches, [[hashKey('young'), hashKey('border')]]);
    assert.deepEqual(l2.fetches, [[hashKey('old')]]);
  });

  it('gives up waiting when the query is cancelled', async () => {
    let release!: () => void;
    const slow: Cache = {
      name: 'slow',
      fetch: () =>
        new Promise((r) => {
          release = () => r(new Map());
        }),
      store: async () => undefined,
      stop: async () => undefined,
    };
    const cache = new ChunkCache({ l1: slow, now: () => NOW });
    const ac = new AbortController();
    const pending = cache.fetch('k', NOW, ac.signal);
    await settle();
    ac.abort(new Error('query cancelled'));
    await assert.rejects(pending, /query cancelled/);
    release();
  });

  it('serves a worker thread over a message port', async () => {
    const registry = new Registry();
    const l1 = new RecordingCache();
    const main = new ChunkCache({ l1, registry, now: () => NOW });
    const { port1, port2 } = new MessageChannel();
    serveChunkCache(main, port1);
    const worker = new PortChunkCache(port2);
    const client = new CountingClient();
    const writer = storeWith(null, client);
    const { ref, body } = await put(writer, 5);
    const reader = storeWith(worker, client);
    assert.deepEqual(await reader.getChunk('t', 'fp', ref), body);
    assert.equal(client.gets, 1);
    // The worker's write-back reaches the main thread's cache.
    const deadline = Date.now() + 2000;
    while (l1.stores.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    assert.deepEqual(await reader.getChunk('t', 'fp', ref), body);
    assert.equal(client.gets, 1, 'the second read was a hit in the main thread’s cache');
    await worker.stop();
    assert.equal(await worker.fetch('after stop', NOW), null);
    port1.close();
  });

  it('is built from chunk_store_config with Loki’s cache names', async () => {
    const registry = new Registry();
    const cfg = defaultConfig();
    cfg.chunk_store_config.chunk_cache_config.embedded_cache.enabled = true;
    const cache = createChunkCache(cfg, { registry })!;
    assert.deepEqual(
      cache.levels.map((c) => c.name),
      ['chunksembedded-cache'],
    );
    cache.store('k', Date.now(), Buffer.from('v'));
    assert.equal((await cache.fetch('k', Date.now()))?.toString(), 'v');
    const text = await registry.metrics();
    assert.match(text, /loki_cache_hits\{name="chunksembedded-cache"\} 1/);
    assert.match(text, /loki_embeddedcache_entries\{cache="chunksembedded-cache"\} 1/);
    await cache.stop();

    const none = defaultConfig();
    none.chunk_store_config.chunk_cache_config.embedded_cache.enabled = false;
    assert.equal(createChunkCache(none), null);
  });
});

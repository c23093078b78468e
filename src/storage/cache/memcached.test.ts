import assert from 'node:assert/strict';
import { type AddressInfo, createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { type DnsTestServer, startDnsServer } from '../../testing/dns-server.js';
import { type MemcachedTestServer, startMemcached } from '../../testing/memcached.js';
import { hashKey } from './cache.js';
import { serverEntries } from './discovery.js';
import { SystemDns } from './dns.js';
import { MemcachedCache } from './memcached.js';
import { jumpHash, MemcachedClient, parseGetReply } from './memcached-client.js';
import { CacheMetrics } from './metrics.js';

function fnv64aReference(s: string): string {
  let h = 0xcbf29ce484222325n;
  for (const b of Buffer.from(s, 'utf8')) {
    h ^= BigInt(b);
    h = BigInt.asUintN(64, h * 0x100000001b3n);
  }
  return h.toString(16).padStart(16, '0');
}

describe('cache keys', () => {
  it('are FNV-1a 64 of the key in hex, as Loki hashes them', () => {
    assert.equal(hashKey(''), 'cbf29ce484222325');
    assert.equal(hashKey('a'), 'af63dc4c8601ec8c');
    for (const k of ['tenant:sum(rate({a="b"}[1m])):60000:473000:3600000', 'ünïcode ☃', 'x'.repeat(500)])
      assert.equal(hashKey(k), fnv64aReference(k));
  });
});

describe('memcached protocol', () => {
  it('reads a multi-get reply however the bytes are cut', () => {
    const reply = Buffer.from('VALUE k1 0 5\r\nhello\r\nVALUE k2 0 7\r\nwo\r\nrld\r\nEND\r\n');
    for (let cut = 0; cut < reply.length; cut++) {
      if (cut < reply.length - 1) assert.equal(parseGetReply(reply.subarray(0, cut)), null);
    }
    const done = parseGetReply(reply)!;
    assert.equal(done.used, reply.length);
    assert.equal(done.value.get('k1')!.toString(), 'hello');
    assert.equal(done.value.get('k2')!.toString(), 'wo\r\nrld');
  });

  it('turns an error reply into an error', () => {
    assert.throws(() => parseGetReply(Buffer.from('SERVER_ERROR out of memory\r\n')), /out of memory/);
  });

  it('spreads keys over servers by jump hash and moves few keys when a server is added', () => {
    const keys = Array.from({ length: 2000 }, (_, i) => BigInt(`0x${hashKey(`k${i}`)}`));
    const counts = [0, 0, 0, 0];
    for (const k of keys) counts[jumpHash(k, 4)]!++;
    for (const c of counts) assert.ok(c > 400 && c < 600, `uneven spread ${counts}`);
    const moved = keys.filter((k) => jumpHash(k, 4) !== jumpHash(k, 5)).length;
    assert.ok(moved < 2000 * 0.3, `${moved} keys moved`);
  });
});

describe('memcached cache against a real memcached', () => {
  let servers: MemcachedTestServer[];

  before(async () => {
    servers = [await startMemcached(), await startMemcached()];
  });
  after(async () => {
    for (const s of servers) await s.stop();
  });

  const options = (addresses: string[]) => ({
    name: 'frontend.memcache',
    servers: addresses,
    timeoutMs: 500,
    maxIdleConns: 4,
    consistentHash: true,
    breakerFailures: 2,
    breakerTimeoutMs: 60_000,
    batchSize: 4,
    parallelism: 3,
    expirationSec: 3600,
    maxItemSize: 0,
  });

  it('stores and fetches many keys in batches over two servers', async () => {
    const registry = new Registry();
    const cache = new MemcachedCache({
      ...options(servers.map((s) => s.address)),
      metrics: CacheMetrics.for(registry),
    });
    const entries = Array.from({ length: 30 }, (_, i): [string, Buffer] => [
      hashKey(`key ${i}`),
      Buffer.from(`value ${i}`),
    ]);
    await cache.store(entries);
    const found = await cache.fetch([...entries.map(([k]) => k), hashKey('absent')]);
    assert.equal(found.size, 30);
    for (const [k, v] of entries) assert.deepEqual(found.get(k), v);
    const stats = await Promise.all(servers.map((s) => s.stats()));
    assert.equal(stats[0]!.curr_items! + stats[1]!.curr_items!, 30);
    assert.ok(stats[0]!.curr_items! > 0 && stats[1]!.curr_items! > 0, 'keys spread over both servers');
    const text = await registry.metrics();
    assert.match(
      text,
      /loki_memcache_request_duration_seconds_count\{name="frontend.memcache",method="Memcache.GetBatched",status_code="200"\} 1/,
    );
    assert.match(text, /loki_memcache_client_servers\{name="frontend.memcache"\} 2/);
    await cache.stop();
  });

  it('stores binary values larger than one network read', async () => {
    const client = new MemcachedClient(options([servers[0]!.address]));
    const big = Buffer.alloc(600_000);
    for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 0xff;
    await client.set('big', big, 60);
    assert.deepEqual((await client.getMulti(['big'])).get('big'), big);
    client.close();
  });

  it('skips values over max_item_size', async () => {
    const registry = new Registry();
    const cache = new MemcachedCache({
      ...options([servers[0]!.address]),
      maxItemSize: 10,
      metrics: CacheMetrics.for(registry),
    });
    await cache.store([[hashKey('too big'), Buffer.alloc(11)]]);
    assert.equal((await cache.fetch([hashKey('too big')])).size, 0);
    assert.match(await registry.metrics(), /loki_memcache_client_set_skip_total\{name="frontend.memcache"\} 1/);
    await cache.stop();
  });

  it('answers from the live server when another is stopped', async () => {
    const dead = await startMemcached();
    const cache = new MemcachedCache({ ...options([dead.address, servers[0]!.address]), batchSize: 0 });
    const keys = Array.from({ length: 20 }, (_, i) => hashKey(`live ${i}`));
    await cache.store(keys.map((k): [string, Buffer] => [k, Buffer.from(k)]));
    await dead.stop();
    const found = await cache.fetch(keys);
    assert.ok(found.size > 0 && found.size < 20, `found ${found.size}`);
    await cache.stop();
  });

  it('stops waiting for a server that hangs once its circuit breaker opens', async () => {
    // A server that accepts connections and never answers: every request runs into the timeout.
    const silent = createServer((socket) => socket.on('data', () => undefined));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as AddressInfo).port;
    const client = new MemcachedClient({ ...options([`127.0.0.1:${port}`]), timeoutMs: 100 });
    for (let i = 0; i < 3; i++) await assert.rejects(client.getMulti(['a']), /timed out/);
    const started = performance.now();
    await assert.rejects(client.getMulti(['a']), /circuit breaker is open/);
    assert.ok(performance.now() - started < 50);
    client.close();
    silent.close();
  });

  it('forgets failures older than circuit_breaker_interval while the breaker is closed', async () => {
    // A port nobody listens on: every request fails at once with a refused connection.
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const client = new MemcachedClient({ ...options([`127.0.0.1:${port}`]), breakerIntervalMs: 150 });
    const refused = () => assert.rejects(client.getMulti(['a']), /ECONNREFUSED/);
    await refused();
    await refused();
    await new Promise((r) => setTimeout(r, 200));
    // Two failures in the new interval stay within breakerFailures (2); a third opens the breaker.
    await refused();
    await refused();
    await refused();
    await assert.rejects(client.getMulti(['a']), /circuit breaker is open/);
    client.close();
  });

  it('changes its server list in place: kept servers keep working, removed ones are closed, none means all-miss', async () => {
    const [a, b] = servers.map((x) => x.address) as [string, string];
    const client = new MemcachedClient({ ...options([a]), servers: [] });
    assert.deepEqual(await client.getMulti(['k']), new Map());
    await client.set('k', Buffer.from('dropped'), 60);
    client.setServers([b, a, a]);
    assert.deepEqual(client.addresses, [a, b].sort());
    const keys = Array.from({ length: 20 }, (_, i) => hashKey(`in place ${i}`));
    for (const k of keys) await client.set(k, Buffer.from(k), 60);
    const before = await servers[1]!.stats();
    client.setServers([a]);
    // Keys on the removed server now miss; keys on the kept one are still found.
    const found = await client.getMulti(keys);
    assert.ok(found.size > 0 && found.size < keys.length, `found ${found.size}`);
    // memcached notices the closed connections on its own threads: wait for its count to drop.
    const deadline = Date.now() + 2000;
    let afterRemoval = await servers[1]!.stats();
    while (afterRemoval.curr_connections! >= before.curr_connections! && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
      afterRemoval = await servers[1]!.stats();
    }
    assert.ok(afterRemoval.curr_connections! < before.curr_connections!, 'the removed server’s connections closed');
    client.setServers([]);
    assert.equal((await client.getMulti(keys)).size, 0);
    client.close();
  });
});

describe('memcached servers discovered through a real DNS server', () => {
  let memcached: MemcachedTestServer[];
  let dnsServer: DnsTestServer;

  before(async () => {
    memcached = [await startMemcached(), await startMemcached()];
    dnsServer = await startDnsServer({
      hosts: [{ name: 'mc-0.cache.skald.test', addresses: ['127.0.0.1'] }],
      srv: [
        { name: '_memcached-client._tcp.cache.skald.test', target: 'mc-0.cache.skald.test', port: memcached[0]!.port },
      ],
    });
  });
  after(async () => {
    await dnsServer?.stop();
    for (const m of memcached ?? []) await m.stop();
  });

  it('misses until the first lookup answers, then follows the SRV records as they change', async () => {
    const registry = new Registry();
    const dns = new SystemDns({ servers: [dnsServer.address], resolvConf: { search: [], ndots: 1 }, timeoutMs: 500 });
    const cache = new MemcachedCache({
      name: 'chunksmemcache',
      clientName: 'chunks',
      servers: [],
      lookup: dns.connectLookup,
      discovery: {
        entries: serverEntries({
          addresses: 'dnssrvnoa+_memcached-client._tcp.cache.skald.test',
          host: '',
          service: '',
        }),
        dns,
        intervalMs: 0,
      },
      timeoutMs: 500,
      maxIdleConns: 4,
      consistentHash: true,
      breakerFailures: 10,
      breakerTimeoutMs: 10_000,
      batchSize: 4,
      parallelism: 2,
      expirationSec: 600,
      maxItemSize: 0,
      metrics: CacheMetrics.for(registry),
    });
    // Nothing resolved yet: a miss, not an error.
    assert.equal((await cache.fetch([hashKey('x')])).size, 0);
    await cache.discovery!.refresh();
    assert.deepEqual(cache.client.addresses, [`mc-0.cache.skald.test:${memcached[0]!.port}`]);
    await cache.store([[hashKey('x'), Buffer.from('one')]]);
    assert.equal((await cache.fetch([hashKey('x')])).get(hashKey('x'))?.toString(), 'one');
    assert.equal((await memcached[0]!.stats()).curr_items, 1);

    await dnsServer.setRecords({
      hosts: [
        { name: 'mc-0.cache.skald.test', addresses: ['127.0.0.1'] },
        { name: 'mc-1.cache.skald.test', addresses: ['127.0.0.1'] },
      ],
      srv: [
        { name: '_memcached-client._tcp.cache.skald.test', target: 'mc-0.cache.skald.test', port: memcached[0]!.port },
        { name: '_memcached-client._tcp.cache.skald.test', target: 'mc-1.cache.skald.test', port: memcached[1]!.port },
      ],
    });
    await cache.discovery!.refresh();
    assert.equal(cache.client.serverCount, 2);
    const entries = Array.from({ length: 20 }, (_, i): [string, Buffer] => [hashKey(`d${i}`), Buffer.from(`v${i}`)]);
    await cache.store(entries);
    assert.ok((await memcached[1]!.stats()).curr_items! > 0, 'the new server takes keys');

    // The DNS server down: the list found before stays.
    await dnsServer.halt();
    await cache.discovery!.refresh();
    assert.equal(cache.client.serverCount, 2);
    assert.equal((await cache.fetch(entries.map(([k]) => k))).size, 20);
    await dnsServer.resume();

    const text = await registry.metrics();
    assert.match(text, /loki_memcache_client_servers\{name="chunks"\} 2/);
    assert.match(text, /loki_dns_failures_total\{name="chunks"\} 1/);
    await cache.stop();
  });
});

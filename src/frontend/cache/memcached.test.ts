import assert from 'node:assert/strict';
import { type AddressInfo, createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { type MemcachedTestServer, startMemcached } from '../../testing/memcached.js';
import { hashKey } from './cache.js';
import { memcachedServers } from './create.js';
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

describe('memcached_client.addresses', () => {
  const client = (addresses: string, host = '') => ({
    host,
    service: 'memcached',
    addresses,
    timeout: 100,
    max_idle_conns: 16,
    max_item_size: 0,
    update_interval: 60_000,
    consistent_hash: true,
    circuit_breaker_consecutive_failures: 10,
    circuit_breaker_timeout: 10_000,
    circuit_breaker_interval: 10_000,
    tls_enabled: false,
    tls_cert_path: '',
    tls_key_path: '',
    tls_ca_path: '',
    tls_server_name: '',
    tls_insecure_skip_verify: false,
    tls_cipher_suites: '',
    tls_min_version: '',
  });

  it('takes a host:port list', () => {
    assert.deepEqual(memcachedServers(client('a:11211, dns+b:11212,[::1]:11213')), [
      'a:11211',
      'b:11212',
      '[::1]:11213',
    ]);
  });

  it('refuses DNS SRV discovery with an explanation', () => {
    assert.throws(() => memcachedServers(client('dnssrv+_memcached._tcp.mc')), /DNS SRV discovery .* not supported/);
    assert.throws(() => memcachedServers(client('', 'mc.svc')), /memcached_client.host: .*not supported/);
  });

  it('refuses an address without a port', () => {
    assert.throws(() => memcachedServers(client('localhost')), /expected host:port/);
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
});

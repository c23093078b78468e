// The chunk cache end to end: a Skald server whose chunk_store_config cache
// is a real memcached found through a real DNS server (dnsmasq serving the
// SRV and A records, Skald pointed at it with SKALD_DNS_SERVER), as the
// seed's Helm deployment finds its memcached with
// `dnssrvnoa+_memcached-client._tcp.<service>`. Flushed chunks are written
// through; a query reads the misses from the object store and writes them
// back; the same query again is answered from memcached (Skald's metrics and
// memcached's own counters say so), with the same result; with memcached
// stopped, queries still answer. Query worker threads read through the main
// thread's cache.
//
// Then the seed's own loki-config.yaml (the copy in src/config/testdata),
// adapted only where a test must (S3 on the local S3 server, loopback ports,
// gossip among the test's processes, shorter waits) and with its memcached
// service names served by the test's DNS server, starts as `-target=write`,
// `backend` and `read`: chunks the write node flushes reach the chunks-cache
// memcached and the read node reads them from there; metric results land in
// the results-cache memcached.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { type DnsTestServer, startDnsServer } from '../src/testing/dns-server.js';
import { type MemcachedTestServer, memcachedCommand, startMemcached } from '../src/testing/memcached.js';
import {
  S3_TEST_ACCESS_KEY_ID,
  S3_TEST_REGION,
  S3_TEST_SECRET_ACCESS_KEY,
  type S3TestServer,
  startS3Server,
} from '../src/testing/s3-server.js';
import { type Answer, get, pushProto, type StreamsResult, type TestStream } from './helpers/loki-client.js';
import { metricValue } from './helpers/metrics.js';
import { freePort, ROOT, type SkaldProcess, startSkald } from './helpers/skald-process.js';

const SEC = 1_000_000_000n;
const NOW_NS = BigInt(Date.now()) * 1_000_000n;
const ago = (sec: number) => NOW_NS - BigInt(sec) * SEC;

/**
 * Three streams over 50 minutes, five hours ago (older than
 * query_ingesters_within, so queries read the store): about 2 MB of
 * chunks, enough for the engine to hand stored chunks to its worker threads.
 */
function streams(): TestStream[] {
  let seed = 7;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed.toString(36);
  };
  return ['api', 'worker', 'db'].map((app) => {
    const entries = [];
    for (let i = 0; i < 12000; i++) {
      // Varied text, so that chunks do not compress to nothing.
      entries.push({
        ts: ago(5 * 3600) + BigInt(i) * (SEC / 4n),
        line: `level=${i % 10 === 0 ? 'error' : 'info'} app=${app} i=${i} r=${rand()}${rand()}${rand()}${rand()}${rand()}${rand()}${rand()}${rand()}${rand()}${rand()}${rand()}${rand()}`,
      });
    }
    return { labels: `{job="chunk-cache", app="${app}"}`, entries };
  });
}

/** Stored chunks a log query referenced (Loki's querier.store.totalChunksRef). */
function chunksReferenced(r: Answer<StreamsResult>): number {
  return (r.json.data.stats as { querier: { store: { totalChunksRef: number } } }).querier.store.totalChunksRef;
}

const RANGE = { start: String(ago(6 * 3600)), end: String(ago(3 * 3600)) };
const LOGS = { query: '{job="chunk-cache"} |= "level=error"', limit: '5000', ...RANGE };
const METRIC = { query: 'sum by (app) (count_over_time({job="chunk-cache"}[10m]))', step: '600', ...RANGE };

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('chunk cache on memcached found through DNS SRV records', { timeout: 120_000 }, () => {
  let memcached: MemcachedTestServer;
  let dns: DnsTestServer;
  let skald: SkaldProcess;
  const storeReads = () => metricValue(skald.url, 'loki_chunk_fetcher_fetched_size_bytes_count', { source: 'store' });
  const query = async (params: Record<string, string>): Promise<Answer<StreamsResult>> => {
    const r = await get<StreamsResult>(skald.url, '/loki/api/v1/query_range', params);
    assert.equal(r.status, 200, r.text);
    return r;
  };

  before(async () => {
    memcached = await startMemcached();
    dns = await startDnsServer({
      hosts: [{ name: 'chunks-cache-0.chunks-cache.skald.test', addresses: ['127.0.0.1'] }],
      srv: [
        {
          name: '_memcached-client._tcp.chunks-cache.skald.test',
          target: 'chunks-cache-0.chunks-cache.skald.test',
          port: memcached.port,
        },
      ],
    });
    skald = await startSkald({
      env: { SKALD_DNS_SERVER: dns.address, SKALD_QUERY_WORKERS: '2' },
      // One split per query: each query reads each chunk once, and its chunks are many enough for the workers.
      limits: { split_queries_by_interval: '24h' },
      extraConfig: `ingester:
  chunk_target_size: 32768
  chunk_block_size: 8192
chunk_store_config:
  chunk_cache_config:
    memcached:
      batch_size: 4
      parallelism: 3
    memcached_client:
      addresses: dnssrvnoa+_memcached-client._tcp.chunks-cache.skald.test
      timeout: 500ms
      # The outage below opens the breaker; a short one lets the test see the cache come back soon.
      circuit_breaker_timeout: 1s
`,
    });
    await waitFor('memcached discovered through DNS', async () => {
      return (await metricValue(skald.url, 'loki_memcache_client_servers', { name: 'chunks' })) === 1;
    });
    const r = await pushProto(skald.url, streams());
    assert.equal(r.status, 204, r.text);
  });
  after(async () => {
    await skald?.stop();
    await skald?.cleanup();
    await memcached?.stop();
    await dns?.stop();
  });

  it('writes flushed chunks through to memcached', async () => {
    assert.equal((await fetch(`${skald.url}/flush`, { method: 'POST' })).status, 204);
    const flushed = await metricValue(skald.url, 'loki_ingester_chunks_flushed_total');
    assert.ok(flushed >= 20, `${flushed} chunks flushed`);
    await waitFor('every flushed chunk in memcached', async () => (await memcached.stats()).curr_items === flushed);
    assert.equal(await storeReads(), 0);
  });

  it('reads misses from the object store, writes them back, and answers the same query from memcached', async (t) => {
    // Empty memcached: the first query must read every chunk from the object store.
    await memcachedCommand(memcached.port, 'flush_all', 'OK');
    const firstLogs = await query(LOGS);
    const chunks = chunksReferenced(firstLogs);
    assert.ok(chunks >= 20, `${chunks} chunks`);
    assert.equal(await storeReads(), chunks, 'every chunk was read from the object store once');
    assert.equal(firstLogs.json.data.result.length, 3);
    assert.equal(
      firstLogs.json.data.result.reduce((n, s) => n + s.values.length, 0),
      3600,
    );
    // Write-back happens after the answer, in the background.
    await waitFor('chunks written back to memcached', async () => (await memcached.stats()).curr_items! >= chunks);
    const firstMetric = await query(METRIC);
    assert.equal(await storeReads(), chunks, 'the metric query found every chunk in memcached');

    const before = await memcached.stats();
    const hits = () => metricValue(skald.url, 'loki_cache_hits', { name: 'chunksmemcache' });
    const hitsBefore = await hits();
    const secondLogs = await query(LOGS);
    assert.deepEqual(secondLogs.json.data.result, firstLogs.json.data.result);
    // Every chunk, whichever thread scanned it (most go to the two query workers), came from memcached.
    assert.equal((await hits()) - hitsBefore, chunks);
    const secondMetric = await query(METRIC);
    assert.deepEqual(secondMetric.json.data.result, firstMetric.json.data.result);
    assert.equal((await hits()) - hitsBefore, 2 * chunks);
    assert.equal(await storeReads(), chunks, 'no chunk was read from the object store again');

    const after = await memcached.stats();
    t.diagnostic(`${chunks} chunks read once from the object store, then from memcached`);
    assert.ok(after.get_hits! - before.get_hits! >= 2 * chunks, JSON.stringify(after));
    assert.ok(
      (await metricValue(skald.url, 'loki_chunk_fetcher_fetched_size_bytes_count', { source: 'cache' })) >= 3 * chunks,
    );
    const getMulti = await metricValue(skald.url, 'loki_memcache_request_duration_seconds_count', {
      name: 'chunks',
      method: 'Memcache.GetMulti',
      status_code: '200',
    });
    t.diagnostic(`memcached GetMulti requests: ${getMulti}`);
    assert.equal(await metricValue(skald.url, 'loki_dns_failures_total', { name: 'chunks' }), 0);
    assert.ok((await metricValue(skald.url, 'loki_dns_lookups_total', { name: 'chunks' })) >= 1);
  });

  it('keeps answering from the object store while memcached is down, and uses it again once it is back', async () => {
    const expected = await query(LOGS);
    const readsBefore = await storeReads();
    await memcached.halt();
    try {
      const down = await query(LOGS);
      assert.deepEqual(down.json.data.result, expected.json.data.result);
      assert.ok((await storeReads()) > readsBefore, 'the chunks came from the object store');
      const metric = await query(METRIC);
      assert.equal(metric.json.data.result.length, 3);
    } finally {
      await memcached.resume();
    }
    // The restarted memcached is empty: queries fill it again once the breaker lets requests through.
    const hits = () => metricValue(skald.url, 'loki_cache_hits', { name: 'chunksmemcache' });
    const hitsBefore = await hits();
    await waitFor('memcached used again', async () => {
      const again = await query(LOGS);
      assert.deepEqual(again.json.data.result, expected.json.data.result);
      return (await hits()) > hitsBefore;
    });
    assert.doesNotMatch(skald.logs(), /level=error/);
  });
});

/** The seed's Helm-rendered Loki configuration (a copy of the deployment's loki-config.yaml). */
const SEED = readFileSync(join(ROOT, 'src', 'config', 'testdata', 'helm-loki-config.yaml'), 'utf8');
const SEED_RUNTIME = readFileSync(join(ROOT, 'src', 'config', 'testdata', 'helm-runtime-config.yaml'), 'utf8');
const SEED_TENANT = 'seed-tenant';

type Yaml = Record<string, unknown>;
const at = (o: Yaml, ...path: string[]): Yaml => path.reduce((x, k) => x[k] as Yaml, o);

type Target = 'write' | 'read' | 'backend';

interface SeedNode {
  target: Target;
  url: string;
  child: ChildProcess;
  exited: Promise<unknown>;
  output: () => string;
}

describe("the seed's configuration as write, read and backend, caches on memcached behind DNS SRV", {
  timeout: 120_000,
}, () => {
  // One memcached per cache, as the chart deploys a chunks-cache and a results-cache StatefulSet.
  let chunksMemcached: MemcachedTestServer;
  let resultsMemcached: MemcachedTestServer;
  let dns: DnsTestServer;
  let s3: S3TestServer;
  let dir: string;
  const nodes = new Map<Target, SeedNode>();
  const node = (t: Target) => nodes.get(t)!;
  const ports = {} as Record<Target, { http: number; memberlist: number }>;

  /**
   * The seed's config changed only where a test must: S3 on the local S3 server, loopback
   * addresses and ports, its own directory, gossip among these processes, and shorter waits
   * (ingester min_ready_duration, index resync) so that the test does not sit out Loki's defaults.
   * The cache blocks, with the seed's memcached service names, are left exactly as rendered.
   */
  async function seedConfig(target: Target, joinMembers: string[]): Promise<string> {
    const seed = parse(SEED) as Yaml;
    const s3Block = (bucket: string) => ({
      endpoint: s3.endpoint,
      bucketnames: bucket,
      access_key_id: S3_TEST_ACCESS_KEY_ID,
      secret_access_key: S3_TEST_SECRET_ACCESS_KEY,
      region: S3_TEST_REGION,
      insecure: true,
      s3forcepathstyle: true,
    });
    const common = at(seed, 'common');
    common.path_prefix = join(dir, target);
    common.instance_addr = '127.0.0.1';
    common.compactor_address = `http://127.0.0.1:${ports.backend.http}`;
    at(common, 'storage').s3 = s3Block('xxx-loki-chunks');
    at(seed, 'ruler', 'storage').s3 = s3Block('xxx-loki-ruler');
    Object.assign(at(seed, 'server'), {
      http_listen_address: '127.0.0.1',
      http_listen_port: ports[target].http,
      grpc_listen_address: '127.0.0.1',
      grpc_listen_port: await freePort(),
      log_level: 'warn',
    });
    seed.memberlist = { bind_addr: ['127.0.0.1'], bind_port: ports[target].memberlist, join_members: joinMembers };
    seed.ingester = { lifecycler: { min_ready_duration: '0s' } };
    at(seed, 'storage_config', 'tsdb_shipper').resync_interval = '1s';
    const runtimeFile = join(dir, 'runtime-config.yaml');
    await writeFile(runtimeFile, SEED_RUNTIME);
    at(seed, 'runtime_config').file = runtimeFile;
    const file = join(dir, `loki-config-${target}.yaml`);
    await writeFile(file, stringify(seed));
    return file;
  }

  async function start(target: Target, joinMembers: string[]): Promise<void> {
    const file = await seedConfig(target, joinMembers);
    const child = spawn(
      process.execPath,
      [join(ROOT, 'bin', 'skald.js'), `-config.file=${file}`, `-target=${target}`],
      {
        cwd: dir,
        env: { ...process.env, SKALD_DNS_SERVER: dns.address, SKALD_QUERY_WORKERS: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout!.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.stderr!.on('data', (d: Buffer) => {
      output += d.toString();
    });
    const exited = new Promise((r) => child.once('exit', r));
    const url = `http://127.0.0.1:${ports[target].http}`;
    nodes.set(target, { target, url, child, exited, output: () => output });
    await waitFor(
      `the ${target} node to be ready`,
      async () => {
        if (child.exitCode !== null) throw new Error(`skald -target=${target} exited with ${child.exitCode}`);
        try {
          return (await fetch(`${url}/ready`)).status === 200;
        } catch {
          return false;
        }
      },
      30_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${output}`);
    });
  }

  before(async () => {
    const seed = parse(SEED) as Yaml;
    // The service names are the seed's own; the test's DNS server answers for them.
    const chunksAddr = at(seed, 'chunk_store_config', 'chunk_cache_config', 'memcached_client').addresses as string;
    const resultsAddr = at(seed, 'query_range', 'results_cache', 'cache', 'memcached_client').addresses as string;
    assert.match(chunksAddr, /^dnssrvnoa\+_memcached-client\._tcp\.loki-chunks-cache\.loki\.svc$/);
    assert.match(resultsAddr, /^dnssrvnoa\+_memcached-client\._tcp\.loki-results-cache\.loki\.svc$/);
    chunksMemcached = await startMemcached();
    resultsMemcached = await startMemcached();
    // As the chart's headless services answer: one SRV record per pod, naming the pod.
    dns = await startDnsServer({
      hosts: [
        { name: 'loki-chunks-cache-0.loki-chunks-cache.loki.svc', addresses: ['127.0.0.1'] },
        { name: 'loki-results-cache-0.loki-results-cache.loki.svc', addresses: ['127.0.0.1'] },
      ],
      srv: [
        {
          name: chunksAddr.slice('dnssrvnoa+'.length),
          target: 'loki-chunks-cache-0.loki-chunks-cache.loki.svc',
          port: chunksMemcached.port,
        },
        {
          name: resultsAddr.slice('dnssrvnoa+'.length),
          target: 'loki-results-cache-0.loki-results-cache.loki.svc',
          port: resultsMemcached.port,
        },
      ],
    });
    s3 = await startS3Server({ buckets: ['xxx-loki-chunks', 'xxx-loki-ruler'] });
    dir = await mkdtemp(join(tmpdir(), 'skald-seed-'));
    for (const t of ['write', 'read', 'backend'] as const)
      ports[t] = { http: await freePort(), memberlist: await freePort() };
    await start('write', []);
    const gossip = [`127.0.0.1:${ports.write.memberlist}`];
    await start('backend', gossip);
    await start('read', gossip);
  });
  after(async () => {
    for (const n of nodes.values()) {
      if (n.child.exitCode === null) n.child.kill('SIGTERM');
      await n.exited;
    }
    await s3?.stop();
    await chunksMemcached?.stop();
    await resultsMemcached?.stop();
    await dns?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('starts every target; the write and read nodes find their memcached through DNS', async () => {
    const servers = (t: Target, name: string) => metricValue(node(t).url, 'loki_memcache_client_servers', { name });
    await waitFor('the write node’s chunk cache server', async () => (await servers('write', 'chunks')) === 1);
    await waitFor('the read node’s chunk cache server', async () => (await servers('read', 'chunks')) === 1);
    await waitFor('the read node’s results cache server', async () => (await servers('read', 'frontend.')) === 1);
    for (const n of nodes.values()) assert.doesNotMatch(n.output(), /level=error/, `${n.target}:\n${n.output()}`);
  });

  it('writes chunks flushed by the write node through to memcached, where the read node finds them', async () => {
    const pushed = await pushProto(node('write').url, streams(), SEED_TENANT);
    assert.equal(pushed.status, 204, pushed.text);
    assert.equal((await fetch(`${node('write').url}/flush`, { method: 'POST' })).status, 204);
    const flushed = await metricValue(node('write').url, 'loki_ingester_chunks_flushed_total');
    assert.ok(flushed > 0, `${flushed} chunks flushed`);
    await waitFor('flushed chunks in memcached', async () => (await chunksMemcached.stats()).curr_items === flushed);

    const read = node('read').url;
    const logs = async () => {
      const r = await get<StreamsResult>(read, '/loki/api/v1/query_range', LOGS, SEED_TENANT);
      assert.equal(r.status, 200, r.text);
      return r;
    };
    // The read node lists the index the write node uploaded within its resync interval.
    let first = await logs();
    await waitFor('the flushed data through the read node', async () => {
      first = await logs();
      return first.json.data.result.length === 3;
    });
    assert.equal(
      first.json.data.result.reduce((n, s) => n + s.values.length, 0),
      3600,
    );
    assert.equal(
      await metricValue(read, 'loki_chunk_fetcher_fetched_size_bytes_count', { source: 'store' }),
      0,
      'no chunk was read from the object store',
    );
    assert.ok((await metricValue(read, 'loki_cache_hits', { name: 'chunksmemcache' })) >= flushed);
    assert.ok((await chunksMemcached.stats()).get_hits! >= flushed);
  });

  it('keeps metric query results in the results-cache memcached', async () => {
    const read = node('read').url;
    const metric = async () => {
      const r = await get<StreamsResult>(read, '/loki/api/v1/query_range', METRIC, SEED_TENANT);
      assert.equal(r.status, 200, r.text);
      return r;
    };
    const first = await metric();
    assert.equal(first.json.data.result.length, 3);
    await waitFor('results written to memcached', async () => (await resultsMemcached.stats()).curr_items! > 0);
    const hits = () => metricValue(read, 'loki_cache_hits', { name: 'frontend.memcache' });
    const before = await hits();
    const second = await metric();
    assert.deepEqual(second.json.data.result, first.json.data.result);
    assert.ok((await hits()) > before, 'the second query was answered from the results cache');
    assert.ok((await resultsMemcached.stats()).get_hits! > 0);
  });
});

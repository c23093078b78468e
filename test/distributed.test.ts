// Skald as Loki's SimpleScalable deployment: three `-target=write`, two
// `-target=read` and one `-target=backend` processes on loopback, each
// started from the seed's loki-config.yaml shape (S3 on a local S3 server,
// memberlist join_members pointing at the first write nodes), finding each
// other through the gossiped ring. Replication factor 3.
//
// Proves: the ring shows three ACTIVE ingesters; pushes through any write
// node are queryable through any read node while only in ingester memory
// (the whole conformance suite through a read node); a live tail through a
// read node sees lines pushed through a write node, once; with one write
// node killed (-9) pushes and queries go on, and it comes back with its
// tokens and its WAL; a write node stopped with SIGTERM flushes and leaves
// the ring, and its data is then read from object storage.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import {
  S3_TEST_ACCESS_KEY_ID,
  S3_TEST_REGION,
  S3_TEST_SECRET_ACCESS_KEY,
  type S3TestServer,
  startS3Server,
} from '../src/testing/s3-server.js';
import { caseIds, conformanceCheck, conformancePush } from './helpers/conformance.js';
import { pushProto, queryRange } from './helpers/loki-client.js';
import { freePort, ROOT } from './helpers/skald-process.js';
import { nowNs, openTail } from './helpers/tail-client.js';

const BIN = join(ROOT, 'bin', 'skald.js');
const CHUNKS_BUCKET = 'loki-chunks';
const RULER_BUCKET = 'loki-ruler';
const TENANT = 'dist';
const HEARTBEAT_TIMEOUT_S = 4;
const GLOBAL_RATE_TENANT = 'global-rate';

interface Ports {
  http: number;
  grpc: number;
  memberlist: number;
}

interface Node {
  name: string;
  target: 'write' | 'read' | 'backend';
  ports: Ports;
  url: string;
  child: ChildProcess | null;
  exited: Promise<number | null>;
  output: string;
}

/** The seed's configuration with local addresses, a local S3 server and short ring timings. */
function config(dir: string, node: Node, seedList: string[], s3: S3TestServer, extra: string): string {
  const s3Block = (bucket: string, indent: string) =>
    [
      `endpoint: ${s3.endpoint}`,
      `bucketnames: ${bucket}`,
      `access_key_id: ${S3_TEST_ACCESS_KEY_ID}`,
      `secret_access_key: ${S3_TEST_SECRET_ACCESS_KEY}`,
      `region: ${S3_TEST_REGION}`,
      'insecure: true',
      's3forcepathstyle: true',
    ]
      .map((l) => `${indent}${l}`)
      .join('\n');
  return `auth_enabled: true
common:
  path_prefix: ${join(dir, node.name)}
  replication_factor: 3
  instance_addr: 127.0.0.1
  storage:
    s3:
${s3Block(CHUNKS_BUCKET, '      ')}
  ring:
    instance_id: ${node.name}
    heartbeat_period: 500ms
    heartbeat_timeout: ${HEARTBEAT_TIMEOUT_S}s
    kvstore:
      store: memberlist
ingester:
  lifecycler:
    min_ready_duration: 0s
index_gateway:
  mode: simple
limits_config:
  ingestion_burst_size_mb: 400
  ingestion_rate_mb: 200
  max_entries_limit_per_query: 25000
  max_query_parallelism: 1024
  per_stream_rate_limit: 512MB
  per_stream_rate_limit_burst: 1024MB
  query_timeout: 300s
  reject_old_samples: false
  discover_service_name: []
  discover_log_levels: false
memberlist:
  bind_addr: [127.0.0.1]
  bind_port: ${node.ports.memberlist}
  advertise_port: ${node.ports.memberlist}
  join_members: [${seedList.join(', ')}]
pattern_ingester:
  enabled: false
ruler:
  storage:
    type: s3
    s3:
${s3Block(RULER_BUCKET, '      ')}
schema_config:
  configs:
  - from: "2024-01-01"
    index:
      period: 24h
      prefix: loki_index_
    object_store: s3
    schema: v13
    store: tsdb
server:
  http_listen_address: 127.0.0.1
  http_listen_port: ${node.ports.http}
  grpc_listen_address: 127.0.0.1
  grpc_listen_port: ${node.ports.grpc}
  log_level: warn
storage_config:
  tsdb_shipper:
    resync_interval: 1s
${extra}`;
}

async function ports(): Promise<Ports> {
  return { http: await freePort(), grpc: await freePort(), memberlist: await freePort() };
}

async function launch(dir: string, node: Node, configText: string): Promise<void> {
  const file = join(dir, `${node.name}.yaml`);
  await writeFile(file, configText);
  const child = spawn(process.execPath, [BIN, `-config.file=${file}`, `-target=${node.target}`], {
    cwd: dir,
    env: { ...process.env, SKALD_QUERY_WORKERS: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  node.child = child;
  node.output = '';
  child.stdout!.on('data', (d: Buffer) => {
    node.output += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    node.output += d.toString();
  });
  node.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

async function waitReady(node: Node, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (node.child?.exitCode !== null) throw new Error(`${node.name} exited early:\n${node.output}`);
    try {
      const res = await fetch(`${node.url}/ready`);
      last = await res.text();
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${node.name} not ready in time (${last.trim()}):\n${node.output}`);
}

async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

interface Shard {
  id: string;
  state: string;
  address: string;
  tokens: number[];
}

async function ring(node: Node): Promise<Shard[]> {
  const res = await fetch(`${node.url}/ring`, { headers: { Accept: 'application/json' } });
  assert.equal(res.status, 200);
  return ((await res.json()) as { shards: Shard[] }).shards;
}

async function metric(node: Node, name: string): Promise<number> {
  const text = await (await fetch(`${node.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : Number.NaN;
}

/** Lines of `{app="<app>"}` in the last hour, through a read node. */
async function linesOf(node: Node, app: string): Promise<string[]> {
  const end = nowNs() + 1_000_000_000n;
  const r = await queryRange(
    node.url,
    { query: `{app="${app}"}`, start: String(end - 3_600_000_000_000n), end: String(end), limit: '1000' },
    TENANT,
  );
  assert.equal(r.status, 200, r.text);
  return r.json.data.result.flatMap((s) => s.values.map(([, line]) => line)).sort();
}

/** Pushes lines of `{app="<app>"}` through a write node and expects them accepted. */
async function push(node: Node, app: string, lines: string[]): Promise<void> {
  const t = nowNs();
  const r = await pushProto(
    node.url,
    [{ labels: `{app="${app}"}`, entries: lines.map((line, i) => ({ ts: t + BigInt(i), line })) }],
    TENANT,
  );
  assert.equal(r.status, 204, `push through ${node.name}: ${r.text}`);
}

describe('SimpleScalable: write, read and backend processes', { timeout: 180_000 }, () => {
  let dir: string;
  let s3: S3TestServer;
  const nodes: Node[] = [];
  let seeds: string[] = [];
  const by = (name: string) => nodes.find((n) => n.name === name)!;
  const configFor = (n: Node) =>
    config(
      dir,
      n,
      seeds,
      s3,
      // read-2 keeps Loki's query_ingesters_within (3h): older data comes from the store only.
      `${n.name === 'read-1' ? 'querier:\n  query_ingesters_within: 0s\n' : ''}runtime_config:\n  file: ${join(dir, 'overrides.yaml')}\n`,
    );

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'skald-distributed-'));
    // One tenant shares a small global ingestion rate among the distributors.
    await writeFile(
      join(dir, 'overrides.yaml'),
      `overrides:\n  ${GLOBAL_RATE_TENANT}:\n    ingestion_rate_strategy: global\n    ingestion_rate_mb: 0.03\n    ingestion_burst_size_mb: 0.05\n`,
    );
    s3 = await startS3Server({ buckets: [CHUNKS_BUCKET, RULER_BUCKET] });
    const layout: Array<[string, Node['target']]> = [
      ['write-1', 'write'],
      ['write-2', 'write'],
      ['write-3', 'write'],
      ['read-1', 'read'],
      ['read-2', 'read'],
      ['backend-1', 'backend'],
    ];
    for (const [name, target] of layout) {
      const p = await ports();
      nodes.push({
        name,
        target,
        ports: p,
        url: `http://127.0.0.1:${p.http}`,
        child: null,
        exited: Promise.resolve(null),
        output: '',
      });
    }
    seeds = [by('write-1'), by('write-2')].map((n) => `127.0.0.1:${n.ports.memberlist}`);
    await Promise.all(nodes.map((n) => launch(dir, n, configFor(n))));
    await Promise.all(nodes.map((n) => waitReady(n)));
  });

  after(async () => {
    for (const n of nodes) if (n.child && n.child.exitCode === null) n.child.kill('SIGKILL');
    await Promise.all(nodes.map((n) => n.exited));
    await s3?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('every process sees the three write nodes ACTIVE in the ring', async () => {
    for (const n of nodes) {
      const shards = await eventually(`the ring on ${n.name}`, async () => {
        const s = await ring(n);
        return s.length === 3 && s.every((x) => x.state === 'ACTIVE') ? s : undefined;
      });
      assert.deepEqual(
        shards.map((s) => s.id),
        ['write-1', 'write-2', 'write-3'],
      );
      assert.ok(shards.every((s) => s.tokens.length === 128));
      assert.equal(shards[0]!.address, `127.0.0.1:${by('write-1').ports.grpc}`);
    }
    assert.equal(await metric(by('read-1'), 'loki_ring_members{name="ingester",state="ACTIVE"}'), 3);
    // Members learn of each other through the messages they exchange.
    await eventually('every member to know all six', async () => {
      for (const n of nodes)
        if ((await metric(n, 'loki_memberlist_client_cluster_members_count')) !== 6) return undefined;
      return true;
    });
    const html = await (await fetch(`${by('backend-1').url}/ring`)).text();
    assert.match(html, /<td>write-2<\/td>/);
  });

  it('divides a global ingestion rate among the write nodes of the distributor ring', async () => {
    const distributors = await eventually('three distributors in the ring', async () => {
      const res = await fetch(`${by('write-1').url}/distributor/ring`, { headers: { Accept: 'application/json' } });
      const shards = ((await res.json()) as { shards: Shard[] }).shards;
      return shards.length === 3 && shards.every((x) => x.state === 'ACTIVE') ? shards : undefined;
    });
    assert.deepEqual(
      distributors.map((d) => d.id),
      ['write-1', 'write-2', 'write-3'],
    );
    // 0.03 MB/s shared by three: 10485 bytes/sec each; a 60 kB push exceeds the burst on any of them.
    const line = 'x'.repeat(60_000);
    const r = await pushProto(
      by('write-2').url,
      [{ labels: '{app="rate"}', entries: [{ ts: nowNs(), line }] }],
      GLOBAL_RATE_TENANT,
    );
    assert.equal(r.status, 429);
    assert.match(
      r.text,
      new RegExp(`ingestion rate limit exceeded for user ${GLOBAL_RATE_TENANT} \\(limit: 10485 bytes/sec\\)`),
    );
  });

  it('answers the whole conformance suite through a read node from ingester memory', async () => {
    await conformancePush(by('write-1').url);
    const ids = caseIds();
    const r = await conformanceCheck(by('read-1').url, ids);
    assert.equal(r.failed, 0, r.output);
    assert.equal(r.passed, ids.length);
    // The data is not in the store yet: read-2 reads old data from the store only and finds none.
    const old = await queryRange(
      by('read-2').url,
      { query: '{job="apache"}', start: '1705276800000000000', end: '1705284000000000000' },
      'conformance',
    );
    assert.equal(old.status, 200, old.text);
    assert.equal(old.json.data.result.length, 0);
  });

  it('serves recent pushes through every write node from every read node', async () => {
    await push(by('write-1'), 'recent', ['one', 'two']);
    await push(by('write-2'), 'recent', ['three']);
    await push(by('write-3'), 'other', ['four']);
    for (const reader of [by('read-1'), by('read-2')]) {
      assert.deepEqual(await linesOf(reader, 'recent'), ['one', 'three', 'two']);
      assert.deepEqual(await linesOf(reader, 'other'), ['four']);
    }
    const labels = await fetch(`${by('read-2').url}/loki/api/v1/label/app/values`, {
      headers: { 'X-Scope-OrgID': TENANT },
    });
    assert.deepEqual(((await labels.json()) as { data: string[] }).data, ['other', 'recent']);
  });

  it('answers and tails categorize-labels requests on read nodes, metadata read from the write nodes', async () => {
    const t = nowNs();
    const entries = [
      { ts: t, line: 'level=info a', metadata: { trace_id: 'x1' } },
      { ts: t + 1n, line: 'level=warn b', metadata: {} },
    ];
    const r = await pushProto(by('write-2').url, [{ labels: '{app="sorted"}', entries }], TENANT);
    assert.equal(r.status, 204, r.text);
    const flag = { 'X-Scope-OrgID': TENANT, 'X-Loki-Response-Encoding-Flags': 'categorize-labels' };
    const expected = [
      {
        stream: { app: 'sorted' },
        values: [
          [String(t + 1n), 'level=warn b', { parsed: { level: 'warn' } }],
          [String(t), 'level=info a', { structuredMetadata: { trace_id: 'x1' }, parsed: { level: 'info' } }],
        ],
      },
    ];
    const qs = new URLSearchParams({
      query: '{app="sorted"} | logfmt',
      start: String(t - 60_000_000_000n),
      end: String(t + 60_000_000_000n),
    });
    for (const reader of [by('read-1'), by('read-2')]) {
      const res = await fetch(`${reader.url}/loki/api/v1/query_range?${qs}`, { headers: flag });
      const body = (await res.json()) as { data: { encodingFlags?: string[]; result: unknown } };
      assert.equal(res.status, 200);
      assert.deepEqual(body.data.encodingFlags, ['categorize-labels']);
      assert.deepEqual(body.data.result, expected);
    }
    const ws = new WebSocket(
      `${by('read-1').url.replace('http', 'ws')}/loki/api/v1/tail?${new URLSearchParams({ query: '{app="sorted"}', start: String(t - 60_000_000_000n) })}`,
      { headers: flag },
    );
    try {
      const first = await new Promise<string>((resolve, reject) => {
        ws.once('message', (d) => resolve(d.toString()));
        ws.once('error', reject);
      });
      const msg = JSON.parse(first) as { streams: unknown; encodingFlags?: string[] };
      assert.deepEqual(msg.encodingFlags, ['categorize-labels']);
      assert.deepEqual(msg.streams, [
        {
          stream: { app: 'sorted' },
          values: [[String(t), 'level=info a', { structuredMetadata: { trace_id: 'x1' } }]],
        },
        { stream: { app: 'sorted' }, values: [[String(t + 1n), 'level=warn b', {}]] },
      ]);
    } finally {
      ws.close();
    }
  });

  it('tails through a read node the lines pushed through a write node, each once', async () => {
    const tail = await openTail(by('read-2').url, '{app="live"}', TENANT);
    try {
      // The tail connects to every ingester; give the connections a moment.
      await new Promise((r) => setTimeout(r, 500));
      await push(by('write-1'), 'live', ['live 1', 'live 2']);
      await push(by('write-3'), 'live', ['live 3']);
      await eventually('the tailed lines', async () => (tail.lines.length >= 3 ? true : undefined), 5000);
      await new Promise((r) => setTimeout(r, 500));
      assert.deepEqual(tail.lines.map((l) => l.line).sort(), ['live 1', 'live 2', 'live 3']);
    } finally {
      tail.ws.close();
    }
  });

  it('keeps pushes and queries working with one write node killed, and takes it back with its WAL', async () => {
    const w3 = by('write-3');
    const tokensBefore = (await ring(by('read-1'))).find((s) => s.id === 'write-3')!.tokens;
    w3.child!.kill('SIGKILL');
    await w3.exited;
    // Before the ring notices: the dead replica fails, the quorum of two succeeds.
    await push(by('write-1'), 'crash', ['while dying']);
    assert.deepEqual(await linesOf(by('read-1'), 'crash'), ['while dying']);
    await eventually('write-3 to turn unhealthy', async () => {
      const s = await ring(by('read-2'));
      return s.find((x) => x.id === 'write-3')?.state === 'UNHEALTHY' ? true : undefined;
    });
    await push(by('write-2'), 'crash', ['while dead']);
    assert.deepEqual(await linesOf(by('read-2'), 'crash'), ['while dead', 'while dying']);
    assert.deepEqual(await linesOf(by('read-1'), 'recent'), ['one', 'three', 'two']);

    await launch(dir, w3, configFor(w3));
    await waitReady(w3);
    const back = await eventually('write-3 to be ACTIVE again', async () => {
      const s = (await ring(by('read-1'))).find((x) => x.id === 'write-3');
      return s?.state === 'ACTIVE' ? s : undefined;
    });
    assert.deepEqual(back.tokens, tokensBefore, 'it owns the same streams again');
    assert.ok((await metric(w3, 'loki_ingester_wal_recovered_entries_total')) > 0, 'its WAL was replayed');
    await push(by('write-3'), 'crash', ['after restart']);
    assert.deepEqual(await linesOf(by('read-1'), 'crash'), ['after restart', 'while dead', 'while dying']);
  });

  it('flushes and leaves the ring on SIGTERM; its data is then read from object storage', async () => {
    const w2 = by('write-2');
    w2.child!.kill('SIGTERM');
    assert.equal(await w2.exited, 0, w2.output);
    await eventually('write-2 to leave the ring', async () => {
      const s = await ring(by('read-1'));
      return s.length === 2 && !s.some((x) => x.id === 'write-2') ? true : undefined;
    });
    // RF=3 with two ingesters left: writes and reads go on.
    await push(by('write-1'), 'after-leave', ['still writing']);
    assert.deepEqual(await linesOf(by('read-2'), 'after-leave'), ['still writing']);
    // read-2 reads data older than query_ingesters_within from the store only: write-2 flushed all of it.
    const ids = caseIds();
    const r = await eventually(
      'the flushed data in the store',
      async () => {
        const res = await conformanceCheck(by('read-2').url, ids);
        return res.failed === 0 ? res : undefined;
      },
      30_000,
    );
    assert.equal(r.passed, ids.length);
  });
});

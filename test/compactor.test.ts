// The compactor in a real server: index files merged per table and tenant,
// retention for the tenant that has it (and only that tenant), and the log
// deletion API, tenant by tenant. A second server compacts on a real S3 API.
//
// Timing: the compactor starts one compaction interval after start-up, as
// Loki's does, and a delete request is processed only a minute after its
// cancellation period ends (Loki's guard against a cancellation racing the
// deletion), so the delete test waits a little over a minute.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { S3ObjectClient } from '../src/storage/objstore/s3.js';
import {
  S3_TEST_ACCESS_KEY_ID,
  S3_TEST_REGION,
  S3_TEST_SECRET_ACCESS_KEY,
  type S3TestServer,
  startS3Server,
} from '../src/testing/s3-server.js';
import { get, linesOf, pushJSON, queryRange } from './helpers/loki-client.js';
import { metricValue } from './helpers/metrics.js';
import { type SkaldProcess, startSkald } from './helpers/skald-process.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const COMPACTION_INTERVAL_MS = 5_000;

const nowMs = Date.now();
const oldMs = nowMs - 3 * DAY_MS;
const ns = (ms: number) => String(BigInt(ms) * 1_000_000n);
const tableOf = (ms: number) => `index_${Math.floor(ms / DAY_MS)}`;

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Every line of a tenant's streams matching `selector` over the old and the new data, oldest first. */
async function lines(url: string, tenant: string, selector: string): Promise<string[]> {
  const r = await queryRange(
    url,
    {
      query: selector,
      start: ns(oldMs - HOUR_MS),
      end: ns(Date.now() + 60_000),
      limit: '5000',
      direction: 'forward',
    },
    tenant,
  );
  assert.equal(r.status, 200, r.text);
  return linesOf(r.json)
    .map((l) => `${l.labels.age} ${l.line}`)
    .sort();
}

async function indexFiles(root: string, table: string, tenant: string): Promise<string[]> {
  try {
    return (await readdir(join(root, 'index', table, tenant))).filter((f) => f.endsWith('.skx'));
  } catch {
    return [];
  }
}

async function push(url: string, tenant: string, age: 'old' | 'new', atMs: number, texts: string[]): Promise<void> {
  const values = texts.map((t, i) => [ns(atMs + i), t]);
  const r = await pushJSON(url, { streams: [{ stream: { app: 'api', age }, values }] }, tenant);
  assert.equal(r.status, 204, r.text);
}

async function flush(url: string): Promise<void> {
  assert.equal((await fetch(`${url}/flush`, { method: 'POST' })).status, 204);
}

interface ListedRequest {
  request_id: string;
  start_time: number;
  end_time: number;
  query: string;
  status: string;
  created_at: number;
  user_id: string;
}

describe('compactor on the filesystem store', () => {
  let skald: SkaldProcess;
  let chunksDir: string;
  let deleteId: string;
  const expected: Record<string, string[]> = {};

  before(async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'skald-compactor-'));
    chunksDir = join(dataDir, 'chunks');
    const runtimeFile = join(dataDir, 'runtime.yaml');
    await writeFile(runtimeFile, 'overrides:\n  short:\n    retention_period: 48h\n');
    skald = await startSkald({
      dataDir,
      authEnabled: true,
      limits: { reject_old_samples: false },
      extraConfig: `compactor:
  compaction_interval: ${COMPACTION_INTERVAL_MS}ms
  retention_enabled: true
  retention_delete_delay: 1s
  delete_request_store: filesystem
  delete_request_cancel_period: 1s
runtime_config:
  file: ${runtimeFile}
  period: 1s
`,
    });
    // Three flushes: three index files per tenant in today's table, as ingesters leave them.
    for (const tenant of ['short', 'long'])
      await push(skald.url, tenant, 'old', oldMs, [`${tenant} old 1`, `${tenant} old 2`]);
    for (let round = 0; round < 3; round++) {
      for (const tenant of ['short', 'long']) {
        await push(skald.url, tenant, 'new', nowMs - HOUR_MS + round * 1000, [
          `${tenant} new ${round} secret`,
          `${tenant} new ${round} public`,
        ]);
      }
      await flush(skald.url);
    }
  });
  after(async () => {
    await skald?.stop();
    await skald?.cleanup();
  });

  it('has several index files per tenant before compacting', async () => {
    assert.equal(await metricValue(skald.url, 'loki_boltdb_shipper_compact_tables_operation_total'), 0);
    assert.equal((await indexFiles(chunksDir, tableOf(nowMs), 'long')).length, 3);
    assert.equal((await indexFiles(chunksDir, tableOf(nowMs), 'short')).length, 3);
    for (const tenant of ['short', 'long']) {
      expected[tenant] = await lines(skald.url, tenant, '{app="api"}');
      assert.equal(expected[tenant]!.length, 8);
    }
  });

  it('accepts delete requests per tenant; tenants neither see nor cancel each other’s', async () => {
    const start = String(Math.floor((nowMs - 2 * HOUR_MS) / 1000));
    const end = String(Math.floor(Date.now() / 1000));
    const add = (tenant: string | undefined, query: string) =>
      fetch(`${skald.url}/loki/api/v1/delete?${new URLSearchParams({ query, start, end })}`, {
        method: 'POST',
        headers: tenant ? { 'X-Scope-OrgID': tenant } : {},
      });
    const noOrg = await add(undefined, '{app="api"}');
    assert.deepEqual([noOrg.status, await noOrg.text()], [401, 'no org id\n']);

    const kept = await add('long', '{app="api"} |= "secret"');
    assert.equal(kept.status, 204);
    deleteId = kept.headers.get('x-delete-request-id')!;
    const cancelled = await add('short', '{app="api"} |= "public"');
    assert.equal(cancelled.status, 204);
    const shortId = cancelled.headers.get('x-delete-request-id')!;

    const longList = await get<ListedRequest[]>(skald.url, '/loki/api/v1/delete', {}, 'long');
    assert.deepEqual(
      longList.json.map((r) => [r.request_id, r.query, r.status, r.user_id]),
      [[deleteId, '{app="api"} |= "secret"', 'received', '']],
    );
    const shortList = await get<ListedRequest[]>(skald.url, '/loki/api/v1/delete', {}, 'short');
    assert.deepEqual(
      shortList.json.map((r) => r.request_id),
      [shortId],
    );

    const cancel = (tenant: string, id: string) =>
      fetch(`${skald.url}/loki/api/v1/delete?request_id=${id}`, {
        method: 'DELETE',
        headers: { 'X-Scope-OrgID': tenant },
      });
    const foreign = await cancel('long', shortId);
    assert.deepEqual([foreign.status, await foreign.text()], [404, 'could not find delete request with given id\n']);
    assert.equal((await cancel('short', shortId)).status, 204);
    assert.deepEqual((await get(skald.url, '/loki/api/v1/delete', {}, 'short')).json, []);
  });

  it('merges the index files into one per table and tenant and answers the same', async () => {
    // Compaction, or retention (which compacts the tables it holds), leaves one file per tenant.
    for (const tenant of ['short', 'long']) {
      await waitFor(
        `one index file for tenant ${tenant}`,
        async () => ((await indexFiles(chunksDir, tableOf(nowMs), tenant)).length === 1 ? true : undefined),
        30_000,
      );
      assert.match((await indexFiles(chunksDir, tableOf(nowMs), tenant))[0]!, /^compactor-\d+-\d+\.skx$/);
    }
    assert.deepEqual(await lines(skald.url, 'long', '{app="api"}'), expected.long);
    await waitFor(
      'a successful compaction run',
      async () =>
        (await metricValue(skald.url, 'loki_boltdb_shipper_compact_tables_operation_total', { status: 'success' })) >
          0 || undefined,
      30_000,
    );
  });

  it('removes the expired data of the tenant with a retention period only', async () => {
    await waitFor(
      'the old data of tenant short to expire',
      async () =>
        (await lines(skald.url, 'short', '{app="api"}')).some((l) => l.startsWith('old')) ? undefined : true,
      30_000,
    );
    assert.deepEqual(
      await lines(skald.url, 'short', '{app="api"}'),
      expected.short!.filter((l) => l.startsWith('new')),
    );
    assert.deepEqual(await indexFiles(chunksDir, tableOf(oldMs), 'short'), [], 'the expired table is dropped');
    assert.equal((await indexFiles(chunksDir, tableOf(oldMs), 'long')).length, 1);
    const long = await lines(skald.url, 'long', '{app="api"}');
    assert.ok(long.includes('old long old 1'), 'tenant long keeps its old data');
    assert.ok(
      (await metricValue(skald.url, 'loki_compactor_apply_retention_operation_total', { status: 'success' })) > 0,
    );
  });

  it('processes the delete request after its cancellation period: the matching lines of its tenant only', async () => {
    await waitFor(
      'the delete request to be processed',
      async () => {
        const r = await get<ListedRequest[]>(skald.url, '/loki/api/v1/delete', {}, 'long');
        return r.json[0]?.status === 'processed' ? true : undefined;
      },
      120_000,
    );
    assert.deepEqual(
      await lines(skald.url, 'long', '{app="api"}'),
      expected.long!.filter((l) => !l.includes('secret')),
    );
    const short = await lines(skald.url, 'short', '{app="api"}');
    assert.equal(short.filter((l) => l.includes('secret')).length, 3, 'the other tenant keeps its lines');
    assert.equal(await metricValue(skald.url, 'loki_compactor_deleted_lines', { user: 'long' }), 3);
    assert.equal(await metricValue(skald.url, 'loki_compactor_delete_requests_processed_total', { user: 'long' }), 1);
    const gone = await fetch(`${skald.url}/loki/api/v1/delete?request_id=${deleteId}`, {
      method: 'DELETE',
      headers: { 'X-Scope-OrgID': 'long' },
    });
    assert.deepEqual(
      [gone.status, await gone.text()],
      [400, 'deletion of request which is in process or already processed is not allowed\n'],
    );
  });

  it('deletes the expired chunks once the delete delay has passed', async () => {
    await waitFor(
      'the sweeper to delete tenant short’s expired chunks',
      async () => {
        const objects = await readdir(join(chunksDir, 'short'), { recursive: true });
        const oldFrom = Math.floor(oldMs).toString(16);
        return objects.some((o) => o.includes(`${oldFrom}:`)) ? undefined : true;
      },
      90_000,
    );
  });
});

describe('compactor on an S3 store', () => {
  const BUCKET = 'loki-compactor';
  let s3: S3TestServer;
  let skald: SkaldProcess;
  let client: S3ObjectClient;

  before(async () => {
    s3 = await startS3Server({ buckets: [BUCKET] });
    client = new S3ObjectClient({
      endpoint: s3.endpoint,
      bucketnames: BUCKET,
      region: S3_TEST_REGION,
      access_key_id: S3_TEST_ACCESS_KEY_ID,
      secret_access_key: S3_TEST_SECRET_ACCESS_KEY,
      s3forcepathstyle: true,
      insecure: true,
    });
    const dataDir = await mkdtemp(join(tmpdir(), 'skald-compactor-s3-'));
    skald = await startSkald({
      dataDir,
      authEnabled: true,
      storageConfig: `common:
  path_prefix: ${dataDir}
  replication_factor: 1
  ring:
    kvstore:
      store: inmemory
storage_config:
  aws:
    endpoint: ${s3.endpoint}
    bucketnames: ${BUCKET}
    region: ${S3_TEST_REGION}
    access_key_id: ${S3_TEST_ACCESS_KEY_ID}
    secret_access_key: ${S3_TEST_SECRET_ACCESS_KEY}
    s3forcepathstyle: true
    insecure: true
schema_config:
  configs:
    - from: 2020-01-01
      store: tsdb
      object_store: s3
      schema: v13
      index:
        prefix: index_
        period: 24h
`,
      extraConfig: `compactor:
  compaction_interval: ${COMPACTION_INTERVAL_MS}ms
`,
    });
  });
  after(async () => {
    await skald?.stop();
    await skald?.cleanup();
    await client?.stop();
    await s3?.stop();
  });

  it('merges the index files written by three flushes into one, with the same answers', async () => {
    for (let round = 0; round < 3; round++) {
      await push(skald.url, 'team', 'new', nowMs - HOUR_MS + round * 1000, [`line ${round}`]);
      await flush(skald.url);
    }
    const dir = `index/${tableOf(nowMs)}/team/`;
    const listFiles = async () => (await client.list(dir)).objects.map((o) => o.key);
    assert.equal(await metricValue(skald.url, 'loki_boltdb_shipper_compact_tables_operation_total'), 0);
    assert.equal((await listFiles()).length, 3);
    const before = await lines(skald.url, 'team', '{app="api"}');
    assert.equal(before.length, 3);

    await waitFor(
      'one compacted index file',
      async () => ((await listFiles()).length === 1 ? true : undefined),
      30_000,
    );
    assert.match((await listFiles())[0]!, /\/compactor-\d+-\d+\.skx$/);
    assert.deepEqual(await lines(skald.url, 'team', '{app="api"}'), before);
  });
});

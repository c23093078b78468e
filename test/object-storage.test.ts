// Skald on a real S3 API server: both addressing styles (path style, and the
// virtual-hosted style Alibaba OSS needs), a second process answering from the
// same store, and an outage of the store that loses nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  S3_TEST_ACCESS_KEY_ID,
  S3_TEST_REGION,
  S3_TEST_SECRET_ACCESS_KEY,
  type S3TestServer,
  startS3Server,
} from '../src/testing/s3-server.js';
import { caseIds, conformanceCheck, conformancePush, LOKI_2_9_LIMITS } from './helpers/conformance.js';
import { linesOf, pushProto, queryRange, type TestStream } from './helpers/loki-client.js';
import { type SkaldProcess, startSkald } from './helpers/skald-process.js';

const BUCKET = 'loki-chunks';

function s3Storage(dataDir: string, endpoint: string, pathStyle: boolean, extra = ''): string {
  return `common:
  path_prefix: ${dataDir}
  replication_factor: 1
  ring:
    kvstore:
      store: inmemory
storage_config:
  aws:
    endpoint: ${endpoint}
    bucketnames: ${BUCKET}
    region: ${S3_TEST_REGION}
    access_key_id: ${S3_TEST_ACCESS_KEY_ID}
    secret_access_key: ${S3_TEST_SECRET_ACCESS_KEY}
    s3forcepathstyle: ${pathStyle}
    insecure: true
${extra}
schema_config:
  configs:
    - from: 2020-01-01
      store: tsdb
      object_store: s3
      schema: v13
      index:
        prefix: loki_index_
        period: 24h
`;
}

const IDS = caseIds();

for (const style of ['path', 'virtual-hosted'] as const) {
  describe(`S3 store, ${style} style`, () => {
    let s3: S3TestServer;
    let skald: SkaldProcess | undefined;
    let reader: SkaldProcess | undefined;
    before(async () => {
      s3 = await startS3Server({ buckets: [BUCKET] });
    });
    after(async () => {
      await skald?.stop();
      await reader?.stop();
      await skald?.cleanup();
      await reader?.cleanup();
      await s3.stop();
    });

    const endpoint = () => (style === 'path' ? s3.endpoint : s3.virtualHostEndpoint);

    it('passes the conformance suite from memory, then from S3 after a flush and a restart', async () => {
      const dataDir = (await import('node:fs/promises')).mkdtemp(
        (await import('node:path')).join((await import('node:os')).tmpdir(), 'skald-s3-'),
      );
      const dir = await dataDir;
      skald = await startSkald({
        dataDir: dir,
        storageConfig: s3Storage(dir, endpoint(), style === 'path'),
        limits: LOKI_2_9_LIMITS,
      });
      await conformancePush(skald.url);
      let r = await conformanceCheck(skald.url, IDS);
      assert.equal(r.failed, 0, `${r.output}\n${skald.logs()}`);
      assert.equal((await fetch(`${skald.url}/flush`, { method: 'POST' })).status, 204);
      assert.equal(await skald.stop(), 0);
      skald = await startSkald({
        dataDir: dir,
        port: skald.port,
        storageConfig: s3Storage(dir, endpoint(), style === 'path'),
        limits: LOKI_2_9_LIMITS,
      });
      r = await conformanceCheck(skald.url, IDS);
      assert.equal(r.failed, 0, r.output);
    });

    it('lets another process answer from the same store', async () => {
      const { mkdtemp } = await import('node:fs/promises');
      const { join } = await import('node:path');
      const { tmpdir } = await import('node:os');
      const dir = await mkdtemp(join(tmpdir(), 'skald-s3-reader-'));
      reader = await startSkald({
        dataDir: dir,
        storageConfig: s3Storage(dir, endpoint(), style === 'path'),
        limits: LOKI_2_9_LIMITS,
        args: ['-target=read'],
      });
      const r = await conformanceCheck(reader.url, IDS);
      assert.equal(r.failed, 0, r.output);
    });
  });
}

describe('S3 outage', () => {
  let s3: S3TestServer;
  let skald: SkaldProcess | undefined;
  before(async () => {
    s3 = await startS3Server({ buckets: [BUCKET] });
  });
  after(async () => {
    await skald?.stop();
    await skald?.cleanup();
    await s3.stop();
  });

  it('keeps accepting pushes while S3 is down, retries the flush, and loses nothing', async () => {
    const { mkdtemp } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(join(tmpdir(), 'skald-s3-outage-'));
    const storage = s3Storage(
      dir,
      s3.endpoint,
      true,
      `    backoff_config:
      min_period: 50ms
      max_period: 100ms
      max_retries: 2`,
    );
    const opts = {
      dataDir: dir,
      storageConfig: storage,
      extraConfig: 'ingester:\n  flush_check_period: 200ms\n  chunk_idle_period: 300ms\n',
    };
    skald = await startSkald(opts);
    const base = 1_700_000_000_000_000_000n;
    const streams = (from: number, n: number): TestStream[] => [
      {
        labels: '{app="outage"}',
        entries: Array.from({ length: n }, (_, i) => ({
          ts: base + BigInt(from + i) * 1_000_000n,
          line: `line ${from + i}`,
        })),
      },
    ];
    assert.equal((await pushProto(skald.url, streams(0, 100))).status, 204);
    await s3.halt();
    // S3 is down: pushes are still acknowledged (the WAL has them), flushes fail and are retried.
    assert.equal((await pushProto(skald.url, streams(100, 100))).status, 204);
    assert.equal((await fetch(`${skald.url}/flush`, { method: 'POST' })).status, 204);
    await new Promise((r) => setTimeout(r, 1000));
    assert.match(skald.logs(), /failed to flush chunk; will retry/);
    await s3.resume();
    const q = await queryRange(skald.url, {
      query: '{app="outage"}',
      start: String(base),
      end: String(base + 1_000_000_000n),
      limit: '1000',
    });
    assert.equal(q.status, 200, q.text);
    assert.equal(linesOf(q.json).length, 200, 'everything pushed during the outage is there');
    assert.equal((await pushProto(skald.url, streams(200, 100))).status, 204);
    assert.equal((await fetch(`${skald.url}/flush`, { method: 'POST' })).status, 204);
    assert.equal(await skald.stop(), 0);
    // A fresh process without the WAL reads everything back from S3.
    const { rm } = await import('node:fs/promises');
    await rm(join(dir, 'wal'), { recursive: true, force: true });
    skald = await startSkald({ ...opts, port: skald.port });
    const after = await queryRange(skald.url, {
      query: '{app="outage"}',
      start: String(base),
      end: String(base + 1_000_000_000n),
      limit: '1000',
    });
    assert.equal(after.status, 200);
    const lines = linesOf(after.json).map((l) => l.line);
    assert.equal(lines.length, 300);
    assert.equal(new Set(lines).size, 300);
  });
});

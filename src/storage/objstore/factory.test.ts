import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Registry } from 'prom-client';
import {
  S3_TEST_ACCESS_KEY_ID,
  S3_TEST_REGION,
  S3_TEST_SECRET_ACCESS_KEY,
  type S3TestServer,
  startS3Server,
} from '../../testing/s3-server.js';
import type { ObjectClient } from './client.js';
import type { AwsStorageConfig } from './config.js';
import { createObjectClient } from './factory.js';
import { FilesystemObjectClient, TEMP_FILE_PREFIX } from './filesystem.js';
import { InMemoryObjectClient } from './memory.js';
import { S3ObjectClient } from './s3.js';

let server: S3TestServer;
let dir: string;
const clients: ObjectClient[] = [];

before(async () => {
  server = await startS3Server({ buckets: ['factory'] });
  dir = await mkdtemp(join(tmpdir(), 'skald-factory-'));
});
after(async () => {
  await Promise.all(clients.map((c) => c.stop()));
  await server.stop();
  await rm(dir, { recursive: true, force: true });
});

function s3Config(): AwsStorageConfig {
  return {
    endpoint: server.endpoint,
    bucketnames: 'factory',
    s3forcepathstyle: true,
    region: S3_TEST_REGION,
    access_key_id: S3_TEST_ACCESS_KEY_ID,
    secret_access_key: S3_TEST_SECRET_ACCESS_KEY,
  };
}

async function create(...args: Parameters<typeof createObjectClient>): Promise<ObjectClient> {
  const client = await createObjectClient(...args);
  clients.push(client);
  return client;
}

test('filesystem opens storage_config.filesystem.directory and sweeps crash leftovers', async () => {
  const store = join(dir, 'fs');
  await create('filesystem', { filesystem: { directory: store } });
  const leftover = join(store, `${TEMP_FILE_PREFIX}1-crash`);
  await writeFile(leftover, 'partial');
  const old = new Date(Date.now() - 3_600_000);
  await utimes(leftover, old, old);
  const client = await create('filesystem', { filesystem: { directory: store } });
  assert.ok(client instanceof FilesystemObjectClient);
  assert.deepEqual(await readdir(store), []);
});

test('filesystem without a directory is a configuration error', async () => {
  await assert.rejects(
    createObjectClient('filesystem', {}),
    /^ObjectStoreConfigError: storage_config\.filesystem\.directory must be set for the filesystem object store$/,
  );
});

test('"s3" and "aws" both build the S3 client from storage_config.aws', async () => {
  for (const kind of ['s3', 'aws']) {
    const client = await create(kind, { aws: s3Config() });
    assert.ok(client instanceof S3ObjectClient);
    await client.putObject(`${kind}/k`, Buffer.from(kind));
    assert.equal((await client.getObject(`${kind}/k`)).toString(), kind);
  }
});

test('with a registry the client reports objstore and S3 request metrics', async () => {
  const registry = new Registry();
  const client = await create('s3', { aws: s3Config() }, { registry });
  await client.putObject('metered', Buffer.from('1'));
  const text = await registry.metrics();
  assert.match(text, /loki_objstore_bucket_operations_total\{operation="upload"\} 1/);
  assert.match(text, /loki_s3_request_duration_seconds_count\{operation="S3.PutObject",status_code="200"\} 1/);
});

test('alibabacloud maps onto the S3 client with OSS addressing', async () => {
  const client = await create('alibabacloud', {
    alibabacloud: {
      bucket: 'logs',
      endpoint: 'oss-cn-hangzhou.aliyuncs.com',
      access_key_id: 'LTAI',
      secret_access_key: 'secret',
    },
  });
  assert.ok(client instanceof S3ObjectClient);
  assert.equal(client.kind, 'alibabacloud');
  assert.equal(client.settings.endpoint, 'https://s3.oss-cn-hangzhou.aliyuncs.com');
  assert.equal(client.settings.region, 'cn-hangzhou');
  assert.equal(client.settings.forcePathStyle, false);
  assert.deepEqual(client.settings.buckets, ['logs']);
});

test('inmemory, and an inmemory:/// s3 URL, give an in-memory store', async () => {
  assert.ok((await create('inmemory', {})) instanceof InMemoryObjectClient);
  assert.ok((await create('aws', { aws: { s3: 'inmemory:///loki' } })) instanceof InMemoryObjectClient);
});

test('other Loki stores are refused as not supported yet', async () => {
  for (const kind of ['gcs', 'azure', 'swift', 'bos', 'cos']) {
    await assert.rejects(createObjectClient(kind, {}), (err: unknown) => {
      assert.ok(err instanceof Error);
      assert.equal(err.name, 'UnsupportedObjectStoreError');
      assert.match(err.message, new RegExp(`^object store "${kind}" is not supported yet`));
      return true;
    });
  }
});

test("an unknown name gets Loki's error", async () => {
  await assert.rejects(
    createObjectClient('cassandra', {}),
    (err: unknown) =>
      err instanceof Error &&
      err.message ===
        'Unrecognized storage client cassandra, choose one of: aws, s3, gcs, azure, alibabacloud, swift, bos, cos, filesystem',
  );
});

test('named stores are found by name', async () => {
  const storage = {
    named_stores: {
      aws: { 'store-1': s3Config() },
      filesystem: { 'local-1': { directory: join(dir, 'named') } },
    },
  };
  const s3 = await create('store-1', storage);
  assert.ok(s3 instanceof S3ObjectClient);
  await s3.putObject('named', Buffer.from('ok'));
  const fs = await create('local-1', storage);
  assert.ok(fs instanceof FilesystemObjectClient);
  assert.equal(fs.directory, join(dir, 'named'));
});

test('object_prefix puts every key under the prefix', async () => {
  const store = join(dir, 'prefixed');
  const client = await create('filesystem', { filesystem: { directory: store }, object_prefix: '/loki/' });
  await client.putObject('index/t/f', Buffer.from('1'));
  assert.deepEqual(await readdir(store), ['loki']);
  assert.deepEqual(
    (await client.list('index/')).objects.map((o) => o.key),
    ['index/t/f'],
  );
});

import assert from 'node:assert/strict';
import { createServer, type LookupFunction, type Server, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Registry } from 'prom-client';
import { describeObjectClientContract } from '../../testing/object-client-contract.js';
import {
  resolveLocalhostSubdomains,
  S3_TEST_ACCESS_KEY_ID,
  S3_TEST_REGION,
  S3_TEST_SECRET_ACCESS_KEY,
  type S3TestServer,
  startS3Server,
} from '../../testing/s3-server.js';
import { bucketForKey } from './bucket-hash.js';
import type { AwsStorageConfig } from './config.js';
import { S3ObjectClient, type S3ObjectClientOptions } from './s3.js';

let server: S3TestServer;
let bucketCount = 0;

before(async () => {
  server = await startS3Server();
});

after(async () => {
  await server?.stop();
});

async function freshBucket(): Promise<string> {
  const name = `bucket-${++bucketCount}`;
  await server.createBuckets([name]);
  return name;
}

/** Test credentials and a quick backoff, so failures show up fast. */
function testConfig(overrides: AwsStorageConfig): AwsStorageConfig {
  return {
    access_key_id: S3_TEST_ACCESS_KEY_ID,
    secret_access_key: S3_TEST_SECRET_ACCESS_KEY,
    region: S3_TEST_REGION,
    backoff_config: { min_period: 10, max_period: 50, max_retries: 3 },
    ...overrides,
  };
}

const open: S3ObjectClient[] = [];
function client(config: AwsStorageConfig, options: S3ObjectClientOptions = {}): S3ObjectClient {
  const c = new S3ObjectClient(config, options);
  open.push(c);
  return c;
}
after(async () => {
  await Promise.all(open.map((c) => c.stop()));
});

function countS3Requests(registry: Registry, operation: string, status: string): number {
  const metric = registry.getSingleMetric('loki_s3_request_duration_seconds');
  if (!metric) return 0;
  const histogram = metric as unknown as {
    hashMap: Record<string, { labels: Record<string, string>; count: number }>;
  };
  let total = 0;
  for (const entry of Object.values(histogram.hashMap)) {
    if (entry.labels.operation === operation && entry.labels.status_code === status) total += entry.count;
  }
  return total;
}

/** s3rver rewrites an object's file in place, so racing puts of one key can interleave on its side. */
const s3rverLimits = { backendHasAtomicOverwrites: false };

describeObjectClientContract(
  's3, path-style',
  async () => {
    const bucket = await freshBucket();
    const c = new S3ObjectClient(
      testConfig({ endpoint: server.endpoint, bucketnames: bucket, s3forcepathstyle: true }),
    );
    return { client: c, close: () => c.stop() };
  },
  s3rverLimits,
);

describeObjectClientContract(
  's3, virtual-hosted style',
  async () => {
    const bucket = await freshBucket();
    const c = new S3ObjectClient(testConfig({ endpoint: server.virtualHostEndpoint, bucketnames: bucket }), {
      lookup: resolveLocalhostSubdomains,
    });
    return { client: c, close: () => c.stop() };
  },
  s3rverLimits,
);

describe('S3ObjectClient against a real S3 server', () => {
  test('virtual-hosted style puts the bucket in the host name', async () => {
    const bucket = await freshBucket();
    const hosts: string[] = [];
    const recordingLookup: LookupFunction = (hostname, options, callback) => {
      hosts.push(hostname);
      resolveLocalhostSubdomains(hostname, options, callback);
    };
    const c = client(testConfig({ endpoint: server.virtualHostEndpoint, bucketnames: bucket }), {
      lookup: recordingLookup,
    });
    await c.putObject('k', Buffer.from('v'));
    assert.ok(hosts.includes(`${bucket}.s3.localhost`), `looked up: ${hosts.join(', ')}`);
  });

  test('the URL form alone (key, secret, endpoint, bucket) reaches the store', async () => {
    const bucket = await freshBucket();
    const c = client({
      s3: `s3://${S3_TEST_ACCESS_KEY_ID}:${S3_TEST_SECRET_ACCESS_KEY}@127.0.0.1:${server.port}/${bucket}`,
      s3forcepathstyle: true,
    });
    assert.equal(c.settings.endpoint, `http://127.0.0.1:${server.port}`);
    await c.putObject('via/url', Buffer.from('ok'));
    assert.equal((await c.getObject('via/url')).toString(), 'ok');
  });

  test('several buckets: each key lives in the bucket its hash picks, listings merge all of them', async () => {
    const names = [await freshBucket(), await freshBucket(), await freshBucket()];
    const multi = client(
      testConfig({ endpoint: server.endpoint, bucketnames: names.join(','), s3forcepathstyle: true }),
    );
    const keys = Array.from({ length: 60 }, (_, i) => `fake/${(i * 7919).toString(16)}:${i}:abc`);
    keys.push('shared/a/1', 'shared/b/1', 'shared/a/2', 'shared/c/9');
    for (const key of keys) await multi.putObject(key, Buffer.from(key));

    for (const bucket of names) {
      const single = client(testConfig({ endpoint: server.endpoint, bucketnames: bucket, s3forcepathstyle: true }));
      const stored = (await single.list('')).objects.map((o) => o.key);
      const expected = keys.filter((key) => bucketForKey(names, key) === bucket).sort();
      assert.deepEqual(stored, expected, bucket);
      assert.ok(stored.length > 0, `bucket ${bucket} received keys`);
    }
    assert.deepEqual(
      (await multi.list('')).objects.map((o) => o.key),
      keys.slice().sort(),
    );
    assert.deepEqual((await multi.list('shared/', '/')).commonPrefixes, ['shared/a/', 'shared/b/', 'shared/c/']);
    for (const key of keys) assert.equal((await multi.getObject(key)).toString(), key);
  });

  test('list follows continuation tokens until the last page', async () => {
    const bucket = await freshBucket();
    const registry = new Registry();
    const c = client(testConfig({ endpoint: server.endpoint, bucketnames: bucket, s3forcepathstyle: true }), {
      registry,
    });
    const keys = Array.from({ length: 2001 }, (_, i) => `pages/${String(i).padStart(4, '0')}`);
    let next = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < keys.length) {
          const key = keys[next++]!;
          await c.putObject(key, Buffer.from(key));
        }
      }),
    );
    assert.equal((await c.list('pages/')).objects.length, 2001);
    assert.equal(countS3Requests(registry, 'S3.List', '200'), 3, 'three pages of at most 1000 keys');
  });

  test('chunk_delimiter replaces ":" in stored keys', async () => {
    const bucket = await freshBucket();
    const rewriting = client(
      testConfig({ endpoint: server.endpoint, bucketnames: bucket, s3forcepathstyle: true, chunk_delimiter: '-' }),
    );
    const plain = client(testConfig({ endpoint: server.endpoint, bucketnames: bucket, s3forcepathstyle: true }));
    await rewriting.putObject('fake/abc/1:2:3', Buffer.from('chunk'));
    assert.equal((await plain.getObject('fake/abc/1-2-3')).toString(), 'chunk');
    assert.equal((await rewriting.getObject('fake/abc/1:2:3')).toString(), 'chunk');
  });

  test('a storage class other than STANDARD is accepted on put', async () => {
    const bucket = await freshBucket();
    const c = client(
      testConfig({
        endpoint: server.endpoint,
        bucketnames: bucket,
        s3forcepathstyle: true,
        storage_class: 'STANDARD_IA',
      }),
    );
    await c.putObject('cold', Buffer.from('x'));
    assert.equal((await c.getObject('cold')).toString(), 'x');
  });

  test('request durations are recorded per operation and status, as loki_s3_request_duration_seconds', async () => {
    const bucket = await freshBucket();
    const registry = new Registry();
    const c = client(testConfig({ endpoint: server.endpoint, bucketnames: bucket, s3forcepathstyle: true }), {
      registry,
    });
    await c.putObject('m', Buffer.from('1'));
    await c.getObject('m');
    await c.headObject('m');
    await c.list('');
    await c.deleteObject('m');
    await assert.rejects(c.getObject('m'));
    assert.equal(countS3Requests(registry, 'S3.PutObject', '200'), 1);
    assert.equal(countS3Requests(registry, 'S3.GetObject', '200'), 1);
    assert.equal(countS3Requests(registry, 'S3.GetObject', '500'), 1, 'Loki counts a missing key as 500');
    assert.equal(countS3Requests(registry, 'S3.GetAttributes', '200'), 1);
    assert.equal(countS3Requests(registry, 'S3.List', '200'), 1);
    assert.equal(countS3Requests(registry, 'S3.DeleteObject', '200'), 1);
    // A second client on the same registry shares the histogram instead of failing to register it.
    client(testConfig({ endpoint: server.endpoint, bucketnames: bucket }), { registry });
  });
});

describe('S3 credentials', () => {
  const saved = new Map<string, string | undefined>();
  const variables = [
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
    'AWS_PROFILE',
    'AWS_SHARED_CREDENTIALS_FILE',
    'AWS_CONFIG_FILE',
    'AWS_EC2_METADATA_DISABLED',
  ];
  before(() => {
    for (const name of variables) saved.set(name, process.env[name]);
    // Keep the developer's own AWS setup out of the picture.
    process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/skald-test/credentials';
    process.env.AWS_CONFIG_FILE = '/nonexistent/skald-test/config';
    process.env.AWS_EC2_METADATA_DISABLED = 'true';
    delete process.env.AWS_PROFILE;
    delete process.env.AWS_SESSION_TOKEN;
  });
  after(() => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  function setEnvironmentKeys(id: string, secret: string): void {
    process.env.AWS_ACCESS_KEY_ID = id;
    process.env.AWS_SECRET_ACCESS_KEY = secret;
  }

  const rejectsUnknownKey = (err: unknown) => err instanceof Error && err.name === 'InvalidAccessKeyId';

  test('without keys in the config, the standard AWS environment variables are used', async () => {
    const bucket = await freshBucket();
    const config = { endpoint: server.endpoint, bucketnames: bucket, s3forcepathstyle: true, region: S3_TEST_REGION };
    setEnvironmentKeys(S3_TEST_ACCESS_KEY_ID, S3_TEST_SECRET_ACCESS_KEY);
    await client(config).putObject('env', Buffer.from('1'));
    setEnvironmentKeys('UNKNOWNKEY', 'nope');
    await assert.rejects(client(config).putObject('env', Buffer.from('2')), rejectsUnknownKey);
  });

  test('keys in the s3 URL beat the environment', async () => {
    const bucket = await freshBucket();
    setEnvironmentKeys('UNKNOWNKEY', 'nope');
    const c = client({
      s3: `s3://${S3_TEST_ACCESS_KEY_ID}:${S3_TEST_SECRET_ACCESS_KEY}@${S3_TEST_REGION}/${bucket}`,
      endpoint: server.endpoint,
      s3forcepathstyle: true,
    });
    await c.putObject('url', Buffer.from('1'));
  });

  test('access_key_id and secret_access_key beat the URL and the environment', async () => {
    const bucket = await freshBucket();
    setEnvironmentKeys('UNKNOWNKEY', 'nope');
    const c = client({
      s3: `s3://URLKEY:urlsecret@${S3_TEST_REGION}/${bucket}`,
      endpoint: server.endpoint,
      s3forcepathstyle: true,
      access_key_id: S3_TEST_ACCESS_KEY_ID,
      secret_access_key: S3_TEST_SECRET_ACCESS_KEY,
    });
    await c.putObject('cfg', Buffer.from('1'));
    const urlOnly = client({
      s3: `s3://URLKEY:urlsecret@${S3_TEST_REGION}/${bucket}`,
      endpoint: server.endpoint,
      s3forcepathstyle: true,
    });
    await assert.rejects(urlOnly.putObject('cfg', Buffer.from('2')), rejectsUnknownKey);
  });

  test('a request refused for its credentials is not retried', async () => {
    const bucket = await freshBucket();
    const registry = new Registry();
    const c = client(
      {
        endpoint: server.endpoint,
        bucketnames: bucket,
        s3forcepathstyle: true,
        access_key_id: 'UNKNOWNKEY',
        secret_access_key: 'nope',
        backoff_config: { min_period: 10, max_period: 20, max_retries: 5 },
      },
      { registry },
    );
    await assert.rejects(c.getObject('x'), rejectsUnknownKey);
    assert.equal(countS3Requests(registry, 'S3.GetObject', '500'), 1);
  });
});

describe('S3 outages', () => {
  test('reads and writes wait for a store that goes down and comes back, and nothing is lost', async () => {
    const outage = await startS3Server({ buckets: ['outage'] });
    const registry = new Registry();
    const c = client(
      testConfig({
        endpoint: outage.endpoint,
        bucketnames: 'outage',
        s3forcepathstyle: true,
        backoff_config: { min_period: 20, max_period: 200, max_retries: 50 },
      }),
      { registry },
    );
    try {
      await c.putObject('before/outage', Buffer.from('written before'));
      await outage.halt();
      const started = Date.now();
      const read = c.getObject('before/outage');
      const write = c.putObject('during/outage', Buffer.from('written during'));
      await new Promise((resolve) => setTimeout(resolve, 400));
      await outage.resume();
      assert.equal((await read).toString(), 'written before');
      await write;
      assert.ok(Date.now() - started < 10_000, 'recovered in bounded time');
      assert.equal((await c.getObject('during/outage')).toString(), 'written during');
      assert.ok(countS3Requests(registry, 'S3.GetObject', '500') >= 1, 'failed attempts were retried');
    } finally {
      await outage.stop();
    }
  });

  test('when the store stays down, the operation fails after max_retries attempts', async () => {
    const outage = await startS3Server({ buckets: ['gone'] });
    const registry = new Registry();
    const c = client(
      testConfig({
        endpoint: outage.endpoint,
        bucketnames: 'gone',
        s3forcepathstyle: true,
        backoff_config: { min_period: 10, max_period: 40, max_retries: 4 },
      }),
      { registry },
    );
    await outage.stop();
    const started = Date.now();
    await assert.rejects(c.getObject('x'), (err: unknown) => (err as { code?: string }).code === 'ECONNREFUSED');
    assert.equal(countS3Requests(registry, 'S3.GetObject', '500'), 4);
    assert.ok(Date.now() - started < 5_000);
  });
});

describe('S3 timeouts', () => {
  let silent: Server;
  let silentPort = 0;
  let connections = 0;
  const sockets = new Set<Socket>();

  before(async () => {
    // Accepts connections and never answers: a hung store.
    silent = createServer((socket) => {
      connections++;
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    silentPort = (silent.address() as { port: number }).port;
  });
  after(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  function hungStoreConfig(overrides: AwsStorageConfig): AwsStorageConfig {
    return testConfig({
      endpoint: `http://127.0.0.1:${silentPort}`,
      bucketnames: 'hung',
      s3forcepathstyle: true,
      ...overrides,
    });
  }

  test('http_config.timeout bounds every attempt, and timed-out attempts are retried', async () => {
    connections = 0;
    const c = client(
      hungStoreConfig({
        http_config: { timeout: 150 },
        backoff_config: { min_period: 10, max_period: 20, max_retries: 2 },
      }),
    );
    const started = Date.now();
    await assert.rejects(c.getObject('x'), (err: unknown) => err instanceof Error && err.name === 'TimeoutError');
    assert.ok(Date.now() - started < 3_000);
    assert.equal(connections, 2, 'two attempts');
  });

  test('http_config.response_header_timeout gives up on a store that does not answer', async () => {
    const c = client(
      hungStoreConfig({
        http_config: { response_header_timeout: 150 },
        backoff_config: { min_period: 10, max_period: 20, max_retries: 2 },
      }),
    );
    const started = Date.now();
    await assert.rejects(c.headObject('x'), (err: unknown) => err instanceof Error && err.name === 'TimeoutError');
    assert.ok(Date.now() - started < 3_000);
  });

  test('a caller abort ends the request at once, without retries', async () => {
    connections = 0;
    const c = client(hungStoreConfig({ backoff_config: { min_period: 10, max_period: 20, max_retries: 10 } }));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    await assert.rejects(c.getObject('x', controller.signal));
    assert.ok(Date.now() - started < 2_000);
    assert.equal(connections, 1);
  });
});

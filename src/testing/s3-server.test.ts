import assert from 'node:assert/strict';
import { lookup } from 'node:dns/promises';
import { test } from 'node:test';
import { resolveLocalhostSubdomains } from '../storage/objstore/localhost-lookup.js';
import { S3ObjectClient } from '../storage/objstore/s3.js';
import { S3_TEST_ACCESS_KEY_ID, S3_TEST_REGION, S3_TEST_SECRET_ACCESS_KEY, startS3Server } from './s3-server.js';

test('the S3 test server keeps objects across halt and resume on the same port', async () => {
  const server = await startS3Server({ buckets: ['keep'] });
  const client = new S3ObjectClient({
    endpoint: server.endpoint,
    bucketnames: 'keep',
    s3forcepathstyle: true,
    region: S3_TEST_REGION,
    access_key_id: S3_TEST_ACCESS_KEY_ID,
    secret_access_key: S3_TEST_SECRET_ACCESS_KEY,
    backoff_config: { min_period: 5, max_period: 10, max_retries: 2 },
  });
  try {
    await client.putObject('survives', Buffer.from('yes'));
    const port = server.port;
    await server.halt();
    assert.equal(server.running, false);
    await assert.rejects(client.getObject('survives'));
    await server.resume();
    assert.equal(server.port, port);
    assert.equal((await client.getObject('survives')).toString(), 'yes');
    await server.createBuckets(['added']);
  } finally {
    await client.stop();
    await server.stop();
  }
});

test('resolveLocalhostSubdomains sends every *.localhost name to the loopback address', async () => {
  const resolve = (name: string, all: boolean) =>
    new Promise<unknown>((done, fail) =>
      resolveLocalhostSubdomains(name, { all }, (err, address) => (err ? fail(err) : done(address))),
    );
  assert.equal(await resolve('bucket.s3.localhost', false), '127.0.0.1');
  assert.deepEqual(await resolve('Bucket.S3.LOCALHOST', true), [{ address: '127.0.0.1', family: 4 }]);
  const system = await lookup('127.0.0.1');
  assert.equal(await resolve('127.0.0.1', false), system.address);
});

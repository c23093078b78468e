import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeObjectClientContract } from '../../testing/object-client-contract.js';
import { isObjectNotFound } from './client.js';
import { InMemoryObjectClient } from './memory.js';
import { normalizeObjectPrefix, PrefixedObjectClient } from './prefixed.js';

describeObjectClientContract('prefixed (object_prefix)', async () => {
  const inner = new InMemoryObjectClient();
  // Something outside the prefix must stay invisible.
  await inner.putObject('elsewhere/x', Buffer.from('x'));
  const client = new PrefixedObjectClient(inner, 'loki/');
  return { client, close: () => client.stop() };
});

test('object_prefix is normalised as Loki does', () => {
  assert.equal(normalizeObjectPrefix('loki'), 'loki/');
  assert.equal(normalizeObjectPrefix('/loki/dev/'), 'loki/dev/');
  assert.equal(normalizeObjectPrefix(''), '');
  assert.equal(normalizeObjectPrefix(undefined), '');
  assert.equal(normalizeObjectPrefix('///'), '');
});

test('keys are stored under the prefix and listed without it', async () => {
  const inner = new InMemoryObjectClient();
  const client = new PrefixedObjectClient(inner, 'tenant-a/');
  await client.putObject('index/t1/f', Buffer.from('1'));
  assert.deepEqual(
    (await inner.list('')).objects.map((o) => o.key),
    ['tenant-a/index/t1/f'],
  );
  assert.deepEqual((await client.list('index/', '/')).commonPrefixes, ['index/t1/']);
  assert.equal((await client.headObject('index/t1/f'))?.key, 'index/t1/f');
  await assert.rejects(client.getObject('missing'), (err: unknown) => isObjectNotFound(err) && err.key === 'missing');
});

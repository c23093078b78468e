import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeObjectClientContract } from '../../testing/object-client-contract.js';
import { InMemoryObjectClient } from './memory.js';

describeObjectClientContract('in-memory', async () => {
  const client = new InMemoryObjectClient();
  return { client, close: () => client.stop() };
});

test('callers cannot change stored objects through the buffers they pass or get', async () => {
  const client = new InMemoryObjectClient();
  const body = Buffer.from('original');
  await client.putObject('k', body);
  body.fill(0);
  const read = await client.getObject('k');
  read.fill(0);
  assert.equal((await client.getObject('k')).toString(), 'original');
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InMemoryObjectClient } from '../storage/objstore/memory.js';
import {
  DeleteRequestsStore,
  DeleteRequestsStoreError,
  deleteRequestsKey,
  fnv1_32,
  generateRequestId,
  shardRange,
  statusOf,
} from './delete-requests-store.js';

const HOUR = 3_600_000;
const KEY = deleteRequestsKey('index/');

describe('delete requests store', () => {
  it('hashes ids with FNV-1 as Loki does', () => {
    assert.equal(fnv1_32(Buffer.from('')), 0x811c9dc5);
    assert.equal(fnv1_32(Buffer.from('a')), 0x050c5d7e);
    assert.equal(fnv1_32(Buffer.from('foobar')), 0x31f0b262);
    assert.match(generateRequestId('t', '{a="b"}', 1n), /^[0-9a-f]{8}$/);
    assert.notEqual(generateRequestId('t', '{a="b"}', 1n), generateRequestId('t', '{a="b"}', 2n));
  });

  it('shards a range on interval boundaries, the first shard starting at the request', () => {
    assert.deepEqual(shardRange(0, 1000, 0), [[0, 1000]]);
    assert.deepEqual(shardRange(0, 1000, 1000), [[0, 1000]]);
    assert.deepEqual(shardRange(30 * 60_000, 3 * HOUR, HOUR), [
      [30 * 60_000, HOUR],
      [HOUR, 2 * HOUR],
      [2 * HOUR, 3 * HOUR],
    ]);
    assert.deepEqual(shardRange(0, 2 * HOUR + 1, HOUR), [
      [0, HOUR],
      [HOUR, 2 * HOUR],
      [2 * HOUR, 2 * HOUR + 1],
    ]);
  });

  it('reports received, processed and the share of processed shards', () => {
    assert.equal(statusOf(0, 3), 'received');
    assert.equal(statusOf(3, 3), 'processed');
    assert.equal(statusOf(1, 3), '33% Complete');
    assert.equal(statusOf(2, 3), '66% Complete');
  });

  it('keeps requests across a restart and shows a sharded request once', async () => {
    const client = new InMemoryObjectClient();
    let now = 10 * HOUR;
    const store = await DeleteRequestsStore.open(client, KEY, () => now);
    const id = await store.add('t', '{a="b"} |= "x"', 0, 3 * HOUR, HOUR);
    now += 1000;
    const other = await store.add('t', '{a="c"}', HOUR, 2 * HOUR, 0);
    await store.add('u', '{a="b"}', 0, HOUR, 0);
    assert.equal(store.unprocessedShards().length, 5);

    const reopened = await DeleteRequestsStore.open(client, KEY);
    const views = reopened.forTenant('t');
    assert.deepEqual(
      views.map((v) => [v.requestId, v.startMs, v.endMs, v.status]),
      [
        [id, 0, 3 * HOUR, 'received'],
        [other, HOUR, 2 * HOUR, 'received'],
      ],
    );
    await reopened.markProcessed(reopened.unprocessedShards().filter((s) => s.requestId === id && s.seq < 2));
    assert.equal(reopened.get('t', id)?.status, '66% Complete');
    await reopened.markProcessed(reopened.unprocessedShards().filter((s) => s.requestId === id));
    await reopened.mergeShardedRequests();
    const shards = (await DeleteRequestsStore.open(client, KEY)).all().filter((v) => v.requestId === id);
    assert.deepEqual(
      shards.map((v) => [v.startMs, v.endMs, v.status]),
      [[0, 3 * HOUR, 'processed']],
    );
    assert.equal(reopened.unprocessedShards().length, 2);
  });

  it('removes a request only for its own tenant', async () => {
    const store = await DeleteRequestsStore.open(new InMemoryObjectClient(), KEY);
    const id = await store.add('t', '{a="b"}', 0, HOUR, 0);
    assert.equal(await store.remove('u', id), false);
    assert.ok(store.get('t', id));
    assert.equal(await store.remove('t', id), true);
    assert.equal(store.get('t', id), undefined);
  });

  it('changes nothing in memory when the document cannot be written', async () => {
    const client = new InMemoryObjectClient();
    const store = await DeleteRequestsStore.open(client, KEY);
    client.putObject = () => Promise.reject(new Error('store down'));
    await assert.rejects(store.add('t', '{a="b"}', 0, HOUR, 0), /store down/);
    assert.deepEqual(store.all(), []);
  });

  it('refuses a document it does not understand', async () => {
    const client = new InMemoryObjectClient();
    await client.putObject(KEY, Buffer.from('{"version":7}'));
    await assert.rejects(DeleteRequestsStore.open(client, KEY), DeleteRequestsStoreError);
  });

  it('bumps the tenant’s cache generation number on every change', async () => {
    const store = await DeleteRequestsStore.open(new InMemoryObjectClient(), KEY);
    assert.equal(store.cacheGenNumber('t'), '');
    const id = await store.add('t', '{a="b"}', 0, HOUR, 0);
    const first = store.cacheGenNumber('t');
    assert.match(first, /^\d+$/);
    await store.remove('t', id);
    assert.notEqual(store.cacheGenNumber('t'), first);
    assert.equal(store.cacheGenNumber('u'), '');
  });
});

import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { chunkKey } from '../storage/chunk/chunk.js';
import { InMemoryObjectClient } from '../storage/objstore/memory.js';
import { DeleteRequestsStore, deleteRequestsKey } from './delete-requests-store.js';
import {
  DAY_MS,
  keysUnder,
  limitsFor,
  memoryStore,
  readLines,
  type TestEntry,
  testCompactor,
  writeStream,
} from './test-support.js';

const NOW = Date.UTC(2025, 0, 20, 12, 0, 0);
const HOUR = 3_600_000;

function entries(startMs: number, n: number, line: (i: number) => string, stepMs = 1000): TestEntry[] {
  return Array.from({ length: n }, (_, i) => ({ ms: startMs + i * stepMs, line: line(i) }));
}

async function metric(registry: import('prom-client').Registry, name: string, labels: Record<string, string> = {}) {
  const m = await registry.getSingleMetric(name)?.get();
  let total = 0;
  for (const v of m?.values ?? []) {
    if (Object.entries(labels).every(([k, x]) => String(v.labels[k]) === x)) total += v.value;
  }
  return total;
}

describe('index compaction', () => {
  it('merges each tenant’s index files of a table into one and answers queries the same', async () => {
    const client = new InMemoryObjectClient();
    const store = memoryStore(client);
    for (let i = 0; i < 3; i++)
      await writeStream(
        store,
        'a',
        { app: `x${i}` },
        entries(NOW - HOUR, 5, (j) => `a${i}-${j}`),
      );
    for (let i = 0; i < 2; i++)
      await writeStream(
        store,
        'b',
        { app: 'y' },
        entries(NOW - HOUR + i * 10_000, 3, (j) => `b${i}-${j}`),
      );
    const table = `index_${Math.floor(NOW / DAY_MS)}`;
    assert.equal((await keysUnder(client, `index/${table}/a/`)).length, 3);
    const before = { a: await readLines(store, 'a', '{app=~".+"}'), b: await readLines(store, 'b', '{app="y"}') };

    const t = await testCompactor(store, { nowMs: () => NOW });
    await t.compactor.runCompaction(false);

    const aFiles = await keysUnder(client, `index/${table}/a/`);
    const bFiles = await keysUnder(client, `index/${table}/b/`);
    assert.equal(aFiles.length, 1);
    assert.equal(bFiles.length, 1);
    assert.match(aFiles[0]!, /\/compactor-\d+-\d+\.skx$/);
    assert.deepEqual(await readLines(store, 'a', '{app=~".+"}'), before.a);
    assert.deepEqual(await readLines(store, 'b', '{app="y"}'), before.b);
    // Another process, which never saw the old files, reads the same from the compacted one.
    assert.deepEqual(await readLines(memoryStore(client), 'a', '{app=~".+"}'), before.a);
    assert.equal(
      await metric(t.registry, 'loki_boltdb_shipper_compact_tables_operation_total', { status: 'success' }),
      1,
    );

    // Nothing left to merge: a second pass rewrites nothing.
    await t.compactor.runCompaction(false);
    assert.deepEqual(await keysUnder(client, `index/${table}/a/`), aFiles);
    await rm(t.workingDirectory, { recursive: true, force: true });
  });

  it('leaves the delete requests beside the tables alone', async () => {
    const client = new InMemoryObjectClient();
    const store = memoryStore(client);
    await client.putObject(deleteRequestsKey('index/'), Buffer.from('{"version":1,"shards":[],"cacheGen":{}}'));
    await writeStream(
      store,
      'a',
      { app: 'x' },
      entries(NOW - HOUR, 2, (j) => `l${j}`),
    );
    await writeStream(
      store,
      'a',
      { app: 'x' },
      entries(NOW - HOUR + 5000, 2, (j) => `m${j}`),
    );
    const t = await testCompactor(store, { nowMs: () => NOW });
    await t.compactor.runCompaction(true);
    assert.ok(await client.headObject(deleteRequestsKey('index/')));
    assert.equal((await readLines(store, 'a', '{app="x"}')).length, 4);
    await rm(t.workingDirectory, { recursive: true, force: true });
  });
});

describe('retention', () => {
  it('drops the old data of a tenant with a retention period and keeps everything of the others', async () => {
    const client = new InMemoryObjectClient();
    const store = memoryStore(client);
    const old = NOW - 10 * DAY_MS;
    const oldA = await writeStream(
      store,
      'a',
      { app: 'x' },
      entries(old, 3, (i) => `old-a${i}`),
    );
    await writeStream(
      store,
      'a',
      { app: 'x' },
      entries(NOW - HOUR, 3, (i) => `new-a${i}`),
    );
    await writeStream(
      store,
      'b',
      { app: 'x' },
      entries(old, 3, (i) => `old-b${i}`),
    );
    let now = NOW;
    const t = await testCompactor(store, {
      limits: limitsFor({ a: { retention_period: 7 * DAY_MS } }),
      nowMs: () => now,
      settings: { retentionDeleteDelayMs: HOUR },
    });
    const oldTable = `index_${Math.floor(old / DAY_MS)}`;

    await t.compactor.runCompaction(true);

    assert.deepEqual(await readLines(store, 'a', '{app="x"}', 0), [
      '{app="x"} new-a0',
      '{app="x"} new-a1',
      '{app="x"} new-a2',
    ]);
    assert.equal((await readLines(store, 'b', '{app="x"}', 0)).length, 3);
    assert.deepEqual(await keysUnder(client, `index/${oldTable}/a/`), [], 'the expired table is dropped for tenant a');
    assert.equal((await keysUnder(client, `index/${oldTable}/b/`)).length, 1);
    assert.ok(await client.headObject(oldA.key), 'the chunk survives until the delete delay has passed');
    assert.equal(
      await metric(t.registry, 'loki_boltdb_shipper_retention_marker_table_processed_total', {
        table: oldTable,
        user_id: 'a',
        action: 'deleted',
      }),
      1,
    );

    await t.compactor.sweep();
    assert.ok(await client.headObject(oldA.key), 'a marker younger than the delay is not swept');
    now += HOUR + 1000;
    await t.compactor.sweep();
    assert.equal(await client.headObject(oldA.key), null, 'the sweeper deleted the expired chunk');
    assert.equal((await readLines(store, 'b', '{app="x"}', 0)).length, 3);
    assert.equal(await metric(t.registry, 'loki_boltdb_shipper_retention_sweeper_marker_files_deleted_total'), 1);
    await rm(t.workingDirectory, { recursive: true, force: true });
  });

  it('applies the matching retention_stream rule of the highest priority', async () => {
    const client = new InMemoryObjectClient();
    const store = memoryStore(client);
    const old = NOW - 3 * DAY_MS;
    await writeStream(
      store,
      'a',
      { app: 'debug' },
      entries(old, 2, (i) => `debug${i}`),
    );
    await writeStream(
      store,
      'a',
      { app: 'audit' },
      entries(old, 2, (i) => `audit${i}`),
    );
    await writeStream(
      store,
      'a',
      { app: 'web' },
      entries(old, 2, (i) => `web${i}`),
    );
    const t = await testCompactor(store, {
      limits: limitsFor({
        a: {
          retention_period: 2 * DAY_MS,
          retention_stream: [
            { selector: '{app=~"debug|audit"}', priority: 1, period: DAY_MS },
            { selector: '{app="audit"}', priority: 2, period: 30 * DAY_MS },
          ],
        },
      }),
      nowMs: () => NOW,
    });
    await t.compactor.runCompaction(true);
    assert.deepEqual(await readLines(store, 'a', '{app=~".+"}', 0), ['{app="audit"} audit0', '{app="audit"} audit1']);
    await rm(t.workingDirectory, { recursive: true, force: true });
  });

  it('drops a chunk from an expired table while the next table still indexes it', async () => {
    const client = new InMemoryObjectClient();
    const store = memoryStore(client);
    const dayStart = Math.floor((NOW - 3 * DAY_MS) / DAY_MS) * DAY_MS;
    // From the last hour of one day into the first hour three days later: indexed in four tables.
    await writeStream(store, 'a', { app: 'x' }, [
      { ms: dayStart + DAY_MS - HOUR, line: 'evening' },
      { ms: dayStart + DAY_MS + 2 * DAY_MS + HOUR, line: 'later' },
    ]);
    const first = `index_${dayStart / DAY_MS}`;
    const t = await testCompactor(store, {
      limits: limitsFor({ a: { retention_period: 2 * DAY_MS + 2 * HOUR } }),
      nowMs: () => NOW,
    });
    assert.equal((await keysUnder(client, `index/${first}/a/`)).length, 1);
    await t.compactor.runCompaction(true);
    assert.deepEqual(await keysUnder(client, `index/${first}/a/`), [], 'the expired first table lets go of the chunk');
    assert.deepEqual(await readLines(store, 'a', '{app="x"}', 0), ['{app="x"} evening', '{app="x"} later']);
    await rm(t.workingDirectory, { recursive: true, force: true });
  });
});

describe('delete requests', () => {
  async function setup(mode: 'filter-and-delete' | 'filter-only' = 'filter-and-delete') {
    const client = new InMemoryObjectClient();
    const store = memoryStore(client);
    let now = NOW;
    const requests = await DeleteRequestsStore.open(client, deleteRequestsKey('index/'), () => now);
    const t = await testCompactor(store, {
      limits: limitsFor({}, { deletion_mode: mode }),
      nowMs: () => now,
      deleteRequests: requests,
      settings: { deleteRequestCancelPeriodMs: HOUR, retentionDeleteDelayMs: HOUR },
    });
    return {
      client,
      store,
      requests,
      t,
      advance: (ms: number) => {
        now += ms;
      },
      cleanup: () => rm(t.workingDirectory, { recursive: true, force: true }),
    };
  }

  it('removes the matching lines of the tenant once the cancellation period is over, and nothing else', async () => {
    const s = await setup();
    const a = await writeStream(
      s.store,
      'a',
      { app: 'x' },
      entries(NOW - 2 * HOUR, 6, (i) => (i % 2 ? `secret ${i}` : `ok ${i}`)),
    );
    await writeStream(
      s.store,
      'b',
      { app: 'x' },
      entries(NOW - 2 * HOUR, 2, (i) => `secret b${i}`),
    );
    const id = await s.requests.add('a', '{app="x"} |= "secret"', NOW - 3 * HOUR, NOW - HOUR, 0);

    await s.t.compactor.runCompaction(true);
    assert.equal((await readLines(s.store, 'a', '{app="x"}')).length, 6, 'still cancellable: nothing deleted');

    s.advance(HOUR + 60_000);
    await s.t.compactor.runCompaction(true);
    assert.deepEqual(await readLines(s.store, 'a', '{app="x"}'), [
      '{app="x"} ok 0',
      '{app="x"} ok 2',
      '{app="x"} ok 4',
    ]);
    assert.deepEqual(await readLines(s.store, 'b', '{app="x"}'), ['{app="x"} secret b0', '{app="x"} secret b1']);
    assert.equal(s.requests.get('a', id)?.status, 'processed');
    assert.equal(await metric(s.t.registry, 'loki_compactor_deleted_lines', { user: 'a' }), 3);
    assert.equal(await metric(s.t.registry, 'loki_compactor_delete_requests_processed_total', { user: 'a' }), 1);
    assert.ok(await s.client.headObject(a.key), 'the source chunk waits for the delete delay');
    s.advance(HOUR + 1000);
    await s.t.compactor.sweep();
    assert.equal(await s.client.headObject(a.key), null);
    assert.equal((await readLines(s.store, 'a', '{app="x"}')).length, 3);
    await s.cleanup();
  });

  it('drops chunks a request without filters covers entirely, and cuts the ones it covers in part', async () => {
    const s = await setup();
    const inside = await writeStream(
      s.store,
      'a',
      { app: 'x' },
      entries(NOW - 5 * HOUR, 3, (i) => `in${i}`),
    );
    await writeStream(
      s.store,
      'a',
      { app: 'x' },
      entries(NOW - 3 * HOUR - 1000, 3, (i) => `edge${i}`),
    );
    await writeStream(
      s.store,
      'a',
      { app: 'y' },
      entries(NOW - 5 * HOUR, 2, (i) => `other${i}`),
    );
    await s.requests.add('a', '{app="x"}', NOW - 6 * HOUR, NOW - 3 * HOUR, 0);
    s.advance(2 * HOUR);
    await s.t.compactor.runCompaction(true);
    assert.deepEqual(await readLines(s.store, 'a', '{app=~".+"}'), [
      '{app="y"} other0',
      '{app="y"} other1',
      '{app="x"} edge2',
    ]);
    const markers = await keysUnder(s.t.compactor.markerClients()[0]!, '');
    assert.equal(markers.length, 1);
    const body = (await s.t.compactor.markerClients()[0]!.getObject(markers[0]!)).toString();
    assert.ok(body.includes(inside.key));
    await s.cleanup();
  });

  it('leaves data alone in filter-only mode and for requests still in their cancellation period', async () => {
    const s = await setup('filter-only');
    await writeStream(
      s.store,
      'a',
      { app: 'x' },
      entries(NOW - 2 * HOUR, 2, (i) => `l${i}`),
    );
    const id = await s.requests.add('a', '{app="x"}', NOW - 3 * HOUR, NOW - HOUR, 0);
    s.advance(3 * HOUR);
    await s.t.compactor.runCompaction(true);
    assert.equal((await readLines(s.store, 'a', '{app="x"}')).length, 2);
    assert.equal(s.requests.get('a', id)?.status, 'received');
    await s.cleanup();
  });

  it('rewrites a chunk that spans two tables once and indexes the result in both', async () => {
    const s = await setup();
    const dayStart = Math.floor(NOW / DAY_MS) * DAY_MS;
    const spanning = await writeStream(s.store, 'a', { app: 'x' }, [
      { ms: dayStart - HOUR, line: 'keep before midnight' },
      { ms: dayStart - HOUR + 1, line: 'drop me' },
      { ms: dayStart + 1000, line: 'keep after midnight' },
    ]);
    await s.requests.add('a', '{app="x"} |= "drop"', dayStart - 2 * HOUR, dayStart + HOUR, 0);
    s.advance(2 * HOUR);
    await s.t.compactor.runCompaction(true);
    const yesterday = await readLines(s.store, 'a', '{app="x"}', dayStart - DAY_MS, dayStart - 1);
    const today = await readLines(s.store, 'a', '{app="x"}', dayStart, dayStart + DAY_MS);
    assert.deepEqual(yesterday, ['{app="x"} keep before midnight', '{app="x"} keep after midnight']);
    assert.deepEqual(today, yesterday);
    const chunks = (await keysUnder(s.client, 'a/')).filter((k) => k !== spanning.key);
    assert.equal(chunks.length, 1, 'one rewritten chunk');
    assert.notEqual(
      chunks[0],
      chunkKey('a', spanning.fp, spanning.ref.fromMs, spanning.ref.throughMs, spanning.ref.checksum),
    );
    await s.cleanup();
  });

  it('drops the index entry of a selected chunk that no longer exists instead of failing every pass', async () => {
    const s = await setup();
    const gone = await writeStream(
      s.store,
      'a',
      { app: 'x' },
      entries(NOW - 2 * HOUR, 2, (i) => `gone${i} secret`),
    );
    await writeStream(
      s.store,
      'a',
      { app: 'x' },
      entries(NOW - HOUR, 2, (i) => `kept${i}`),
    );
    await s.client.deleteObject(gone.key);
    const id = await s.requests.add('a', '{app="x"} |= "secret"', NOW - 3 * HOUR, NOW - 1, 0);
    s.advance(2 * HOUR);
    await s.t.compactor.runCompaction(true);
    assert.equal(s.requests.get('a', id)?.status, 'processed');
    assert.deepEqual(await readLines(s.store, 'a', '{app="x"}'), ['{app="x"} kept0', '{app="x"} kept1']);
    await s.cleanup();
  });

  it('marks a request for data older than the tenant keeps as processed without touching chunks', async () => {
    const s = await setup();
    const old = NOW - 40 * DAY_MS;
    const id = await s.requests.add('a', '{app="x"}', old, old + HOUR, 0);
    s.advance(2 * HOUR);
    const t = await testCompactor(s.store, {
      limits: limitsFor({ a: { retention_period: 30 * DAY_MS } }),
      nowMs: () => NOW + 2 * HOUR,
      deleteRequests: s.requests,
      settings: { deleteRequestCancelPeriodMs: HOUR },
    });
    await t.compactor.runCompaction(true);
    assert.equal(s.requests.get('a', id)?.status, 'processed');
    await rm(t.workingDirectory, { recursive: true, force: true });
    await s.cleanup();
  });
});

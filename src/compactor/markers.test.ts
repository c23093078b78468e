import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { InMemoryObjectClient } from '../storage/objstore/memory.js';
import { MarkerStore, Sweeper } from './markers.js';
import { compactorMetrics } from './metrics.js';
import { silentLogger } from './test-support.js';

const HOUR = 3_600_000;

function setup(deleteChunk: (key: string) => Promise<void>) {
  let now = 1_000 * HOUR;
  const client = new InMemoryObjectClient();
  const markers = new MarkerStore(client, () => now);
  const registry = new Registry();
  const sweeper = new Sweeper({
    markers,
    deleteChunk,
    delayMs: HOUR,
    workers: 4,
    backoff: { minMs: 1, maxMs: 2, maxRetries: 3 },
    metrics: compactorMetrics(registry),
    from: 'memory_1970-01-01',
    logger: silentLogger,
    nowMs: () => now,
  });
  return {
    client,
    markers,
    sweeper,
    registry,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('deletion markers and the sweeper', () => {
  it('deletes the chunks of a marker only after the delay, then the marker', async () => {
    const deleted: string[] = [];
    const s = setup(async (k) => {
      deleted.push(k);
    });
    await s.markers.put(['t/fp/1:2:3', 't/fp/4:5:6']);
    await s.markers.put([]);
    assert.equal((await s.markers.list()).length, 1, 'an empty marker is not written');
    await s.sweeper.sweep();
    assert.deepEqual(deleted, []);
    s.advance(HOUR + 1);
    await s.markers.put(['t/fp/7:8:9']);
    await s.sweeper.sweep();
    assert.deepEqual(deleted.sort(), ['t/fp/1:2:3', 't/fp/4:5:6']);
    assert.equal((await s.markers.list()).length, 1, 'the younger marker waits');
  });

  it('retries a failed delete and keeps the marker when it still fails', async () => {
    let calls = 0;
    const s = setup(async (k) => {
      calls++;
      if (k === 'bad') throw new Error('store down');
    });
    await s.markers.put(['good', 'bad']);
    s.advance(HOUR + 1);
    await s.sweeper.sweep();
    assert.equal(calls, 1 + 4, 'one success, one failure tried four times');
    assert.equal((await s.markers.list()).length, 1);
    const text = await s.registry.metrics();
    assert.match(
      text,
      /loki_boltdb_shipper_retention_sweeper_chunk_deleted_duration_seconds_count\{status="failure",from="memory_1970-01-01"\} 1/,
    );
  });

  it('leaves files that are not its markers alone', async () => {
    const deleted: string[] = [];
    const s = setup(async (k) => {
      deleted.push(k);
    });
    await s.client.putObject('12345', Buffer.from('binary boltdb file'));
    await s.client.putObject('notes.txt', Buffer.from('x'));
    s.advance(HOUR + 1);
    await s.sweeper.sweep();
    assert.deepEqual(deleted, []);
    assert.ok(await s.client.headObject('12345'));
  });

  it('names markers after their creation time, in order', async () => {
    const s = setup(async () => undefined);
    for (let i = 0; i < 5; i++) await s.markers.put([`k${i}`]);
    const names = (await s.markers.list()).map((m) => m.name);
    assert.deepEqual(
      [...names].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1)),
      names,
    );
    assert.equal(new Set(names).size, 5);
    assert.deepEqual(await s.markers.read(names[0]!), ['k0']);
  });
});

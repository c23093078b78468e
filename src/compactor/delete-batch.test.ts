import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { labelsFromRecord } from '../util/labels.js';
import { DeleteBatch } from './delete-batch.js';
import type { DeleteRequestShard } from './delete-requests-store.js';
import { compactorMetrics } from './metrics.js';
import { silentLogger } from './test-support.js';

const HOUR = 3_600_000;
const NOW = 1_000 * HOUR;

function shard(
  requestId: string,
  tenant: string,
  query: string,
  startMs: number,
  endMs: number,
  createdAtMs = 0,
): DeleteRequestShard {
  return { requestId, tenant, query, startMs, endMs, createdAtMs, seq: 0, processed: false };
}

function load(
  shards: DeleteRequestShard[],
  o: { modes?: Record<string, string>; retention?: number; batchSize?: number } = {},
) {
  return DeleteBatch.load({
    shards,
    nowMs: NOW,
    cancelPeriodMs: HOUR,
    batchSize: o.batchSize ?? 70,
    deletionMode: (t) => o.modes?.[t] ?? 'filter-and-delete',
    longestRetention: () => o.retention ?? 0,
    metrics: compactorMetrics(new Registry()),
    logger: silentLogger,
  });
}

describe('delete request batches', () => {
  it('take requests a minute past their cancellation period, of tenants in filter-and-delete mode', () => {
    const b = load(
      [
        shard('1', 'a', '{x="1"}', 0, 10, NOW - HOUR - 60_000),
        shard('2', 'a', '{x="2"}', 0, 10, NOW - HOUR - 59_000),
        shard('3', 'b', '{x="3"}', 0, 10, 0),
      ],
      { modes: { b: 'filter-only' } },
    );
    assert.deepEqual(
      b.shards().map((s) => s.requestId),
      ['1'],
    );
    assert.equal(b.hasTenant('b'), false);
  });

  it('process an identical request along with the first and give up on ranges older than retention', () => {
    const b = load(
      [
        shard('1', 'a', '{x="1"}', NOW - 10 * HOUR, NOW - 9 * HOUR),
        shard('2', 'a', '{x = "1"}', NOW - 10 * HOUR, NOW - 9 * HOUR),
        shard('3', 'a', '{x="1"}', NOW - 100 * HOUR, NOW - 99 * HOUR),
      ],
      { retention: 50 * HOUR },
    );
    assert.deepEqual(
      b.shards().map((s) => s.requestId),
      ['1'],
    );
    assert.deepEqual(
      b.duplicates.map((s) => s.requestId),
      ['2'],
    );
    assert.deepEqual(
      b.beyondRetention.map((s) => s.requestId),
      ['3'],
    );
  });

  it('stop at the batch size, oldest ranges first', () => {
    const b = load([shard('new', 'a', '{x="1"}', 50, 60), shard('old', 'a', '{x="2"}', 10, 20)], { batchSize: 1 });
    assert.deepEqual(
      b.shards().map((s) => s.requestId),
      ['old'],
    );
  });

  it('combine the requests of a tenant on a chunk', () => {
    const b = load([shard('1', 'a', '{x="1"} |= "foo"', 0, 100), shard('2', 'a', '{x="1"} |= "bar"', 0, 100)]);
    const v = b.verdict('a', labelsFromRecord({ x: '1' }), 0, 100);
    if (v.kind !== 'filter') assert.fail('expected a filter');
    assert.equal(v.filter(0n, 1e6, 'foo', []), true);
    assert.equal(v.filter(0n, 1e6, 'bar', []), true);
    assert.equal(v.filter(0n, 1e6, 'baz', []), false);
    assert.equal(b.verdict('other', labelsFromRecord({ x: '1' }), 0, 100).kind, 'keep');
    assert.equal(b.verdict('a', labelsFromRecord({ x: '1' }), 200, 300).kind, 'keep');
  });
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemChunk } from '../../storage/chunk/chunk.js';
import { Codec } from '../../storage/chunk/compression.js';
import type { IngesterStream } from '../sources.js';
import { joinReplicas, RingIngesterReader } from './ingester-querier.js';

function chunk(lines: string[]): MemChunk {
  const c = new MemChunk(Codec.Snappy, 16, 0, 1_700_000_000);
  for (const [i, l] of lines.entries()) c.append(i * 1000, Buffer.from(l), []);
  return c;
}

function stream(key: string, ...chunks: MemChunk[]): IngesterStream {
  return { labels: [{ name: 'app', value: key }], key, fp: key, chunks: chunks.map((c) => ({ chunk: c })) };
}

test('replicas of a stream are joined; identical chunks are kept once', () => {
  // Same entries in the same order cut the same blocks on every replica.
  const a = chunk(['one', 'two', 'three', 'four']);
  const b = chunk(['one', 'two', 'three', 'four']);
  const longer = chunk(['one', 'two', 'three', 'four', 'five']);
  const joined = joinReplicas([[stream('s', a), stream('t', chunk(['x']))], [stream('s', b)], [stream('s', longer)]]);
  assert.deepEqual(
    joined.map((s) => [s.key, s.chunks.length]),
    [
      ['s', 2],
      ['t', 1],
    ],
  );
  // Flushed chunks are told apart by their store key.
  const flushed = joinReplicas([
    [{ ...stream('s'), chunks: [{ chunk: a, storeKey: 'k1' }] }],
    [{ ...stream('s'), chunks: [{ chunk: longer, storeKey: 'k1' }] }],
  ]);
  assert.equal(flushed[0]!.chunks.length, 1);
});

test('queries ending before query_ingesters_within skip the ingesters', async () => {
  let asked = 0;
  const now = 10 * 3600_000;
  const reader = new RingIngesterReader({
    ring: {
      replicationSetForOperation: () => {
        asked++;
        return { instances: [], maxErrors: 0 };
      },
      allHealthy: () => [],
    },
    pool: undefined as never,
    timeoutMs: 1000,
    queryIngestersWithinMs: 3 * 3600_000,
    now: () => now,
  });
  const ns = (ms: number) => BigInt(ms) * 1_000_000n;
  assert.deepEqual(await reader.select('t', [], ns(0), ns(now - 4 * 3600_000)), []);
  assert.equal(asked, 0);
  await reader.select('t', [], ns(0), ns(now - 3600_000));
  assert.equal(asked, 1);
});

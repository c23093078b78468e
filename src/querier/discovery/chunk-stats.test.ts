import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gatherStreams } from '../sources.js';
import { overlaps, streamStatsInRange, summarizeStreams, timeShare } from './chunk-stats.js';
import { selectorMatchers, TEST_TENANT, type TestStream, testSources } from './test-sources.js';

const SEC = 1_000_000_000n;
const BASE_SEC = 1_700_000_000;
const BASE = BigInt(BASE_SEC) * SEC;
const ms = (sec: number) => (BASE_SEC + sec) * 1000;

function stream(app: string, seconds: number): TestStream {
  return {
    labels: { app },
    entries: Array.from({ length: seconds }, (_, i) => ({
      ts: BASE + BigInt(i) * SEC,
      line: `line ${String(i).padStart(3, '0')}`,
    })),
  };
}

async function summaries(opts: Parameters<typeof testSources>[0]) {
  const sources = await testSources(opts);
  const streams = await gatherStreams(sources, TEST_TENANT, selectorMatchers('{app=~".+"}'), 0n, BASE * 2n);
  return summarizeStreams(streams);
}

describe('chunk statistics without decompression', () => {
  it('computes the time share of a span inside a range as Loki does', () => {
    assert.equal(timeShare(0, 100, 0, 100), 1);
    assert.equal(timeShare(50, 100, 0, 100), 0.5);
    assert.equal(timeShare(0, 25, 0, 100), 0.25);
    assert.equal(timeShare(200, 300, 0, 100), 0);
    assert.equal(timeShare(0, 10, 5, 5), 1);
  });

  it('treats the range end as exclusive when deciding overlap', () => {
    assert.equal(overlaps(0, 100, 100, 200), false);
    assert.equal(overlaps(0, 101, 100, 200), true);
    assert.equal(overlaps(200, 300, 100, 200), true);
  });

  it('counts whole chunks exactly when the range covers them, in memory and in the store', async () => {
    for (const where of ['memory', 'stored'] as const) {
      const [s] = await summaries({ [where]: [stream('a', 100)], blockSize: 200 });
      const stats = streamStatsInRange(s!, ms(0), ms(100));
      assert.deepEqual(stats, { chunks: 1, entries: 100, bytes: 800 }, where);
    }
  });

  it('summarises in-memory chunks block by block, the head included', async () => {
    const [s] = await summaries({ memory: [stream('a', 100)], blockSize: 200 });
    const pieces = s!.chunks[0]!.pieces;
    assert.ok(pieces.length > 1);
    assert.equal(
      pieces.reduce((n, p) => n + p.entries, 0),
      100,
    );
  });

  it('estimates a partly covered chunk by its time share', async () => {
    const [stored] = await summaries({ stored: [stream('a', 101)] });
    // One piece spanning 100s; the first quarter of it.
    assert.deepEqual(streamStatsInRange(stored!, ms(0), ms(25)), { chunks: 1, entries: 25, bytes: 202 });
    const [memory] = await summaries({ memory: [stream('a', 101)], blockSize: 80 });
    const estimate = streamStatsInRange(memory!, ms(0), ms(25));
    assert.ok(Math.abs(estimate.entries - 25) <= 2, `entries ${estimate.entries}`);
  });
});

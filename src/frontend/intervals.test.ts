import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alignGrid, alignRange, gridBuckets, logBatches, logIntervals, mergeAdjacent } from './intervals.js';

const MS = 1_000_000n;
const H = 3_600_000;

describe('alignGrid', () => {
  it('rounds the start down and the end up to the step, as Loki splits metric queries', () => {
    const g = alignGrid(61_500n * MS, 179_000n * MS, 60_000n * MS, false);
    assert.deepEqual(g, { startMs: 60_000, endMs: 180_000, stepMs: 60_000 });
  });

  it('rounds the end down too with align_queries_with_step', () => {
    const g = alignGrid(61_500n * MS, 179_000n * MS, 60_000n * MS, true);
    assert.deepEqual(g, { startMs: 60_000, endMs: 120_000, stepMs: 60_000 });
  });

  it('keeps an aligned query as it is', () => {
    assert.deepEqual(alignGrid(120_000n * MS, 240_000n * MS, 60_000n * MS, false), {
      startMs: 120_000,
      endMs: 240_000,
      stepMs: 60_000,
    });
  });

  it('refuses a step that is not a whole number of milliseconds', () => {
    assert.equal(alignGrid(0n, 10n * MS, 1_500_000n + 1n, false), null);
  });
});

describe('alignRange', () => {
  const S = 1_000_000_000n;
  const step = 60n * S;

  it('rounds the start down and the end up when the query is split, so the end sample is counted', () => {
    const start = 1_000n * S + 123n;
    const end = 4_600n * S + 456n;
    assert.deepEqual(alignRange(start, end, step, { alignQueriesWithStep: false, split: true }), {
      startNs: 960n * S,
      endNs: 4_620n * S,
    });
  });

  it('rounds both down with align_queries_with_step alone', () => {
    assert.deepEqual(alignRange(90n * S, 150n * S, step, { alignQueriesWithStep: true, split: false }), {
      startNs: 60n * S,
      endNs: 120n * S,
    });
  });

  it('leaves aligned ranges, unsplit queries and sub-millisecond steps alone', () => {
    const aligned = { startNs: 120n * S, endNs: 240n * S };
    assert.deepEqual(
      alignRange(aligned.startNs, aligned.endNs, step, { alignQueriesWithStep: true, split: true }),
      aligned,
    );
    assert.deepEqual(alignRange(5n, 7n, step, { alignQueriesWithStep: false, split: false }), {
      startNs: 5n,
      endNs: 7n,
    });
    assert.deepEqual(alignRange(5n, 7n, 1_500n, { alignQueriesWithStep: true, split: true }), {
      startNs: 5n,
      endNs: 7n,
    });
  });
});

describe('gridBuckets', () => {
  it('groups grid points by split interval and numbers each as Loki keys them', () => {
    const grid = { startMs: 0.5 * H, endMs: 2.5 * H, stepMs: 0.25 * H };
    assert.deepEqual(gridBuckets(grid, H), [
      { index: 0, startMs: 0.5 * H, endMs: 0.75 * H },
      { index: 1, startMs: H, endMs: 1.75 * H },
      { index: 2, startMs: 2 * H, endMs: 2.5 * H },
    ]);
  });

  it('ends a bucket at the last step before the next boundary when steps do not divide the interval', () => {
    const grid = { startMs: 0, endMs: 2 * H, stepMs: 25 * 60_000 };
    const b = gridBuckets(grid, H);
    assert.deepEqual(
      b.map((x) => [x.index, x.startMs / 60_000, x.endMs / 60_000]),
      [
        [0, 0, 50],
        [1, 75, 100],
      ],
    );
  });

  it('gives every point its own bucket when the step is as long as the interval', () => {
    const b = gridBuckets({ startMs: 0, endMs: 4 * H, stepMs: 2 * H }, H);
    assert.deepEqual(
      b.map((x) => x.index),
      [0, 2, 4],
    );
  });

  it('keeps the whole grid in bucket 0 when splitting is off', () => {
    assert.deepEqual(gridBuckets({ startMs: 5, endMs: 95, stepMs: 10 }, 0), [{ index: 0, startMs: 5, endMs: 95 }]);
  });
});

describe('mergeAdjacent', () => {
  it('joins ranges that touch on the grid and keeps gaps apart', () => {
    const r = mergeAdjacent(
      [
        { startMs: 0, endMs: 10 },
        { startMs: 20, endMs: 30 },
        { startMs: 50, endMs: 60 },
      ],
      10,
    );
    assert.deepEqual(r, [
      { startMs: 0, endMs: 30 },
      { startMs: 50, endMs: 60 },
    ]);
  });
});

describe('logIntervals', () => {
  it('cuts at multiples of the interval, keeping the query start and end', () => {
    const r = logIntervals(90n, 400n, 100n);
    assert.deepEqual(r, [
      { startNs: 90n, endNs: 100n },
      { startNs: 100n, endNs: 200n },
      { startNs: 200n, endNs: 300n },
      { startNs: 300n, endNs: 400n },
    ]);
  });

  it('leaves a range inside one interval whole', () => {
    assert.deepEqual(logIntervals(110n, 150n, 100n), [{ startNs: 110n, endNs: 150n }]);
  });
});

describe('logBatches', () => {
  const intervals = logIntervals(0n, 700n, 100n);

  it('reads backward newest first in batches of 1, 2, 4 intervals', () => {
    assert.deepEqual(logBatches(intervals, true), [
      { startNs: 600n, endNs: 700n },
      { startNs: 400n, endNs: 600n },
      { startNs: 0n, endNs: 400n },
    ]);
  });

  it('reads forward oldest first', () => {
    assert.deepEqual(logBatches(intervals, false), [
      { startNs: 0n, endNs: 100n },
      { startNs: 100n, endNs: 300n },
      { startNs: 300n, endNs: 700n },
    ]);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeEntry, type Extent, encodeEntry, partition, truncateExtents, updateExtents } from './extents.js';
import { encodeMatrix, type Matrix, parseMatrix } from './matrix.js';

const MIN = 60_000;

/** A one-series matrix with value t/60000 at every step of [from, to]. */
function ramp(from: number, to: number, step = MIN): Matrix {
  const values: string[] = [];
  for (let t = from; t <= to; t += step) values.push(`[${t / 1000},"${t / MIN}"]`);
  return parseMatrix(`[{"metric":{"app":"a"},"values":[${values.join(',')}]}]`);
}

const ext = (from: number, to: number): Extent => ({ startMs: from, endMs: to, matrix: ramp(from, to) });

describe('partition', () => {
  it('answers a range a cached extent covers entirely, with nothing missing', () => {
    const p = partition({ startMs: 10 * MIN, endMs: 40 * MIN }, [ext(0, 60 * MIN)], MIN);
    assert.deepEqual(p.missing, []);
    assert.equal(p.cached.length, 1);
    assert.equal(encodeMatrix(p.cached[0]!.matrix), encodeMatrix(ramp(10 * MIN, 40 * MIN)));
  });

  it('asks for the points before, between and after the extents', () => {
    const p = partition({ startMs: 0, endMs: 60 * MIN }, [ext(10 * MIN, 20 * MIN), ext(30 * MIN, 40 * MIN)], MIN);
    assert.deepEqual(p.missing, [
      { startMs: 0, endMs: 9 * MIN },
      { startMs: 21 * MIN, endMs: 29 * MIN },
      { startMs: 41 * MIN, endMs: 60 * MIN },
    ]);
  });

  it('ignores an extent shorter than five minutes when the request is longer, as Loki does', () => {
    const p = partition({ startMs: 0, endMs: 60 * MIN }, [ext(10 * MIN, 12 * MIN)], MIN);
    assert.deepEqual(p.missing, [{ startMs: 0, endMs: 60 * MIN }]);
    assert.equal(p.cached.length, 0);
  });

  it('uses a short extent for a short request', () => {
    const p = partition({ startMs: 10 * MIN, endMs: 12 * MIN }, [ext(10 * MIN, 12 * MIN)], MIN);
    assert.deepEqual(p.missing, []);
  });
});

describe('updateExtents', () => {
  it('joins extents that touch on the grid into one', () => {
    const out = updateExtents([ext(0, 10 * MIN)], [ext(11 * MIN, 20 * MIN)], MIN);
    assert.equal(out.length, 1);
    assert.deepEqual([out[0]!.startMs, out[0]!.endMs], [0, 20 * MIN]);
    assert.equal(encodeMatrix(out[0]!.matrix), encodeMatrix(ramp(0, 20 * MIN)));
  });

  it('keeps extents with a gap apart', () => {
    const out = updateExtents([ext(0, 10 * MIN)], [ext(30 * MIN, 40 * MIN)], MIN);
    assert.deepEqual(
      out.map((e) => [e.startMs, e.endMs]),
      [
        [0, 10 * MIN],
        [30 * MIN, 40 * MIN],
      ],
    );
  });

  it('lets fresh points replace the cached ones they overlap', () => {
    const fresh: Extent = {
      startMs: 5 * MIN,
      endMs: 6 * MIN,
      matrix: parseMatrix('[{"metric":{"app":"a"},"values":[[300,"new"],[360,"new"]]}]'),
    };
    const out = updateExtents([ext(0, 10 * MIN)], [fresh], MIN);
    assert.equal(out.length, 1);
    const values = out[0]!.matrix[0]!.points.map((p) => p[1]);
    assert.deepEqual(values, ['0', '1', '2', '3', '4', 'new', 'new', '7', '8', '9', '10']);
  });
});

describe('max_cache_freshness_per_query', () => {
  it('never keeps points after the cut-off', () => {
    const out = truncateExtents([ext(0, 10 * MIN), ext(20 * MIN, 30 * MIN)], 5 * MIN);
    assert.deepEqual(
      out.map((e) => [e.startMs, e.endMs]),
      [[0, 5 * MIN]],
    );
    assert.equal(encodeMatrix(out[0]!.matrix), encodeMatrix(ramp(0, 5 * MIN)));
  });
});

describe('stored entries', () => {
  it('round-trip through their stored form', () => {
    const extents = [ext(0, 10 * MIN), ext(20 * MIN, 30 * MIN)];
    const back = decodeEntry('k', encodeEntry('k', extents))!;
    assert.deepEqual(
      back.map((e) => [e.startMs, e.endMs, encodeMatrix(e.matrix)]),
      extents.map((e) => [e.startMs, e.endMs, encodeMatrix(e.matrix)]),
    );
  });

  it('read as a miss when stored under another key (a hash collision) or unreadable', () => {
    assert.equal(decodeEntry('other', encodeEntry('k', [ext(0, MIN)])), null);
    assert.equal(decodeEntry('k', Buffer.from('not json')), null);
  });
});

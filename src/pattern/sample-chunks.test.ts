import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emitChunkRange, SampleChunks, truncateTimestamp } from './sample-chunks.js';

const HOUR = 3_600_000;
const settings = { sampleIntervalMs: 10_000, maxChunkAgeMs: HOUR };

function collect(emit: (sink: (ts: number, n: number) => void) => void): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  emit((ts, n) => out.push([ts, n]));
  return out;
}

function range(ts: number[], counts: number[], start: number, end: number, step: number, interval = 10_000) {
  return collect((sink) => emitChunkRange(ts, counts, start, end, step, interval, sink));
}

describe('sample chunks', () => {
  it('counts lines per sample interval', () => {
    const chunks = new SampleChunks(settings);
    for (const ts of [10_001, 10_002, 19_999, 20_001]) chunks.add(ts);
    assert.deepEqual(
      collect((sink) => chunks.emitRange(0, HOUR, 10_000, sink)),
      [
        [10_000, 3],
        [20_000, 1],
      ],
    );
    assert.equal(chunks.total(), 4);
  });

  it('ignores a line older than the newest sample', () => {
    const chunks = new SampleChunks(settings);
    chunks.add(50_000);
    chunks.add(40_000);
    chunks.add(55_000);
    assert.deepEqual(
      collect((sink) => chunks.emitRange(0, HOUR, 10_000, sink)),
      [[50_000, 2]],
    );
  });

  it('starts a new chunk once a chunk spans the maximum chunk age', () => {
    const chunks = new SampleChunks(settings);
    chunks.add(10_000);
    chunks.add(HOUR);
    assert.equal(chunks.chunkCount, 1);
    chunks.add(HOUR + 10_000);
    assert.equal(chunks.chunkCount, 2);
  });

  it('drops the chunks whose newest sample is past retention', () => {
    const chunks = new SampleChunks(settings);
    chunks.add(0);
    chunks.add(HOUR + 10_000);
    assert.equal(chunks.prune(2 * HOUR, 2 * HOUR + 5_000), 1);
    assert.equal(chunks.chunkCount, 1);
    assert.equal(chunks.prune(2 * HOUR, 4 * HOUR), 0);
  });

  it('truncates timestamps to a multiple of the step', () => {
    assert.equal(truncateTimestamp(25_999, 10_000), 20_000);
    assert.equal(truncateTimestamp(20_000, 10_000), 20_000);
  });
});

describe('chunk range', () => {
  const ts = [10_000, 20_000, 30_000, 40_000];
  const counts = [2, 3, 1, 4];

  it('returns the stored samples in [start, end) when the step is the sample interval', () => {
    assert.deepEqual(range(ts, counts, 0, 100_000, 10_000), [
      [10_000, 2],
      [20_000, 3],
      [30_000, 1],
      [40_000, 4],
    ]);
    assert.deepEqual(range(ts, counts, 15_000, 35_000, 10_000), [
      [20_000, 3],
      [30_000, 1],
    ]);
    assert.deepEqual(range(ts, counts, 40_000, 40_000, 10_000), []);
    assert.deepEqual(range(ts, counts, 41_000, 90_000, 10_000), []);
    assert.deepEqual(range(ts, counts, 0, 10_000, 10_000), []);
  });

  it("includes the chunk's last sample when it sits exactly at the end of the range, as Loki does", () => {
    assert.deepEqual(range(ts, counts, 15_000, 30_000, 10_000), [[20_000, 3]]);
    assert.deepEqual(range(ts, counts, 15_000, 40_000, 10_000), [
      [20_000, 3],
      [30_000, 1],
      [40_000, 4],
    ]);
  });

  it('sums samples into step buckets aligned to the epoch', () => {
    assert.deepEqual(range(ts, counts, 0, 100_000, 15_000), [
      [0, 2],
      [15_000, 3],
      [30_000, 5],
    ]);
    assert.deepEqual(range(ts, counts, 0, 100_000, 60_000), [[0, 10]]);
  });

  it('fills empty steps between samples with zero, but not before the first or after the last', () => {
    assert.deepEqual(range([10_000, 50_000], [5, 3], 0, 100_000, 20_000), [
      [0, 5],
      [20_000, 0],
      [40_000, 3],
    ]);
    assert.deepEqual(range([10_000, 30_000], [5, 3], 8_000, 35_000, 5_000), [
      [10_000, 5],
      [15_000, 0],
      [20_000, 0],
      [25_000, 0],
      [30_000, 3],
    ]);
  });

  it('re-buckets from the first sample in range, not from the start of the range', () => {
    assert.deepEqual(range(ts, counts, 25_000, 100_000, 20_000), [
      [20_000, 1],
      [40_000, 4],
    ]);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Colorizer } from '../format/color.js';
import { formatStats, statsEntries } from './stats.js';

const STATS = {
  summary: {
    bytesProcessedPerSecond: 82854982,
    linesProcessedPerSecond: 1000,
    totalBytesProcessed: 1234,
    totalLinesProcessed: 20,
    totalPostFilterLines: 7,
    execTime: 0.0125,
    queueTime: 1.5,
  },
  querier: {
    store: { totalChunksRef: 3, chunksDownloadTime: 1500, chunk: { decompressedBytes: 999, postFilterLines: 7 } },
  },
  ingester: { totalReached: 1, store: { chunk: { headChunkLines: 4 } } },
  cache: { result: { downloadTime: 2_000_000, requests: 2 } },
};

describe('query statistics', () => {
  it("lists Loki's statistics in its order with its units", () => {
    const entries = new Map(statsEntries(STATS));
    assert.equal(entries.get('Ingester.TotalReached'), 1);
    assert.equal(entries.get('Ingester.HeadChunkLines'), 4);
    assert.equal(entries.get('Querier.TotalChunksRef'), 3);
    assert.equal(entries.get('Querier.ChunksDownloadTime'), '1.5µs');
    assert.equal(entries.get('Querier.DecompressedBytes'), '999 B');
    assert.equal(entries.get('Querier.PostFilterLInes'), 7);
    assert.equal(entries.get('Querier.QueryUsedV2Engine'), false);
    assert.equal(entries.get('Cache.Result.DownloadTime'), '2ms');
    assert.equal(entries.get('Cache.Result.Requests'), 2);
    assert.equal(entries.get('Summary.BytesProcessedPerSecond'), '83 MB');
    assert.equal(entries.get('Summary.TotalBytesProcessed'), '1.2 kB');
    assert.equal(entries.get('Summary.ExecTime'), '12.5ms');
    assert.equal(entries.get('Summary.QueueTime'), '1.5s');
    const keys = [...entries.keys()];
    assert.equal(keys[0], 'Ingester.TotalReached');
    assert.equal(keys.at(-1), 'Summary.QueueTime');
    assert.ok(keys.indexOf('Cache.Result.DownloadTime') < keys.indexOf('Cache.Result.Requests'));
    assert.ok(!keys.includes('Cache.TaskResult.EntriesStored'));
    assert.ok(!keys.some((k) => k.includes('Dataobj')));
  });

  it('adds the data object statistics when the query used the new engine', () => {
    const keys = statsEntries({ querier: { store: { queryUsedV2Engine: true } } }).map(([k]) => k);
    assert.ok(keys.includes('Querier.Dataobj.PagesScanned'));
  });

  it("aligns the values with tabs as Go's tabwriter does", () => {
    const text = formatStats({}, new Colorizer(false));
    const lines = text.split('\n');
    // The longest key (41 characters plus a space) rounds up to 48 columns.
    assert.equal(lines[0], 'Ingester.TotalReached \t\t\t\t 0');
    assert.ok(lines.includes('Querier.QueryReferencedStructuredMetadata \t false'));
    assert.ok(text.endsWith('Summary.QueueTime \t\t\t\t 0s\n'));
  });
});

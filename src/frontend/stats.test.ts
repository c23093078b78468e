import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { QueryStats } from '../logql/engine/stats.js';
import { addStats, FrontendStats, statsFromJSON } from './stats.js';

function sample(): QueryStats {
  const s = new QueryStats();
  s.headChunkLines = 1;
  s.headChunkBytes = 2;
  s.decompressedLines = 3;
  s.decompressedBytes = 4;
  s.compressedBytes = 5;
  s.structuredMetadataBytes = 6;
  s.postFilterLines = 7;
  s.totalDuplicates = 8;
  s.chunksRef = 9;
  s.chunksDownloaded = 10;
  s.chunksDownloadTimeNs = 11;
  s.ingesterChunksMatched = 12;
  s.ingesterLinesSent = 13;
  s.ingesterReached = 14;
  s.indexTotalChunks = 15;
  s.indexStreams = 16;
  s.entriesReturned = 17;
  s.splits = 18;
  s.shards = 19;
  s.execTimeSec = 0.5;
  s.queueTimeSec = 0.25;
  return s;
}

describe('frontend stats', () => {
  it('read back every field a querier reports', () => {
    const s = sample();
    assert.deepEqual(statsFromJSON(JSON.parse(JSON.stringify(s))).toJSON(), s.toJSON());
  });

  it('report the results cache under cache.result', () => {
    const s = new FrontendStats();
    s.resultCache.entriesFound = 3;
    s.resultCache.queryLengthServed = 7;
    const json = JSON.parse(JSON.stringify(s)) as { cache: { result: Record<string, number>; chunk: object } };
    assert.equal(json.cache.result.entriesFound, 3);
    assert.equal(json.cache.result.queryLengthServed, 7);
    assert.equal(statsFromJSON(json).resultCache.entriesFound, 3);
  });

  it('sum what inner queries did, execution times included, as Loki merges splits', () => {
    const merged = new FrontendStats();
    addStats(merged, sample());
    addStats(merged, sample());
    const json = JSON.parse(JSON.stringify(merged)) as { summary: Record<string, number> };
    assert.equal(json.summary.totalLinesProcessed, 8);
    assert.equal(json.summary.execTime, 1);
    assert.equal(json.summary.totalEntriesReturned, 34);
  });
});

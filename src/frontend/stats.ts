// Statistics of a frontend answer: the inner queries' statistics merged as
// Loki's frontend merges split responses (counters and execution times
// summed, each merged split counted once in `summary.splits`), plus what the
// results cache did, reported under `cache.result` as Loki reports it.
import { QueryStats } from '../logql/engine/stats.js';

/** One cache's line in `stats.cache` (Loki's stats.Cache). Times in ns. */
export class CacheStats {
  entriesFound = 0;
  entriesRequested = 0;
  entriesStored = 0;
  bytesReceived = 0;
  bytesSent = 0;
  requests = 0;
  downloadTime = 0;
  queryLengthServed = 0;

  merge(o: CacheStats): void {
    this.entriesFound += o.entriesFound;
    this.entriesRequested += o.entriesRequested;
    this.entriesStored += o.entriesStored;
    this.bytesReceived += o.bytesReceived;
    this.bytesSent += o.bytesSent;
    this.requests += o.requests;
    this.downloadTime += o.downloadTime;
    this.queryLengthServed += o.queryLengthServed;
  }

  toJSON(): Record<string, number> {
    return {
      entriesFound: this.entriesFound,
      entriesRequested: this.entriesRequested,
      entriesStored: this.entriesStored,
      bytesReceived: this.bytesReceived,
      bytesSent: this.bytesSent,
      requests: this.requests,
      downloadTime: this.downloadTime,
      queryLengthServed: this.queryLengthServed,
    };
  }
}

export class FrontendStats extends QueryStats {
  readonly resultCache = new CacheStats();

  override toJSON(): object {
    const json = super.toJSON() as { cache: Record<string, unknown> };
    json.cache.result = this.resultCache.toJSON();
    return json;
  }
}

/** Adds one inner answer's statistics to `into` (everything Loki's Result.Merge sums). */
export function addStats(into: FrontendStats, from: QueryStats): void {
  into.merge(from);
  into.ingesterReached += from.ingesterReached;
  into.entriesReturned += from.entriesReturned;
  into.shards += from.shards;
  into.execTimeSec += from.execTimeSec;
  into.queueTimeSec += from.queueTimeSec;
  if (from instanceof FrontendStats) into.resultCache.merge(from.resultCache);
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

function obj(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
}

/**
 * Statistics read back from a query answer's `data.stats` JSON (a remote
 * querier's), the inverse of QueryStats.toJSON for every field it carries.
 */
export function statsFromJSON(json: unknown): FrontendStats {
  const s = new FrontendStats();
  const root = obj(json);
  const summary = obj(root.summary);
  const querier = obj(obj(root.querier).store);
  const qChunk = obj(querier.chunk);
  const ingester = obj(root.ingester);
  const iChunk = obj(obj(ingester.store).chunk);
  const index = obj(root.index);
  s.headChunkLines = num(iChunk.headChunkLines) + num(qChunk.headChunkLines);
  s.headChunkBytes = num(iChunk.headChunkBytes) + num(qChunk.headChunkBytes);
  s.decompressedLines = num(qChunk.decompressedLines) + num(iChunk.decompressedLines);
  s.decompressedBytes = num(qChunk.decompressedBytes) + num(iChunk.decompressedBytes);
  s.compressedBytes = num(qChunk.compressedBytes) + num(iChunk.compressedBytes);
  s.structuredMetadataBytes = num(qChunk.decompressedStructuredMetadataBytes);
  s.postFilterLines = num(qChunk.postFilterLines) + num(iChunk.postFilterLines);
  s.totalDuplicates = num(qChunk.totalDuplicates) + num(iChunk.totalDuplicates);
  s.chunksRef = num(querier.totalChunksRef);
  s.chunksDownloaded = num(querier.totalChunksDownloaded);
  s.chunksDownloadTimeNs = num(querier.chunksDownloadTime);
  s.ingesterChunksMatched = num(ingester.totalChunksMatched);
  s.ingesterLinesSent = num(ingester.totalLinesSent);
  s.ingesterReached = num(ingester.totalReached);
  s.indexTotalChunks = num(index.totalChunks);
  s.indexStreams = num(index.totalStreams);
  s.entriesReturned = num(summary.totalEntriesReturned);
  s.splits = num(summary.splits);
  s.shards = num(summary.shards);
  s.subqueries = num(summary.subqueries);
  s.execTimeSec = num(summary.execTime);
  s.queueTimeSec = num(summary.queueTime);
  const result = obj(obj(root.cache).result);
  for (const k of Object.keys(s.resultCache) as Array<keyof CacheStats>) {
    if (typeof s.resultCache[k] === 'number') (s.resultCache[k] as number) = num(result[k]);
  }
  return s;
}

// Query statistics, returned in every query response under `data.stats` with
// exactly the keys of Loki's stats.Result (all present, zero when unused), so
// that Grafana's query inspector and logcli's --stats read them unchanged.

export class QueryStats {
  /** Lines and bytes read from ingester memory. */
  headChunkLines = 0;
  headChunkBytes = 0;
  /** Lines and bytes decompressed from chunks (memory blocks and store). */
  decompressedLines = 0;
  decompressedBytes = 0;
  compressedBytes = 0;
  structuredMetadataBytes = 0;
  postFilterLines = 0;
  totalDuplicates = 0;
  chunksRef = 0;
  chunksDownloaded = 0;
  chunksDownloadTimeNs = 0;
  ingesterChunksMatched = 0;
  ingesterLinesSent = 0;
  ingesterReached = 0;
  indexTotalChunks = 0;
  indexStreams = 0;
  entriesReturned = 0;
  splits = 0;
  shards = 0;
  subqueries = 1;
  execTimeSec = 0;
  queueTimeSec = 0;

  merge(o: QueryStats): void {
    this.headChunkLines += o.headChunkLines;
    this.headChunkBytes += o.headChunkBytes;
    this.decompressedLines += o.decompressedLines;
    this.decompressedBytes += o.decompressedBytes;
    this.compressedBytes += o.compressedBytes;
    this.structuredMetadataBytes += o.structuredMetadataBytes;
    this.postFilterLines += o.postFilterLines;
    this.totalDuplicates += o.totalDuplicates;
    this.chunksRef += o.chunksRef;
    this.chunksDownloaded += o.chunksDownloaded;
    this.chunksDownloadTimeNs += o.chunksDownloadTimeNs;
    this.ingesterChunksMatched += o.ingesterChunksMatched;
    this.ingesterLinesSent += o.ingesterLinesSent;
    this.indexTotalChunks += o.indexTotalChunks;
    this.indexStreams += o.indexStreams;
  }

  toJSON(): object {
    const totalLines = this.headChunkLines + this.decompressedLines;
    const totalBytes = this.headChunkBytes + this.decompressedBytes + this.structuredMetadataBytes;
    const exec = this.execTimeSec;
    const cache = () => ({
      entriesFound: 0,
      entriesRequested: 0,
      entriesStored: 0,
      bytesReceived: 0,
      bytesSent: 0,
      requests: 0,
      downloadTime: 0,
      queryLengthServed: 0,
    });
    const chunk = (head: boolean) => ({
      headChunkBytes: head ? this.headChunkBytes : 0,
      headChunkLines: head ? this.headChunkLines : 0,
      decompressedBytes: head ? 0 : this.decompressedBytes,
      decompressedLines: head ? 0 : this.decompressedLines,
      compressedBytes: head ? 0 : this.compressedBytes,
      totalDuplicates: head ? 0 : this.totalDuplicates,
      postFilterLines: head ? 0 : this.postFilterLines,
      headChunkStructuredMetadataBytes: 0,
      decompressedStructuredMetadataBytes: head ? 0 : this.structuredMetadataBytes,
    });
    const dataobj = {
      prePredicateDecompressedRows: 0,
      prePredicateDecompressedBytes: 0,
      prePredicateDecompressedStructuredMetadataBytes: 0,
      postPredicateRows: 0,
      postPredicateDecompressedBytes: 0,
      postPredicateStructuredMetadataBytes: 0,
      postFilterRows: 0,
      pagesScanned: 0,
      pagesDownloaded: 0,
      pagesDownloadedBytes: 0,
      pageBatches: 0,
      totalRowsAvailable: 0,
      totalPageDownloadTime: 0,
      wireBytesTransferred: 0,
    };
    const store = (head: boolean) => ({
      totalChunksRef: head ? 0 : this.chunksRef,
      totalChunksDownloaded: head ? 0 : this.chunksDownloaded,
      chunksDownloadTime: head ? 0 : this.chunksDownloadTimeNs,
      queryReferencedStructuredMetadata: false,
      queryUsedV2Engine: false,
      chunk: chunk(head),
      chunkRefsFetchTime: 0,
      congestionControlLatency: 0,
      pipelineWrapperFilteredLines: 0,
      dataobj,
    });
    return {
      summary: {
        bytesProcessedPerSecond: exec > 0 ? Math.round(totalBytes / exec) : 0,
        linesProcessedPerSecond: exec > 0 ? Math.round(totalLines / exec) : 0,
        totalBytesProcessed: totalBytes,
        totalLinesProcessed: totalLines,
        execTime: exec,
        queueTime: this.queueTimeSec,
        subqueries: this.subqueries,
        totalEntriesReturned: this.entriesReturned,
        splits: this.splits,
        shards: this.shards,
        totalPostFilterLines: this.postFilterLines,
        totalStructuredMetadataBytesProcessed: this.structuredMetadataBytes,
      },
      querier: { store: store(false), querierExecTime: exec },
      ingester: {
        totalReached: this.ingesterReached,
        totalChunksMatched: this.ingesterChunksMatched,
        totalBatches: 0,
        totalLinesSent: this.ingesterLinesSent,
        store: store(true),
      },
      cache: {
        chunk: cache(),
        index: cache(),
        result: cache(),
        statsResult: cache(),
        volumeResult: cache(),
        seriesResult: cache(),
        labelResult: cache(),
        instantMetricResult: cache(),
        logResult: cache(),
        taskResult: cache(),
      },
      index: {
        totalChunks: this.indexTotalChunks,
        postFilterChunks: this.indexTotalChunks,
        shardsDuration: 0,
        usedBloomFilters: false,
        totalStreams: this.indexStreams,
        chunkRefsLookupTime: 0,
        bloomFilterTime: 0,
      },
    };
  }
}

// `--stats`: the query statistics as logcli writes them to stderr, one
// `Key \t value` line per statistic aligned by Go's tabwriter (tab padding, tab
// width 8), in the order and with the units of Loki's stats.Result.KVList.
import { formatGoDuration } from '../../logql/syntax/units.js';
import type { StatsJson } from '../client/response.js';
import type { Colorizer } from '../format/color.js';
import { humanizeBytes } from '../format/go-text.js';
import { tabwrite } from '../format/tabwriter.js';

type Value = number | boolean | string;

/** Reads a number or boolean at a path of the stats JSON; missing parts count as zero. */
class StatsReader {
  constructor(private readonly root: StatsJson) {}

  private at(path: string): unknown {
    let v: unknown = this.root;
    for (const key of path.split('.')) {
      if (typeof v !== 'object' || v === null) return undefined;
      v = (v as Record<string, unknown>)[key];
    }
    return v;
  }

  num(path: string): number {
    const v = this.at(path);
    return typeof v === 'number' && Number.isFinite(v) ? v : 0;
  }

  int(path: string): number {
    return Math.trunc(this.num(path));
  }

  bool(path: string): boolean {
    return this.at(path) === true;
  }

  /** A count of nanoseconds shown as a Go duration. */
  nanos(path: string): string {
    return formatGoDuration(BigInt(this.int(path)));
  }

  /** A float of seconds shown as a Go duration (stats.ConvertSecondsToNanoseconds). */
  seconds(path: string): string {
    return formatGoDuration(BigInt(Math.trunc(this.num(path) * 1e9)));
  }

  bytes(path: string): string {
    return humanizeBytes(Math.max(0, this.int(path)));
  }
}

function storeEntries(r: StatsReader, prefix: string, path: string): [string, Value][] {
  return [
    [`${prefix}.TotalChunksRef`, r.int(`${path}.totalChunksRef`)],
    [`${prefix}.TotalChunksDownloaded`, r.int(`${path}.totalChunksDownloaded`)],
    [`${prefix}.ChunksDownloadTime`, r.nanos(`${path}.chunksDownloadTime`)],
    [`${prefix}.ChunkRefsFetchTime`, r.nanos(`${path}.chunkRefsFetchTime`)],
    [`${prefix}.HeadChunkBytes`, r.bytes(`${path}.chunk.headChunkBytes`)],
    [`${prefix}.HeadChunkLines`, r.int(`${path}.chunk.headChunkLines`)],
    [`${prefix}.DecompressedBytes`, r.bytes(`${path}.chunk.decompressedBytes`)],
    [`${prefix}.DecompressedLines`, r.int(`${path}.chunk.decompressedLines`)],
    // Loki's spelling.
    [`${prefix}.PostFilterLInes`, r.int(`${path}.chunk.postFilterLines`)],
    [`${prefix}.CompressedBytes`, r.bytes(`${path}.chunk.compressedBytes`)],
    [`${prefix}.TotalDuplicates`, r.int(`${path}.chunk.totalDuplicates`)],
  ];
}

function dataobjEntries(r: StatsReader, prefix: string): [string, Value][] {
  const d = 'querier.store.dataobj';
  return [
    [`${prefix}Dataobj.PrePredicateDecompressedRows`, r.int(`${d}.prePredicateDecompressedRows`)],
    [`${prefix}Dataobj.PrePredicateDecompressedBytes`, r.bytes(`${d}.prePredicateDecompressedBytes`)],
    [
      `${prefix}Dataobj.PrePredicateDecompressedStructuredMetadataBytes`,
      r.bytes(`${d}.prePredicateDecompressedStructuredMetadataBytes`),
    ],
    [`${prefix}Dataobj.PostPredicateRows`, r.int(`${d}.postPredicateRows`)],
    [`${prefix}Dataobj.PostPredicateDecompressedBytes`, r.bytes(`${d}.postPredicateDecompressedBytes`)],
    [`${prefix}Dataobj.PostPredicateStructuredMetadataBytes`, r.bytes(`${d}.postPredicateStructuredMetadataBytes`)],
    [`${prefix}Dataobj.PostFilterRows`, r.int(`${d}.postFilterRows`)],
    [`${prefix}Dataobj.PagesScanned`, r.int(`${d}.pagesScanned`)],
    [`${prefix}Dataobj.PagesDownloaded`, r.int(`${d}.pagesDownloaded`)],
    [`${prefix}Dataobj.PagesDownloadedBytes`, r.bytes(`${d}.pagesDownloadedBytes`)],
    [`${prefix}Dataobj.PageBatches`, r.int(`${d}.pageBatches`)],
    [`${prefix}Dataobj.TotalRowsAvailable`, r.int(`${d}.totalRowsAvailable`)],
    [`${prefix}Dataobj.TotalPageDownloadTime`, r.nanos(`${d}.totalPageDownloadTime`)],
    [`${prefix}Dataobj.WireBytesTransferred`, r.bytes(`${d}.wireBytesTransferred`)],
  ];
}

function cacheEntries(r: StatsReader): [string, Value][] {
  const counters = (name: string, key: string, withStored = true): [string, Value][] => [
    [`Cache.${name}.Requests`, r.int(`cache.${key}.requests`)],
    [`Cache.${name}.EntriesRequested`, r.int(`cache.${key}.entriesRequested`)],
    [`Cache.${name}.EntriesFound`, r.int(`cache.${key}.entriesFound`)],
    ...(withStored
      ? ([[`Cache.${name}.EntriesStored`, r.int(`cache.${key}.entriesStored`)]] as [string, Value][])
      : []),
  ];
  const sent = (name: string, key: string): [string, Value] => [
    `Cache.${name}.BytesSent`,
    r.bytes(`cache.${key}.bytesSent`),
  ];
  const received = (name: string, key: string): [string, Value] => [
    `Cache.${name}.BytesReceived`,
    r.bytes(`cache.${key}.bytesReceived`),
  ];
  const download = (name: string, key: string): [string, Value] => [
    `Cache.${name}.DownloadTime`,
    r.nanos(`cache.${key}.downloadTime`),
  ];
  const plain = (name: string, key: string): [string, Value][] => [
    ...counters(name, key),
    sent(name, key),
    received(name, key),
  ];
  return [
    ...plain('Chunk', 'chunk'),
    download('Chunk', 'chunk'),
    ...plain('Index', 'index'),
    download('Index', 'index'),
    ...plain('StatsResult', 'statsResult'),
    ...plain('VolumeResult', 'volumeResult'),
    ...plain('SeriesResult', 'seriesResult'),
    ...plain('LabelResult', 'labelResult'),
    // The result cache lists its download time first.
    download('Result', 'result'),
    ...plain('Result', 'result'),
    ...plain('InstantMetricResult', 'instantMetricResult'),
    download('InstantMetricResult', 'instantMetricResult'),
    ...plain('LogResult', 'logResult'),
    download('LogResult', 'logResult'),
    ...counters('TaskResult', 'taskResult', false),
    received('TaskResult', 'taskResult'),
  ];
}

function summaryEntries(r: StatsReader): [string, Value][] {
  return [
    ['Summary.BytesProcessedPerSecond', r.bytes('summary.bytesProcessedPerSecond')],
    ['Summary.LinesProcessedPerSecond', r.int('summary.linesProcessedPerSecond')],
    ['Summary.TotalBytesProcessed', r.bytes('summary.totalBytesProcessed')],
    ['Summary.TotalLinesProcessed', r.int('summary.totalLinesProcessed')],
    ['Summary.PostFilterLines', r.int('summary.totalPostFilterLines')],
    ['Summary.ExecTime', r.seconds('summary.execTime')],
    ['Summary.QueueTime', r.seconds('summary.queueTime')],
  ];
}

/** The statistics in logcli's order: ingester, querier, caches, summary. */
export function statsEntries(stats: StatsJson): [string, Value][] {
  const r = new StatsReader(stats);
  const entries: [string, Value][] = [
    ['Ingester.TotalReached', r.int('ingester.totalReached')],
    ['Ingester.TotalChunksMatched', r.int('ingester.totalChunksMatched')],
    ['Ingester.TotalBatches', r.int('ingester.totalBatches')],
    ['Ingester.TotalLinesSent', r.int('ingester.totalLinesSent')],
    ['Ingester.RecvWaitTime', r.seconds('ingester.recvWaitTime')],
    ...storeEntries(r, 'Ingester', 'ingester.store'),
    ...storeEntries(r, 'Querier', 'querier.store'),
    ['Querier.QueryReferencedStructuredMetadata', r.bool('querier.store.queryReferencedStructuredMetadata')],
    ['Querier.QueryUsedV2Engine', r.bool('querier.store.queryUsedV2Engine')],
  ];
  if (r.bool('querier.store.queryUsedV2Engine')) entries.push(...dataobjEntries(r, 'Querier.'));
  entries.push(...cacheEntries(r), ...summaryEntries(r));
  return entries;
}

/** The text logcli writes to stderr for one response's statistics. */
export function formatStats(stats: StatsJson, colors: Colorizer): string {
  // fmt.Fprintln(w, key, "\t", value) puts a space on each side of the tab.
  const text = statsEntries(stats)
    .map(([k, v]) => `${colors.blue(k)} \t ${String(v)}\n`)
    .join('');
  return tabwrite(text, { minwidth: 0, tabwidth: 8, padding: 0, padchar: '\t' });
}

// Log queries: `{selector} |= "x" | json | ...` over [start, end), returning
// the newest (backward) or oldest (forward) `limit` entries.
//
// Each stream is read block by block in the query direction. Line filters
// that come before any parser run on whole decoded blocks of bytes; the rest
// of the pipeline runs per line. A shared bounded heap keeps the best entries
// so far and lets every stream stop as soon as nothing older (or newer) can
// make it into the answer.

import { gatherStreams, type SourceDeps, type StreamData } from '../../querier/sources.js';
import { type BlockSlice, type Direction, streamBlocks } from '../../querier/stream-blocks.js';
import { DECODE_ALL, type DecodedBlock } from '../../storage/chunk/block.js';
import type { Label, Labels } from '../../util/labels.js';
import { labelsToString } from '../../util/labels.js';
import { compileMatcher } from '../../util/matchers.js';
import { compileLineFilter, type LineFilter } from '../filter/index.js';
import { StageCompileError } from '../log/index.js';
import type { Grouping, LogSelectorExpr, Stage, Unwrap } from '../syntax/ast.js';
import { TemplateParseError } from '../template/index.js';
import {
  type CategorizedLabels,
  categoriesJSON,
  categorizedKey,
  plainCategories,
  type StreamOutput,
} from './categorized.js';
import { foldMetadata } from './fold-metadata.js';
import { compileOrBadRequest } from './plan-errors.js';
import { MIN_PARALLEL_BYTES, planShards, type QueryExecutor, totalSize, toWire, type WireStream } from './shards.js';
import type { QueryStats } from './stats.js';
import { compareEntries, type EntryTime, type OutputEntry, TopEntries } from './top-entries.js';

/** What remains of a pipeline after its leading line filters: a per-line program. */
export interface EntryPipeline {
  forStream(labels: Labels, key: string): StreamEntryPipeline;
}

export interface PipelineOutput {
  line: string;
  /** The unwrapped sample value, for pipelines compiled with an unwrap. */
  value?: number;
  /** Canonical labels of the output stream. */
  key: string;
  labels: Labels;
  /** The same labels split by category (for categorize-labels); set along with `labels`. */
  categories?: CategorizedLabels;
}

export interface StreamEntryPipeline {
  /** The processed entry, or null when the pipeline drops it. The result may be reused by the next call. */
  /**
   * The entry's time is `baseNs + offsetNs` (a block's base and an entry's offset), so no
   * bigint is built per line unless a template reads the timestamp.
   */
  process(baseNs: bigint, offsetNs: number, line: string, metadata: readonly Label[]): PipelineOutput | null;
}

/**
 * Builds the per-line part of a pipeline from its stages (parsers, label
 * filters, formatting) and, for metric queries, the unwrap that turns a label
 * into the sample value.
 */
export type PipelineCompiler = (stages: readonly Stage[], unwrap?: Unwrap, sample?: SampleSpec) => EntryPipeline;

/** For metric queries: the range aggregation the samples are for, and the grouping pushed into it. */
export interface SampleSpec {
  op: string;
  grouping?: Grouping;
}

export interface LogQueryRequest {
  tenant: string;
  selector: LogSelectorExpr;
  startNs: bigint;
  /** Exclusive. */
  endNs: bigint;
  limit: number;
  direction: Direction;
  /**
   * Loki's categorize-labels encoding: output streams are keyed by stream labels
   * only and every entry keeps its structured metadata and parsed labels apart.
   */
  categorizeLabels?: boolean;
}

export interface LogQueryContext {
  sources: SourceDeps;
  stats: QueryStats;
  signal?: AbortSignal;
  compilePipeline: PipelineCompiler;
  /** Query workers; without them everything runs in this thread. */
  executor?: QueryExecutor;
}

export interface ResultStream {
  key: string;
  labels: Labels;
  entries: OutputEntry[];
  /** With categorize-labels: each entry's categories, by the entry's `streamKey`. */
  entryCategories?: ReadonlyMap<string, CategorizedLabels>;
}

/** Splits the stages into the leading line filters (run on blocks of bytes) and the rest. */
export function splitLeadingFilters(stages: readonly Stage[]): { filters: LineFilter[]; rest: Stage[] } {
  const filters: LineFilter[] = [];
  let i = 0;
  for (; i < stages.length; i++) {
    const s = stages[i]!;
    if (s.kind !== 'line_filter') break;
    filters.push(compileOrBadRequest(() => compileLineFilter({ op: s.op, values: s.values })));
  }
  return { filters, rest: stages.slice(i) };
}

const NS_PER_MS = 1_000_000n;
const stageErrors = [StageCompileError, TemplateParseError];

/** Per-block helper to turn entry offsets into exact (ms, sub-ms) times without bigint per entry. */
class BlockClock {
  private baseMs = 0;
  private baseSub = 0;

  reset(baseNs: bigint): void {
    this.baseMs = Number(baseNs / NS_PER_MS);
    this.baseSub = Number(baseNs % NS_PER_MS);
  }

  timeOf(off: number, out: EntryTime): EntryTime {
    const total = this.baseSub + off;
    const ms = Math.floor(total / 1e6);
    out.ms = this.baseMs + ms;
    out.sub = total - ms * 1e6;
    return out;
  }
}

export function entryNs(t: EntryTime): bigint {
  return BigInt(t.ms) * NS_PER_MS + BigInt(t.sub);
}

/** A log query over some streams, as posted to a query worker. */
export interface LogScanTask {
  kind: 'logs';
  req: LogQueryRequest;
  streams: WireStream[];
}

/** What a worker found: its best entries and the labels of their output streams. */
export interface LogScanResult {
  entries: OutputEntry[];
  outputs: Array<[string, StreamOutput]>;
  stats: QueryStats;
}

/** Reads streams into a bounded heap of the best entries (in this thread). */
export async function scanLogStreams(
  streams: readonly StreamData[],
  req: LogQueryRequest,
  ctx: Pick<LogQueryContext, 'stats' | 'signal' | 'compilePipeline'>,
): Promise<{ top: TopEntries; outputs: Map<string, StreamOutput> }> {
  const { filters, rest } = splitLeadingFilters(req.selector.stages);
  const pipeline = entryPipeline(rest, req, ctx.compilePipeline);
  const top = new TopEntries(req.limit, req.direction === 'backward');
  const outputs = new Map<string, StreamOutput>();
  // Streams are read one after another so each benefits from the bound the previous ones set.
  for (const stream of streams) await readStream(stream, req, ctx, filters, pipeline, top, outputs);
  return { top, outputs };
}

/**
 * The per-line program, or null when lines pass through as they are. With
 * categorize-labels an empty pipeline still runs: it is what files structured
 * metadata under its category (as Loki's no-op pipeline does).
 */
function entryPipeline(rest: readonly Stage[], req: LogQueryRequest, compile: PipelineCompiler): EntryPipeline | null {
  if (rest.length === 0 && !req.categorizeLabels) return null;
  return compileOrBadRequest(() => compile(rest), stageErrors);
}

export async function executeLogQuery(req: LogQueryRequest, ctx: LogQueryContext): Promise<ResultStream[]> {
  const matchers = req.selector.matchers.map(compileMatcher);
  // Compile once here so that an invalid filter is a 400 before any work starts.
  const { rest } = splitLeadingFilters(req.selector.stages);
  if (rest.length > 0) compileOrBadRequest(() => ctx.compilePipeline(rest), stageErrors);
  const streams = await gatherStreams(ctx.sources, req.tenant, matchers, req.startNs, req.endNs - 1n);
  countChunks(streams, ctx.stats);
  let top: TopEntries;
  let outputs: Map<string, StreamOutput>;
  const executor = ctx.executor;
  if (executor && executor.size > 0 && totalSize(streams) >= MIN_PARALLEL_BYTES) {
    top = new TopEntries(req.limit, req.direction === 'backward');
    outputs = new Map();
    const { shards, local } = planShards(streams, executor.size);
    const remote = Promise.all(
      shards.map((shard) =>
        executor.run<LogScanResult>({ kind: 'logs', req, streams: toWire(shard) } satisfies LogScanTask, ctx.signal),
      ),
    );
    // Head blocks are read here while the workers read the rest.
    const near = await scanLogStreams(local, req, ctx);
    for (const e of near.top.drain()) top.push(e);
    for (const [k, l] of near.outputs) outputs.set(k, l);
    const results = await remote;
    for (const r of results) {
      for (const e of r.entries) top.push(e);
      for (const [k, l] of r.outputs) if (!outputs.has(k)) outputs.set(k, l);
      ctx.stats.merge(r.stats);
    }
    ctx.stats.splits += shards.length;
  } else {
    ({ top, outputs } = await scanLogStreams(streams, req, ctx));
  }
  ctx.stats.entriesReturned = top.size;
  return groupEntries(top.drain(), outputs, req.categorizeLabels === true);
}

function countChunks(streams: StreamData[], stats: QueryStats): void {
  stats.indexStreams += streams.length;
  for (const s of streams) {
    for (const c of s.chunks) {
      if (c.fromIngester) stats.ingesterChunksMatched++;
      else stats.chunksRef++;
    }
  }
}

/** Per-stream state for turning a block's selected entries into output entries. */
class EntryEmitter {
  private readonly clock = new BlockClock();
  private readonly t: EntryTime = { ms: 0, sub: 0 };
  private sel = new Uint32Array(1024);
  private readonly perLine: StreamEntryPipeline | null;

  constructor(
    private readonly stream: StreamData,
    private readonly backward: boolean,
    private readonly filters: LineFilter[],
    pipeline: EntryPipeline | null,
    private readonly outputs: Map<string, StreamOutput>,
    private readonly stats: QueryStats,
    private readonly categorize: boolean,
  ) {
    this.perLine = pipeline?.forStream(stream.labels, stream.key) ?? null;
  }

  /** Time of the block entry nearest the end the query reads from first. */
  firstTime(block: DecodedBlock, lo: number, hi: number): EntryTime {
    this.clock.reset(block.baseNs);
    return this.clock.timeOf(block.ts[this.backward ? hi - 1 : lo]!, this.t);
  }

  /**
   * Filters the entries [lo, hi) of a block and hands the survivors, in query
   * direction, to `visit`; `admits` is asked first with the bare time so that
   * a reader can stop before lines are decoded. Returns false when stopped.
   */
  emit(
    block: DecodedBlock,
    lo: number,
    hi: number,
    admits: (t: EntryTime) => boolean,
    visit: (e: OutputEntry) => void,
  ): boolean {
    this.clock.reset(block.baseNs);
    countBlock(block, lo, hi, this.stats);
    if (this.sel.length < hi - lo) this.sel = new Uint32Array(hi - lo);
    const sel = this.sel;
    let n = 0;
    for (let i = lo; i < hi; i++) sel[n++] = i;
    for (const f of this.filters) {
      n = f.filterBlock(block.lines, block.offsets, sel, n, sel);
      if (n === 0) break;
    }
    this.stats.postFilterLines += n;
    const t = this.t;
    const { stream, outputs, perLine, categorize } = this;
    for (let k = 0; k < n; k++) {
      const i = sel[this.backward ? n - 1 - k : k]!;
      this.clock.timeOf(block.ts[i]!, t);
      if (!admits(t)) return false;
      const line = block.lines.toString('utf8', block.offsets[i], block.offsets[i + 1]);
      const metadata = block.metadata?.[i] ?? NO_LABELS;
      let key = stream.key;
      let outLine = line;
      if (perLine) {
        const out = perLine.process(block.baseNs, block.ts[i]!, line, metadata);
        if (!out) continue;
        outLine = out.line;
        if (categorize) {
          key = categorizedKey(out.key, out.categories!);
          if (!outputs.has(key)) outputs.set(key, { labels: out.labels, categories: plainCategories(out.categories!) });
        } else {
          key = out.key;
          if (!outputs.has(key)) outputs.set(key, { labels: out.labels });
        }
      } else if (metadata.length > 0) {
        const labels = foldMetadata(stream.labels, metadata);
        key = labelsToString(labels);
        if (!outputs.has(key)) outputs.set(key, { labels });
      } else if (!outputs.has(key)) {
        outputs.set(key, { labels: stream.labels });
      }
      visit({ ms: t.ms, sub: t.sub, streamKey: key, line: outLine });
    }
    return true;
  }
}

async function readStream(
  stream: StreamData,
  req: LogQueryRequest,
  ctx: Pick<LogQueryContext, 'stats' | 'signal'>,
  filters: LineFilter[],
  pipeline: EntryPipeline | null,
  top: TopEntries,
  outputs: Map<string, StreamOutput>,
): Promise<void> {
  const emitter = new EntryEmitter(
    stream,
    req.direction === 'backward',
    filters,
    pipeline,
    outputs,
    ctx.stats,
    req.categorizeLabels === true,
  );
  const admits = (t: EntryTime) => top.admits(t);
  const push = (e: OutputEntry) => top.push(e);
  const blocks = streamBlocks(stream, {
    fromNs: req.startNs,
    throughNs: req.endNs,
    direction: req.direction,
    decode: DECODE_ALL,
    signal: ctx.signal,
  });
  for await (const { block, lo, hi } of blocks) {
    // The whole block is out of reach once the heap is full of better entries.
    if (top.full && !top.admits(emitter.firstTime(block, lo, hi))) break;
    if (!emitter.emit(block, lo, hi, admits, push)) return;
  }
}

/**
 * Log queries with `interval`: Loki walks all streams merged in query order
 * and keeps an entry only when it is at least `interval` after (or before,
 * backward) the last one kept, up to `limit` entries. Streams are read block
 * by block and merged through a heap of per-stream cursors.
 */
export async function executeIntervalLogQuery(
  req: LogQueryRequest,
  intervalNs: bigint,
  ctx: LogQueryContext,
): Promise<ResultStream[]> {
  const matchers = req.selector.matchers.map(compileMatcher);
  const { filters, rest } = splitLeadingFilters(req.selector.stages);
  const pipeline = entryPipeline(rest, req, ctx.compilePipeline);
  const streams = await gatherStreams(ctx.sources, req.tenant, matchers, req.startNs, req.endNs - 1n);
  countChunks(streams, ctx.stats);
  const backward = req.direction === 'backward';
  const categorize = req.categorizeLabels === true;
  const outputs = new Map<string, StreamOutput>();
  const all = () => true;

  interface Cursor {
    blocks: AsyncGenerator<BlockSlice>;
    emitter: EntryEmitter;
    buf: OutputEntry[];
    pos: number;
  }
  const fill = async (c: Cursor): Promise<boolean> => {
    while (c.pos >= c.buf.length) {
      const next = await c.blocks.next();
      if (next.done) return false;
      c.buf = [];
      c.pos = 0;
      const { block, lo, hi } = next.value;
      c.emitter.emit(block, lo, hi, all, (e) => c.buf.push(e));
    }
    return true;
  };
  const sign = backward ? -1 : 1;
  const before = (a: Cursor, b: Cursor) => compareEntries(a.buf[a.pos]!, b.buf[b.pos]!) * sign < 0;
  const live: Cursor[] = [];
  for (const stream of streams) {
    const c: Cursor = {
      blocks: streamBlocks(stream, {
        fromNs: req.startNs,
        throughNs: req.endNs,
        direction: req.direction,
        decode: DECODE_ALL,
        signal: ctx.signal,
      }),
      emitter: new EntryEmitter(stream, backward, filters, pipeline, outputs, ctx.stats, categorize),
      buf: [],
      pos: 0,
    };
    if (await fill(c)) live.push(c);
  }
  const kept: OutputEntry[] = [];
  let last: bigint | null = null;
  while (live.length > 0 && kept.length < req.limit) {
    let best = 0;
    for (let i = 1; i < live.length; i++) if (before(live[i]!, live[best]!)) best = i;
    const c = live[best]!;
    const e = c.buf[c.pos++]!;
    const ts = entryNs(e);
    if (last === null || (backward ? ts <= last - intervalNs : ts >= last + intervalNs)) {
      kept.push(e);
      last = ts;
    }
    if (!(await fill(c))) live.splice(best, 1);
  }
  for (const c of live) await c.blocks.return(undefined);
  ctx.stats.entriesReturned = kept.length;
  return groupEntries(kept, outputs, categorize);
}

/** The entries (in answer order) as output streams sorted by label text. */
function groupEntries(
  entries: readonly OutputEntry[],
  outputs: Map<string, StreamOutput>,
  categorize: boolean,
): ResultStream[] {
  if (categorize) return groupByStreamLabels(entries, outputs);
  const grouped = new Map<string, ResultStream>();
  for (const e of entries) {
    let g = grouped.get(e.streamKey);
    if (!g) {
      g = { key: e.streamKey, labels: outputs.get(e.streamKey)!.labels, entries: [] };
      grouped.set(e.streamKey, g);
    }
    g.entries.push(e);
  }
  return sortByKey([...grouped.values()]);
}

/**
 * categorize-labels: entries whose stream labels are the same form one stream
 * whatever their metadata and parsed labels, which each entry keeps.
 */
function groupByStreamLabels(entries: readonly OutputEntry[], outputs: Map<string, StreamOutput>): ResultStream[] {
  const categories = new Map<string, CategorizedLabels>();
  const streamKeyOf = new Map<string, string>();
  const grouped = new Map<string, ResultStream>();
  for (const e of entries) {
    let sk = streamKeyOf.get(e.streamKey);
    let c = categories.get(e.streamKey);
    if (sk === undefined || c === undefined) {
      c = outputs.get(e.streamKey)!.categories!;
      sk = labelsToString(c.stream);
      categories.set(e.streamKey, c);
      streamKeyOf.set(e.streamKey, sk);
    }
    let g = grouped.get(sk);
    if (!g) {
      g = { key: sk, labels: c.stream, entries: [], entryCategories: categories };
      grouped.set(sk, g);
    }
    g.entries.push(e);
  }
  return sortByKey([...grouped.values()]);
}

function sortByKey(streams: ResultStream[]): ResultStream[] {
  return streams.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

const NO_LABELS: readonly Label[] = [];

function countBlock(block: DecodedBlock, lo: number, hi: number, stats: QueryStats): void {
  const bytes = block.offsets[hi]! - block.offsets[lo]!;
  stats.decompressedLines += hi - lo;
  stats.decompressedBytes += bytes;
}

/** The `streams` result as Loki's JSON (`[{"stream":{...},"values":[["<ns>","<line>"],...]}]`). */
export function streamsToJSON(streams: readonly ResultStream[]): string {
  const parts: string[] = [];
  // With categorize-labels, each distinct output's third element is written once.
  const thirds = new Map<string, string>();
  for (const s of streams) {
    let labels = '';
    for (const l of s.labels) labels += `${labels ? ',' : ''}${JSON.stringify(l.name)}:${JSON.stringify(l.value)}`;
    const values: string[] = new Array(s.entries.length);
    const categories = s.entryCategories;
    for (let i = 0; i < s.entries.length; i++) {
      const e = s.entries[i]!;
      if (categories) {
        let third = thirds.get(e.streamKey);
        if (third === undefined) {
          third = categoriesJSON(categories.get(e.streamKey)!);
          thirds.set(e.streamKey, third);
        }
        values[i] = `["${entryNs(e)}",${JSON.stringify(e.line)},${third}]`;
      } else {
        values[i] = `["${entryNs(e)}",${JSON.stringify(e.line)}]`;
      }
    }
    parts.push(`{"stream":{${labels}},"values":[${values.join(',')}]}`);
  }
  return `[${parts.join(',')}]`;
}

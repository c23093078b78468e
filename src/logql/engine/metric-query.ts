// Metric queries: each range aggregation (`count_over_time({...} | ... [5m])`)
// is computed from the logs on the query's step grid, then the operators
// above it are evaluated on those series.
//
// Reading is stream by stream, block by block, oldest first. When lines only
// count (no parser, label change or unwrap), counts and byte sums come
// straight from the block index by binary search, without touching entries
// one by one; otherwise every entry that passes the filters goes through the
// sample extractor (pipeline, unwrap, grouping) and becomes a sample of its
// output series. A `sum by (...)` directly above a range aggregation whose
// samples add up is pushed down, as Loki does, so series are grouped while
// reading instead of after.
import { gatherStreams, type StreamData } from '../../querier/sources.js';
import { streamBlocks } from '../../querier/stream-blocks.js';
import { HttpError } from '../../server/http-error.js';
import type { DecodedBlock } from '../../storage/chunk/block.js';
import { type Label, type Labels, labelsToString } from '../../util/labels.js';
import { getOrCreate } from '../../util/maps.js';
import { compileMatcher } from '../../util/matchers.js';
import type { LineFilter } from '../filter/index.js';
import { StageCompileError } from '../log/index.js';
import { type Expr, type Grouping, type RangeAggregationExpr, type SampleExpr, walk } from '../syntax/ast.js';
import { TemplateParseError } from '../template/index.js';
import { CountAccumulator, Scratch } from './count-windows.js';
import type { EngineRunContext, MetricEvaluator } from './engine.js';
import { EvaluationError, findPipelineError, PipelineError, SeriesLimitError } from './eval-errors.js';
import { evaluateSample } from './evaluator.js';
import { foldMetadata } from './fold-metadata.js';
import { durationSeconds } from './go-math.js';
import { type EntryPipeline, splitLeadingFilters } from './log-query.js';
import { compileOrBadRequest } from './plan-errors.js';
import { absentLabels, absentSeries, RangeSeriesEvaluator } from './range-series.js';
import { encodeResult, keepsEvaluationOrder } from './result.js';
import { MIN_PARALLEL_BYTES, planShards, totalSize, toWire, type WireStream } from './shards.js';
import type { QueryStats } from './stats.js';
import { dataRange, RelativeWindows, type WindowSpec } from './step-windows.js';
import type { StepGrid, StepMatrix, StepSeries } from './types.js';

const COUNTING_OPS = new Set(['count_over_time', 'rate', 'bytes_over_time', 'bytes_rate']);
/** Range aggregations whose samples add up, so a `sum by` above them can group while reading. */
const ADDITIVE_OPS = new Set(['count_over_time', 'rate', 'bytes_over_time', 'bytes_rate', 'sum_over_time']);
const NO_LABELS: readonly Label[] = [];

/** The `sum by (...)` groupings that can be pushed into the range aggregations below them. */
function pushedGroupings(expr: SampleExpr): Map<RangeAggregationExpr, Grouping> {
  const out = new Map<RangeAggregationExpr, Grouping>();
  walk(expr, (node) => {
    if (node.kind === 'vector_agg' && node.op === 'sum' && node.expr.kind === 'range_agg') {
      const inner = node.expr;
      if (ADDITIVE_OPS.has(inner.op) && !inner.grouping) out.set(inner, node.grouping);
    }
    return true;
  });
  return out;
}

export class MetricQueryEvaluator implements MetricEvaluator {
  async evaluate(
    tenant: string,
    expr: Expr,
    grid: StepGrid,
    instant: boolean,
    ctx: EngineRunContext,
  ): Promise<{ resultType: string; result: string }> {
    const sample = expr as SampleExpr;
    const pushed = pushedGroupings(sample);
    try {
      const value = await evaluateSample(sample, {
        grid,
        instant,
        rangeAggregation: (node) => rangeAggregation(tenant, node, node.grouping ?? pushed.get(node), grid, ctx),
      });
      const encoded = encodeResult(value, grid, {
        instant,
        preserveOrder: keepsEvaluationOrder(sample),
        maxSeries: ctx.limits.max_query_series,
      });
      return { resultType: encoded.resultType, result: encoded.result };
    } catch (err) {
      if (err instanceof EvaluationError || err instanceof SeriesLimitError || err instanceof PipelineError)
        throw new HttpError(400, err.message);
      throw err;
    }
  }
}

/** Reduces labels to a `by`/`without` grouping. */
function grouped(labels: Labels, g: Grouping): Labels {
  const names = new Set(g.labels);
  return labels.filter((l) => names.has(l.name) !== g.without);
}

/** Samples of one output series, in arrival order (sorted before use when streams interleave). */
class SampleBuffer {
  ts = new Float64Array(64);
  values = new Float64Array(64);
  n = 0;
  sorted = true;

  constructor(readonly labels: Labels) {}

  push(t: number, v: number): void {
    if (this.n === this.ts.length) {
      const ts = new Float64Array(this.n * 2);
      ts.set(this.ts);
      this.ts = ts;
      const values = new Float64Array(this.n * 2);
      values.set(this.values);
      this.values = values;
    }
    if (this.n > 0 && t < this.ts[this.n - 1]!) this.sorted = false;
    this.ts[this.n] = t;
    this.values[this.n] = v;
    this.n++;
  }

  /** Orders samples by time, keeping arrival order among equal times. */
  sort(): void {
    if (this.sorted) return;
    const order = Array.from({ length: this.n }, (_, i) => i);
    order.sort((a, b) => this.ts[a]! - this.ts[b]! || a - b);
    const ts = new Float64Array(this.n);
    const values = new Float64Array(this.n);
    order.forEach((j, i) => {
      ts[i] = this.ts[j]!;
      values[i] = this.values[j]!;
    });
    this.ts = ts;
    this.values = values;
    this.sorted = true;
  }
}

interface Plan {
  node: RangeAggregationExpr;
  window: WindowSpec;
  grouping: Grouping | undefined;
  filters: LineFilter[];
  /** Counts and byte sums straight from block indexes; otherwise `sampler` runs per line. */
  counting: boolean;
  sampler: EntryPipeline | null;
}

/** A range aggregation over some streams, as posted to a query worker. */
export interface RangeScanTask {
  kind: 'range';
  node: RangeAggregationExpr;
  grouping: Grouping | undefined;
  grid: StepGrid;
  streams: WireStream[];
}

/** What a worker accumulated: per-step counts, or samples, per output series. */
export interface RangeScanResult {
  counts: Array<{ key: string; labels: Labels; counts: Float64Array; bytes: Float64Array }>;
  samples: Array<{ key: string; labels: Labels; ts: Float64Array; values: Float64Array }>;
  stats: QueryStats;
}

interface Partials {
  counts: Map<string, { labels: Labels; acc: CountAccumulator }>;
  samples: Map<string, SampleBuffer>;
}

const stageErrors = [StageCompileError, TemplateParseError];

function planOf(
  node: RangeAggregationExpr,
  grouping: Grouping | undefined,
  grid: StepGrid,
  ctx: Pick<EngineRunContext, 'compilePipeline'>,
): Plan {
  const range = node.range;
  const { filters, rest } = splitLeadingFilters(range.selector.stages);
  const counting = COUNTING_OPS.has(node.op) && rest.length === 0 && !range.unwrap;
  const sampler = counting
    ? null
    : compileOrBadRequest(() => ctx.compilePipeline(rest, range.unwrap, { op: node.op, grouping }), stageErrors);
  return {
    node,
    window: { grid, rangeNs: range.rangeNs, offsetNs: range.offsetNs },
    grouping,
    filters,
    counting,
    sampler,
  };
}

/** Reads streams into per-series counts or samples (in this thread). */
export async function scanRangeStreams(
  streams: readonly StreamData[],
  node: RangeAggregationExpr,
  grouping: Grouping | undefined,
  grid: StepGrid,
  ctx: Pick<EngineRunContext, 'stats' | 'signal' | 'compilePipeline'>,
): Promise<Partials> {
  const plan = planOf(node, grouping, grid, ctx);
  const { fromNs, throughNs } = dataRange(plan.window);
  const partials: Partials = { counts: new Map(), samples: new Map() };
  for (const stream of streams) {
    ctx.signal.throwIfAborted();
    await readStream(stream, plan, fromNs, throughNs, ctx, partials);
  }
  return partials;
}

async function rangeAggregation(
  tenant: string,
  node: RangeAggregationExpr,
  grouping: Grouping | undefined,
  grid: StepGrid,
  ctx: EngineRunContext,
): Promise<StepMatrix> {
  const range = node.range;
  // Planning here first makes an invalid filter or pipeline a 400 before any work starts.
  const plan = planOf(node, grouping, grid, ctx);
  const { fromNs, throughNs } = dataRange(plan.window);
  const matchers = range.selector.matchers.map(compileMatcher);
  const streams = await gatherStreams(ctx.sources, tenant, matchers, fromNs + 1n, throughNs);
  ctx.stats.indexStreams += streams.length;

  let partials: Partials;
  const executor = ctx.executor;
  if (executor && executor.size > 0 && totalSize(streams) >= MIN_PARALLEL_BYTES) {
    const { shards, local } = planShards(streams, executor.size);
    const remote = Promise.all(
      shards.map((shard) =>
        executor.run<RangeScanResult>(
          { kind: 'range', node, grouping, grid, streams: toWire(shard) } satisfies RangeScanTask,
          ctx.signal,
        ),
      ),
    );
    // Head blocks are read here while the workers read the rest.
    partials = await scanRangeStreams(local, node, grouping, grid, ctx);
    const results = await remote;
    for (const r of results) mergePartials(partials, r, grid.steps);
    for (const r of results) ctx.stats.merge(r.stats);
    ctx.stats.splits += shards.length;
  } else {
    partials = await scanRangeStreams(streams, node, grouping, grid, ctx);
  }

  const evaluator = new RangeSeriesEvaluator({
    op: node.op,
    rangeNs: range.rangeNs,
    param: node.param,
    unwrapped: range.unwrap !== undefined,
    grid,
    offsetNs: range.offsetNs,
    baseNs: fromNs,
  });
  const series: StepSeries[] = [];
  const rangeSeconds = durationSeconds(range.rangeNs);
  for (const { labels, acc } of partials.counts.values())
    series.push(countSeries(labels, acc, node.op, rangeSeconds, grid.steps));
  for (const buf of partials.samples.values()) {
    buf.sort();
    const out = evaluator.newSeries(buf.labels);
    if (evaluator.fill({ ts: buf.ts, values: buf.values, length: buf.n }, out) > 0) series.push(out);
  }
  const err = findPipelineError(series);
  if (err) throw err;
  if (node.op === 'absent_over_time') {
    const absent = absentSeries(grid.steps, series, absentLabels(range.selector.matchers));
    return { grid, series: absent ? [absent] : [] };
  }
  series.sort((a, b) => compareLabels(a.labels, b.labels));
  return { grid, series };
}

/** Partials as a worker posts them back (typed arrays trimmed to their length). */
export function partialsToResult(p: Partials, stats: QueryStats): RangeScanResult {
  return {
    counts: [...p.counts].map(([key, { labels, acc }]) => ({ key, labels, counts: acc.counts, bytes: acc.bytes })),
    samples: [...p.samples].map(([key, b]) => ({
      key,
      labels: b.labels,
      ts: b.ts.slice(0, b.n),
      values: b.values.slice(0, b.n),
    })),
    stats,
  };
}

function mergePartials(into: Partials, r: RangeScanResult, steps: number): void {
  for (const c of r.counts) {
    const acc = getOrCreate(into.counts, c.key, () => ({ labels: c.labels, acc: new CountAccumulator(steps) })).acc;
    for (let i = 0; i < steps; i++) {
      acc.counts[i]! += c.counts[i]!;
      acc.bytes[i]! += c.bytes[i]!;
    }
  }
  for (const smp of r.samples) {
    const buf = getOrCreate(into.samples, smp.key, () => new SampleBuffer(smp.labels));
    for (let i = 0; i < smp.ts.length; i++) buf.push(smp.ts[i]!, smp.values[i]!);
  }
}

function compareLabels(a: Labels, b: Labels): number {
  const x = labelsToString(a);
  const y = labelsToString(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function countSeries(
  labels: Labels,
  acc: CountAccumulator,
  op: string,
  rangeSeconds: number,
  steps: number,
): StepSeries {
  const values = new Float64Array(steps).fill(Number.NaN);
  const present = new Uint8Array(steps);
  for (let i = 0; i < steps; i++) {
    const c = acc.counts[i]!;
    if (c === 0) continue;
    present[i] = 1;
    switch (op) {
      case 'count_over_time':
        values[i] = c;
        break;
      case 'rate':
        values[i] = c / rangeSeconds;
        break;
      case 'bytes_over_time':
        values[i] = acc.bytes[i]!;
        break;
      default:
        values[i] = acc.bytes[i]! / rangeSeconds;
    }
  }
  return { labels, values, present };
}

async function readStream(
  stream: StreamData,
  plan: Plan,
  fromNs: bigint,
  throughNs: bigint,
  ctx: Pick<EngineRunContext, 'stats' | 'signal'>,
  partials: Partials,
): Promise<void> {
  const steps = plan.window.grid.steps;
  const windows = new RelativeWindows(plan.window);
  const scratch = new Scratch();
  const sampler = plan.sampler?.forStream(stream.labels, stream.key) ?? null;
  // Counting without filters needs only timestamps and line lengths: the lines stay compressed.
  const needLines = plan.filters.length > 0 || sampler !== null;
  const streamLabels = plan.grouping ? grouped(stream.labels, plan.grouping) : stream.labels;
  const streamKey = plan.grouping ? labelsToString(streamLabels) : stream.key;
  const countsFor = (key: string, labels: Labels) =>
    getOrCreate(partials.counts, key, () => ({ labels, acc: new CountAccumulator(steps) })).acc;
  const buffers = new Map<string, SampleBuffer>();
  const bufferFor = (key: string, labels: Labels): SampleBuffer => {
    let b = buffers.get(key);
    if (!b) {
      b = getOrCreate(partials.samples, key, () => new SampleBuffer(labels));
      buffers.set(key, b);
    }
    return b;
  };
  let sel = new Uint32Array(1024);
  // Windows are (t - range, t], but like Loki the data is fetched as [from, end) of the whole
  // query, so an entry exactly at the last step's time is not counted: read (fromNs, throughNs).
  const blocks = streamBlocks(stream, {
    fromNs: fromNs + 1n,
    throughNs,
    direction: 'forward',
    decode: { lines: needLines, metadata: true },
    signal: ctx.signal,
  });
  for await (const { block, lo, hi } of blocks) {
    ctx.stats.decompressedLines += hi - lo;
    ctx.stats.decompressedBytes += block.offsets[hi]! - block.offsets[lo]!;
    let n = hi - lo;
    let filtered = false;
    if (plan.filters.length > 0) {
      if (sel.length < n) sel = new Uint32Array(n);
      for (let i = 0; i < n; i++) sel[i] = lo + i;
      for (const f of plan.filters) {
        n = f.filterBlock(block.lines, block.offsets, sel, n, sel);
        if (n === 0) break;
      }
      filtered = true;
    }
    ctx.stats.postFilterLines += n;
    if (n === 0) continue;
    windows.rebase(block.baseNs);
    if (plan.counting && !block.metadata) {
      const acc = countsFor(streamKey, streamLabels);
      if (filtered) acc.addSelected(block, sel, n, windows, scratch);
      else acc.addRange(block, lo, hi, windows);
      continue;
    }
    const shift = Number(block.baseNs - fromNs);
    for (let k = 0; k < n; k++) {
      const i = filtered ? sel[k]! : lo + k;
      const metadata = block.metadata?.[i] ?? NO_LABELS;
      if (!sampler) {
        // Counting, for entries with structured metadata: their series include it.
        let labels = metadata.length > 0 ? foldMetadata(stream.labels, metadata) : stream.labels;
        if (plan.grouping) labels = grouped(labels, plan.grouping);
        countsFor(labelsToString(labels), labels).addOne(
          block.ts[i]!,
          block.offsets[i + 1]! - block.offsets[i]!,
          windows,
        );
        continue;
      }
      const out = sampler.process(block.baseNs, block.ts[i]!, lineOf(block, i), metadata);
      if (!out) continue;
      bufferFor(out.key, out.labels).push(block.ts[i]! + shift, out.value ?? 1);
    }
  }
}

function lineOf(block: DecodedBlock, i: number): string {
  return block.lines.toString('utf8', block.offsets[i], block.offsets[i + 1]);
}

// Metric queries: each range aggregation (`count_over_time({...} | ... [5m])`)
// is computed from the logs on the query's step grid, then the operators
// above it are evaluated on those series.
//
// Reading is stream by stream, block by block, oldest first. When the series
// are the streams themselves (no parser, label change or unwrap) counts and
// byte sums come straight from the block index by binary search, without
// touching entries one by one; otherwise every entry that passes the filters
// runs through the pipeline and becomes a sample of its output series.

import { gatherStreams, type StreamData } from '../../querier/sources.js';
import { streamBlocks } from '../../querier/stream-blocks.js';
import { HttpError } from '../../server/http-error.js';
import type { DecodedBlock } from '../../storage/chunk/block.js';
import { type Label, type Labels, labelsToString, sortLabels } from '../../util/labels.js';
import { getOrCreate } from '../../util/maps.js';
import { compileMatcher } from '../../util/matchers.js';
import type { LineFilter } from '../filter/index.js';
import type { Expr, Grouping, RangeAggregationExpr, SampleExpr } from '../syntax/ast.js';
import { CountAccumulator, Scratch } from './count-windows.js';
import type { EngineRunContext, MetricEvaluator } from './engine.js';
import { EvaluationError, findPipelineError, PipelineError, SeriesLimitError } from './eval-errors.js';
import { evaluateSample } from './evaluator.js';
import { durationSeconds } from './go-math.js';
import { type EntryPipeline, splitLeadingFilters } from './log-query.js';
import { compileOrBadRequest } from './plan-errors.js';
import { absentLabels, absentSeries, RangeSeriesEvaluator } from './range-series.js';
import { encodeResult, keepsEvaluationOrder } from './result.js';
import { dataRange, RelativeWindows, type WindowSpec } from './step-windows.js';
import type { StepGrid, StepMatrix, StepSeries } from './types.js';

const COUNTING_OPS = new Set(['count_over_time', 'rate', 'bytes_over_time', 'bytes_rate']);
const BYTES_OPS = new Set(['bytes_over_time', 'bytes_rate']);
const NO_LABELS: readonly Label[] = [];

export class MetricQueryEvaluator implements MetricEvaluator {
  async evaluate(
    tenant: string,
    expr: Expr,
    grid: StepGrid,
    instant: boolean,
    ctx: EngineRunContext,
  ): Promise<{ resultType: string; result: string }> {
    const sample = expr as SampleExpr;
    try {
      const value = await evaluateSample(sample, {
        grid,
        instant,
        rangeAggregation: (node) => rangeAggregation(tenant, node, grid, ctx),
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

/** Reduces labels to a range aggregation's `by`/`without` grouping. */
function grouped(labels: Labels, g: Grouping | undefined): Labels {
  if (!g) return labels;
  const names = new Set(g.labels);
  return labels.filter((l) => names.has(l.name) !== g.without);
}

function withMetadata(labels: Labels, metadata: readonly Label[]): Labels {
  const byName = new Map<string, string>();
  for (const l of labels) byName.set(l.name, l.value);
  for (const l of metadata) byName.set(l.name, l.value);
  return sortLabels([...byName].map(([name, value]) => ({ name, value })));
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
  filters: LineFilter[];
  pipeline: EntryPipeline | null;
  /** Counts and byte sums straight from block indexes. */
  counting: boolean;
  needsBytes: boolean;
}

async function rangeAggregation(
  tenant: string,
  node: RangeAggregationExpr,
  grid: StepGrid,
  ctx: EngineRunContext,
): Promise<StepMatrix> {
  const range = node.range;
  const window: WindowSpec = { grid, rangeNs: range.rangeNs, offsetNs: range.offsetNs };
  const { filters, rest } = splitLeadingFilters(range.selector.stages);
  const pipeline =
    rest.length > 0 || range.unwrap ? compileOrBadRequest(() => ctx.compilePipeline(rest, range.unwrap)) : null;
  const plan: Plan = {
    node,
    window,
    filters,
    pipeline,
    counting: COUNTING_OPS.has(node.op) && !pipeline && !range.unwrap && !node.grouping,
    needsBytes: BYTES_OPS.has(node.op),
  };
  const { fromNs, throughNs } = dataRange(window);
  const matchers = range.selector.matchers.map(compileMatcher);
  const streams = await gatherStreams(ctx.sources, tenant, matchers, fromNs + 1n, throughNs);
  ctx.stats.indexStreams += streams.length;

  const evaluator = new RangeSeriesEvaluator({
    op: node.op,
    rangeNs: range.rangeNs,
    param: node.param,
    unwrapped: range.unwrap !== undefined,
    grid,
    offsetNs: range.offsetNs,
    baseNs: fromNs,
  });
  const counts = new Map<string, { labels: Labels; acc: CountAccumulator }>();
  const samples = new Map<string, SampleBuffer>();
  for (const stream of streams) {
    ctx.signal.throwIfAborted();
    await readStream(stream, plan, fromNs, throughNs, ctx, counts, samples);
  }

  const series: StepSeries[] = [];
  if (counts.size > 0) {
    const rangeSeconds = durationSeconds(range.rangeNs);
    for (const { labels, acc } of counts.values())
      series.push(countSeries(labels, acc, node.op, rangeSeconds, grid.steps));
  }
  for (const buf of samples.values()) {
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
  ctx: EngineRunContext,
  counts: Map<string, { labels: Labels; acc: CountAccumulator }>,
  samples: Map<string, SampleBuffer>,
): Promise<void> {
  const steps = plan.window.grid.steps;
  const windows = new RelativeWindows(plan.window);
  const scratch = new Scratch();
  const perLine = plan.pipeline?.forStream(stream.labels, stream.key) ?? null;
  const needLines = plan.filters.length > 0 || perLine !== null;
  const streamCounts = () =>
    getOrCreate(counts, stream.key, () => ({ labels: stream.labels, acc: new CountAccumulator(steps) })).acc;
  const byKey = new Map<string, SampleBuffer>();
  const bufferFor = (key: string, labels: Labels): SampleBuffer => {
    let b = byKey.get(key);
    if (!b) {
      b = getOrCreate(samples, key, () => new SampleBuffer(labels));
      byKey.set(key, b);
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
      if (filtered) streamCounts().addSelected(block, sel, n, windows, scratch);
      else streamCounts().addRange(block, lo, hi, windows);
      continue;
    }
    const shift = Number(block.baseNs - fromNs);
    for (let k = 0; k < n; k++) {
      const i = filtered ? sel[k]! : lo + k;
      const metadata = block.metadata?.[i] ?? NO_LABELS;
      const size = block.offsets[i + 1]! - block.offsets[i]!;
      if (plan.counting) {
        // Only entries with structured metadata get here: their series include it.
        const labels = metadata.length > 0 ? withMetadata(stream.labels, metadata) : stream.labels;
        const key = metadata.length > 0 ? labelsToString(labels) : stream.key;
        const acc = getOrCreate(counts, key, () => ({ labels, acc: new CountAccumulator(steps) })).acc;
        acc.addOne(block.ts[i]!, size, windows);
        continue;
      }
      let labels = stream.labels;
      let key = stream.key;
      let value = plan.needsBytes ? size : 1;
      if (perLine) {
        const tsNs = block.baseNs + BigInt(block.ts[i]!);
        const out = perLine.process(tsNs, lineOf(block, i), metadata);
        if (!out) continue;
        labels = out.labels;
        key = out.key;
        if (plan.node.range.unwrap) value = out.value ?? Number.NaN;
      } else if (metadata.length > 0) {
        labels = withMetadata(stream.labels, metadata);
        key = labelsToString(labels);
      }
      if (plan.node.grouping) {
        labels = grouped(labels, plan.node.grouping);
        key = labelsToString(labels);
      }
      bufferFor(key, labels).push(block.ts[i]! + shift, value);
    }
  }
}

function lineOf(block: DecodedBlock, i: number): string {
  return block.lines.toString('utf8', block.offsets[i], block.offsets[i + 1]);
}

// Time arithmetic of the query frontend: aligning a metric query's step grid,
// cutting it into the split intervals that carry cache keys, joining
// neighbouring ranges into as few inner queries as possible, and cutting a
// log query's range into intervals read newest (or oldest) first.
//
// Metric grids are handled in whole milliseconds, as Loki's frontend does
// (its step is an int64 of ms): every point is then a multiple of the step,
// so any two queries with the same step share grid points, and a cached
// point computed by one query is exactly the point the next one asks for.

const NS_PER_MS = 1_000_000n;

/** A metric query's step grid: points startMs, startMs + stepMs, ... up to endMs (inclusive). */
export interface MsGrid {
  readonly startMs: number;
  readonly endMs: number;
  readonly stepMs: number;
}

/** Grid points [startMs, endMs], both on the grid; startMs <= endMs. */
export interface MsRange {
  readonly startMs: number;
  readonly endMs: number;
}

/** The grid points of one split interval, with the interval's number (Loki's `currentInterval`). */
export interface Bucket extends MsRange {
  readonly index: number;
}

/**
 * The grid the frontend evaluates a cached metric query on, or null when the
 * step is not a whole number of milliseconds (such a grid cannot be keyed).
 *
 * The start is rounded down to a multiple of the step. The end is rounded
 * down as well with `query_range.align_queries_with_step` (Loki's step-align
 * middleware) and up otherwise (Loki's metric splitter rounds it up). Loki
 * aligns every split metric query this way; doing the same keeps a dashboard
 * whose time range moves on each refresh on the same grid, so its refreshes
 * hit the cache.
 */
export function alignGrid(startNs: bigint, endNs: bigint, stepNs: bigint, alignEndDown: boolean): MsGrid | null {
  if (stepNs <= 0n || stepNs % NS_PER_MS !== 0n) return null;
  // BigInt's % truncates toward zero like Go's, so times before 1970 align as in Loki.
  const r = alignRange(startNs, endNs, stepNs, { alignQueriesWithStep: alignEndDown, split: true });
  const end = r.endNs < r.startNs ? r.startNs : r.endNs;
  return { startMs: Number(r.startNs / NS_PER_MS), endMs: Number(end / NS_PER_MS), stepMs: Number(stepNs / NS_PER_MS) };
}

/**
 * The start and end Loki's frontend evaluates an uncached metric range query
 * between: with `align_queries_with_step` both are rounded down to a multiple
 * of the step (its step-align middleware), and when the query is split by
 * time, the start is rounded down and the end up (its metric splitter). A
 * dashboard's moving range thus lands on the same grid on every refresh, and
 * a sample at the very end of the range is counted by the point after it.
 * Steps that are not whole milliseconds are left alone (Loki's step is ms).
 */
export function alignRange(
  startNs: bigint,
  endNs: bigint,
  stepNs: bigint,
  opts: { alignQueriesWithStep: boolean; split: boolean },
): { startNs: bigint; endNs: bigint } {
  if (stepNs <= 0n || stepNs % NS_PER_MS !== 0n) return { startNs, endNs };
  let start = startNs;
  let end = endNs;
  if (opts.alignQueriesWithStep) {
    start -= start % stepNs;
    end -= end % stepNs;
  }
  if (opts.split) {
    start -= start % stepNs;
    const mod = end % stepNs;
    if (mod !== 0n) end += stepNs - mod;
  }
  return { startNs: start, endNs: end };
}

/** Number of points of a grid range. */
export function pointCount(r: MsRange, stepMs: number): number {
  return Math.floor((r.endMs - r.startMs) / stepMs) + 1;
}

/**
 * The grid's points grouped by split interval: points t with the same
 * floor(t / intervalMs) form one bucket. An interval of 0 (splitting off)
 * keeps the whole grid in one bucket, numbered 0 as in Loki's cache key.
 */
export function gridBuckets(grid: MsGrid, intervalMs: number): Bucket[] {
  if (intervalMs <= 0) return [{ index: 0, startMs: grid.startMs, endMs: grid.endMs }];
  const out: Bucket[] = [];
  const { startMs, endMs, stepMs } = grid;
  for (let t = startMs; t <= endMs; ) {
    const index = Math.floor(t / intervalMs);
    // The last grid point before the next interval boundary.
    const lastBefore = (index + 1) * intervalMs - 1;
    const last = Math.min(endMs, startMs + Math.floor((lastBefore - startMs) / stepMs) * stepMs);
    out.push({ index, startMs: t, endMs: last });
    t = last + stepMs;
  }
  return out;
}

/** Joins ranges (sorted by start) that touch on the grid into one range each. */
export function mergeAdjacent(ranges: readonly MsRange[], stepMs: number): MsRange[] {
  const out: MsRange[] = [];
  for (const r of ranges) {
    const last = out[out.length - 1];
    if (last && r.startMs <= last.endMs + stepMs) {
      out[out.length - 1] = { startMs: last.startMs, endMs: Math.max(last.endMs, r.endMs) };
    } else out.push(r);
  }
  return out;
}

/** [startNs, endNs): a log query's time range, end exclusive. */
export interface NsRange {
  readonly startNs: bigint;
  readonly endNs: bigint;
}

/**
 * A log query's range cut at multiples of the interval (Loki's
 * util.ForInterval with an exclusive end), oldest first. The first piece
 * keeps the query's own start; the last ends at the query's end.
 */
export function logIntervals(startNs: bigint, endNs: bigint, intervalNs: bigint): NsRange[] {
  if (intervalNs <= 0n || endNs <= startNs) return [{ startNs, endNs }];
  const out: NsRange[] = [];
  let from = startNs - (startNs % intervalNs);
  for (let first = true; from < endNs; from += intervalNs, first = false) {
    const to = from + intervalNs < endNs ? from + intervalNs : endNs;
    out.push({ startNs: first ? startNs : from, endNs: to });
  }
  return out;
}

/**
 * The inner queries of a split log query, in reading order: newest first
 * going backward, oldest first going forward. The first covers one interval
 * and each next one twice as many as the one before, so that a limit filled
 * by recent entries costs one small query, while a sparse range costs at most
 * about log2(intervals) queries and twice the work of a single one.
 */
export function logBatches(intervals: readonly NsRange[], backward: boolean): NsRange[] {
  const ordered = backward ? [...intervals].reverse() : [...intervals];
  const out: NsRange[] = [];
  for (let i = 0, size = 1; i < ordered.length; i += size, size *= 2) {
    const group = ordered.slice(i, i + size);
    const first = group[0]!;
    const last = group[group.length - 1]!;
    out.push(backward ? { startNs: last.startNs, endNs: first.endNs } : { startNs: first.startNs, endNs: last.endNs });
  }
  return out;
}

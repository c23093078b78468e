// Extents: what the results cache keeps under one key (one split interval of
// one query and step). Each extent is a run of grid points [startMs, endMs]
// that was evaluated, with the matrix found there (possibly empty: "no data
// here" is worth remembering too). This follows Loki's resultscache: find
// what the cached extents cover, ask only for the rest, then fold the fresh
// pieces back in and store the joined extents.
import type { MsRange } from './intervals.js';
import { fromStored, type Matrix, mergeMatrices, type StoredSeries, sliceMatrix, toStored } from './matrix.js';

export interface Extent extends MsRange {
  readonly matrix: Matrix;
}

/**
 * Loki discards cached extents shorter than this when the requested range is
 * longer: a few larger queries beat many tiny ones, and the recomputed range
 * replaces the tiny extent with a larger one.
 */
export const MIN_CACHE_EXTENT_MS = 5 * 60_000;

export interface Partition {
  /** What the cache answers, one piece per usable extent, in time order. */
  readonly cached: Extent[];
  /** Grid ranges still to evaluate, in time order. */
  readonly missing: MsRange[];
}

/** Splits a bucket's range into what its extents (sorted by start) answer and what is missing. */
export function partition(range: MsRange, extents: readonly Extent[], stepMs: number): Partition {
  const cached: Extent[] = [];
  const missing: MsRange[] = [];
  let start = range.startMs;
  const end = range.endMs;
  const longRequest = end - start > MIN_CACHE_EXTENT_MS;
  for (const e of extents) {
    if (start > end) break;
    if (e.endMs < start || e.startMs > end) continue;
    if (longRequest && e.endMs - e.startMs < MIN_CACHE_EXTENT_MS) continue;
    if (start < e.startMs) missing.push({ startMs: start, endMs: e.startMs - stepMs });
    const piece = { startMs: Math.max(start, e.startMs), endMs: Math.min(end, e.endMs) };
    cached.push({ ...piece, matrix: sliceMatrix(e.matrix, piece) });
    start = e.endMs + stepMs;
  }
  if (start <= end) missing.push({ startMs: start, endMs: end });
  return { cached, missing };
}

/** `r` without the grid points of `cut`: zero, one or two ranges. */
function subtract(r: MsRange, cut: MsRange, stepMs: number): MsRange[] {
  if (cut.endMs < r.startMs || cut.startMs > r.endMs) return [r];
  const out: MsRange[] = [];
  if (r.startMs <= cut.startMs - stepMs) out.push({ startMs: r.startMs, endMs: cut.startMs - stepMs });
  if (cut.endMs + stepMs <= r.endMs) out.push({ startMs: cut.endMs + stepMs, endMs: r.endMs });
  return out;
}

/**
 * The extents after a query: fresh pieces replace whatever older extents held
 * for the same points, and extents that touch or overlap on the grid are
 * joined into one (so a key ends up with few, long extents).
 */
export function updateExtents(old: readonly Extent[], fresh: readonly Extent[], stepMs: number): Extent[] {
  const parts: Extent[] = [...fresh];
  for (const e of old) {
    let left: MsRange[] = [e];
    for (const f of fresh) left = left.flatMap((r) => subtract(r, f, stepMs));
    for (const r of left) parts.push(r === e ? e : { ...r, matrix: sliceMatrix(e.matrix, r) });
  }
  parts.sort((a, b) => a.startMs - b.startMs || b.endMs - a.endMs);
  const out: Extent[] = [];
  let group: Extent[] = [];
  let groupEnd = Number.NEGATIVE_INFINITY;
  const flush = () => {
    if (group.length === 0) return;
    const matrix = group.length === 1 ? group[0]!.matrix : mergeMatrices(group.map((g) => g.matrix));
    out.push({ startMs: group[0]!.startMs, endMs: groupEnd, matrix });
  };
  for (const p of parts) {
    if (group.length > 0 && p.startMs <= groupEnd + stepMs) {
      group.push(p);
      groupEnd = Math.max(groupEnd, p.endMs);
      continue;
    }
    flush();
    group = [p];
    groupEnd = p.endMs;
  }
  flush();
  return out;
}

/**
 * Extents cut back to the points at or before `lastMs` (max_cache_freshness_per_query:
 * recent points may still change as late entries arrive, so they are never stored).
 */
export function truncateExtents(extents: readonly Extent[], lastMs: number): Extent[] {
  const out: Extent[] = [];
  for (const e of extents) {
    if (e.startMs > lastMs) continue;
    if (e.endMs <= lastMs) out.push(e);
    else
      out.push({
        startMs: e.startMs,
        endMs: lastMs,
        matrix: sliceMatrix(e.matrix, { startMs: e.startMs, endMs: lastMs }),
      });
  }
  return out;
}

/** Bumped whenever the stored form changes, so older entries read as misses. */
const FORMAT = 1;

interface StoredEntry {
  v: number;
  key: string;
  extents: Array<{ start: number; end: number; series: StoredSeries[] }>;
}

/**
 * The cache value for a key. The full key travels inside the value (the cache
 * is addressed by its hash), so a hash collision reads as a miss, as in Loki.
 */
export function encodeEntry(key: string, extents: readonly Extent[]): Buffer {
  const entry: StoredEntry = {
    v: FORMAT,
    key,
    extents: extents.map((e) => ({ start: e.startMs, end: e.endMs, series: toStored(e.matrix) })),
  };
  return Buffer.from(JSON.stringify(entry));
}

/** The extents of a cache value, sorted by start; null when it is for another key or unreadable. */
export function decodeEntry(key: string, buf: Buffer): Extent[] | null {
  let entry: StoredEntry;
  try {
    entry = JSON.parse(buf.toString('utf8')) as StoredEntry;
  } catch {
    return null;
  }
  if (entry?.v !== FORMAT || entry.key !== key || !Array.isArray(entry.extents)) return null;
  return entry.extents
    .map((e) => ({ startMs: e.start, endMs: e.end, matrix: fromStored(e.series) }))
    .sort((a, b) => a.startMs - b.startMs || b.endMs - a.endMs);
}

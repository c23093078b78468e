// Answering a patterns query from the streams that match its selector, as
// Loki's pattern ingester and its querier do together: the same pattern and
// level is summed over clusters and streams per step, then patterns with
// fewer than 30 lines in the range are dropped and the 300 most frequent are
// returned, most frequent first.
import { NS_PER_MS } from '../util/time.js';
import { fromByteString } from './byte-string.js';
import type { LogLevel } from './levels.js';
import type { PatternStream } from './pattern-stream.js';

/** One pattern's counts: `samples` are [unix seconds, lines] per step, oldest first. */
export interface PatternSeries {
  pattern: string;
  level: string;
  samples: Array<[number, number]>;
}

/** Loki's querier drops patterns with fewer lines than this in the queried range. */
export const MIN_PATTERN_LINES = 30;
/** At most this many patterns are returned. */
export const MAX_PATTERNS = 300;
/** Steps below the pattern ingester's resolution are raised to it (10s, whatever the sample interval). */
export const MIN_STEP_MS = 10_000;

interface Accumulator {
  readonly pattern: string;
  readonly level: LogLevel;
  readonly byTs: Map<number, number>;
  total: number;
}

/** Start rounded down and end rounded up to milliseconds, as Loki reads a query range. */
export function queryRangeMs(fromNs: bigint, throughNs: bigint): { fromMs: number; throughMs: number } {
  const fromMs = Number(fromNs / NS_PER_MS);
  let throughMs = Number(throughNs / NS_PER_MS);
  if (((throughNs % NS_PER_MS) + NS_PER_MS) % NS_PER_MS !== 0n) throughMs++;
  return { fromMs, throughMs };
}

/** The step in milliseconds (as Loki truncates it), raised to the pattern resolution. */
export function queryStepMs(stepNs: bigint): number {
  return Math.max(Number(stepNs / NS_PER_MS), MIN_STEP_MS);
}

/**
 * The patterns of `streams` in [fromNs, throughNs] at `stepNs` resolution,
 * with Loki's limits applied.
 */
export function queryPatterns(
  streams: Iterable<PatternStream>,
  fromNs: bigint,
  throughNs: bigint,
  stepNs: bigint,
): PatternSeries[] {
  const { fromMs, throughMs } = queryRangeMs(fromNs, throughNs);
  const stepMs = queryStepMs(stepNs);

  const series = new Map<string, Accumulator>();
  const sink = (pattern: string, level: LogLevel, tsMs: number, count: number): void => {
    const key = `${level}\n${pattern}`;
    let acc = series.get(key);
    if (acc === undefined) {
      acc = { pattern, level, byTs: new Map(), total: 0 };
      series.set(key, acc);
    }
    acc.byTs.set(tsMs, (acc.byTs.get(tsMs) ?? 0) + count);
    acc.total += count;
  };
  for (const stream of streams) stream.emitSamples(fromMs, throughMs, stepMs, sink);

  const kept = [...series.values()].filter((s) => s.total >= MIN_PATTERN_LINES);
  kept.sort(
    (a, b) =>
      b.total - a.total ||
      (a.pattern < b.pattern ? -1 : a.pattern > b.pattern ? 1 : 0) ||
      (a.level < b.level ? -1 : a.level > b.level ? 1 : 0),
  );
  return kept.slice(0, MAX_PATTERNS).map(toSeries);
}

function toSeries(acc: Accumulator): PatternSeries {
  const timestamps = [...acc.byTs.keys()].sort((a, b) => a - b);
  return {
    pattern: fromByteString(acc.pattern),
    level: acc.level,
    samples: timestamps.map((ts): [number, number] => [Math.trunc(ts / 1000), acc.byTs.get(ts)!]),
  };
}

/**
 * Loki's merge of pattern responses from several sources (query splits,
 * ingesters and store): series with the same pattern are joined, keeping the
 * level of the first, their samples concatenated and ordered by time.
 * Patterns keep the order in which they were first seen.
 */
export function mergePatternResponses(responses: readonly (readonly PatternSeries[])[]): PatternSeries[] {
  if (responses.length === 0) return [];
  if (responses.length === 1) return [...responses[0]!];
  const byPattern = new Map<string, PatternSeries>();
  for (const response of responses) {
    for (const s of response) {
      const existing = byPattern.get(s.pattern);
      if (existing === undefined) byPattern.set(s.pattern, { ...s, samples: [...s.samples] });
      else existing.samples.push(...s.samples);
    }
  }
  const merged = [...byPattern.values()];
  for (const s of merged) s.samples.sort((a, b) => a[0] - b[0]);
  return merged;
}

// The frontend's promise, checked over real logs: however a metric query is
// split, partly served from the cache and joined back, the answer is exactly
// (byte for byte) the engine's answer for the same grid in one call.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultConfig, type LimitsConfig } from '../config/index.js';
import type { Engine } from '../logql/engine/engine.js';
import { EmbeddedCache } from '../storage/cache/embedded.js';
import { QueryFrontend } from './frontend.js';
import type { QueryResponse, RangeQuery } from './handler.js';
import { alignGrid } from './intervals.js';
import { LOGHUB_SPAN_MS, LOGHUB_T0_MS, loghubEngine, prng } from './test-loghub-engine.js';

const QUERIES = 100;
const MS = 1_000_000n;
const MIN = 60_000;
const H = 60 * MIN;

const SELECTORS = [
  '{source="loghub"}',
  '{job="hdfs"}',
  '{job=~"h.*"}',
  '{host="host-1", job!="apache"}',
  '{job=~"linux|openssh|mac"}',
];
const FILTERS = ['', ' |= "error"', ' != "INFO"', ' |~ "(?i)fail|denied"', ' |= "a"'];
const RANGES = ['30s', '1m', '5m', '10m', '1h', '90m', '3h'];
const STEPS = [15_000, 30_000, MIN, 90_000, 5 * MIN, 7 * MIN, 10 * MIN, H];
const SPLITS = [0, 30 * MIN, H, 2 * H];

function pick<T>(rand: () => number, list: readonly T[]): T {
  return list[Math.floor(rand() * list.length)]!;
}

/** A random metric query over the loghub streams: range aggregations, unwraps, aggregations, binary operations. */
function randomQuery(rand: () => number): string {
  const sel = () => `${pick(rand, SELECTORS)}${pick(rand, FILTERS)}`;
  const range = () => `[${pick(rand, RANGES)}]${rand() < 0.15 ? ' offset 20m' : ''}`;
  const unwrapped = () => `${sel()} | regexp "(?P<n>\\\\d+)" | unwrap n | __error__=""`;
  const rangeAgg = (): string => {
    switch (Math.floor(rand() * 8)) {
      case 0:
        return `count_over_time(${sel()}${range()})`;
      case 1:
        return `rate(${sel()}${range()})`;
      case 2:
        return `bytes_over_time(${sel()}${range()})`;
      case 3:
        return `sum_over_time(${unwrapped()}${range()})`;
      case 4:
        return `max_over_time(${unwrapped()}${range()}) by (job)`;
      case 5:
        return `quantile_over_time(0.9, ${unwrapped()}${range()}) by (job)`;
      case 6:
        return `last_over_time(${unwrapped()}${range()}) by (host)`;
      default:
        return `absent_over_time({job="nginx"}${range()})`;
    }
  };
  const agg = (): string => {
    switch (Math.floor(rand() * 7)) {
      case 0:
        return `sum by (job) (${rangeAgg()})`;
      case 1:
        return `topk(3, sum by (job) (${rangeAgg()}))`;
      case 2:
        return `avg without (host) (${rangeAgg()})`;
      case 3:
        return `count(${rangeAgg()})`;
      case 4:
        return rangeAgg();
      case 5:
        return `label_replace(sum by (host) (${rangeAgg()}), "h", "$1", "host", "host-(.*)")`;
      default:
        return `max(${rangeAgg()})`;
    }
  };
  switch (Math.floor(rand() * 5)) {
    case 0:
      return `${agg()} / ${agg()}`;
    case 1:
      return `${agg()} > 2`;
    case 2:
      return `${agg()} * 2`;
    default:
      return agg();
  }
}

function limitsFor(split: number): LimitsConfig {
  return { ...defaultConfig().limits_config, split_queries_by_interval: split, max_query_series: 0, query_timeout: 0 };
}

async function answer(p: Promise<QueryResponse>): Promise<{ ok: true; result: string } | { ok: false; err: string }> {
  try {
    const r = await p;
    return { ok: true, result: `${r.resultType}:${r.result}` };
  } catch (err) {
    return { ok: false, err: (err as Error).message };
  }
}

describe('split and cached metric queries over the loghub logs', () => {
  const engine: Engine = loghubEngine();
  const signal = new AbortController().signal;

  it(`equal the engine's single answer on the same grid for ${QUERIES} random queries`, async () => {
    const rand = prng(20240115);
    let compared = 0;
    let served = 0;
    for (let i = 0; i < QUERIES; i++) {
      const split = pick(rand, SPLITS);
      const align = rand() < 0.3;
      // Half the queries run with "now" inside the data, so max_cache_freshness_per_query cuts in.
      const nowMs = rand() < 0.5 ? Date.now() : LOGHUB_T0_MS + 2 * H + Math.floor(rand() * 10 * H);
      const cache = new EmbeddedCache({ name: 'prop', maxSizeBytes: 100e6, maxSizeItems: 0, ttlMs: 0 });
      const frontend = new QueryFrontend({
        handler: engine,
        limits: () => limitsFor(split),
        cache,
        alignQueriesWithStep: align,
        now: () => nowMs,
      });
      const query = randomQuery(rand);
      const step = pick(rand, STEPS);
      const startMs = LOGHUB_T0_MS - H + Math.floor(rand() * (LOGHUB_SPAN_MS + H)) + Math.floor(rand() * 1000);
      const lengthMs = 10 * MIN + Math.floor(rand() * 6 * H);
      const shift = Math.floor((rand() - 0.5) * 4 * H);
      const ranges = [
        [startMs, startMs + lengthMs],
        [startMs + shift, startMs + shift + lengthMs],
        [startMs - H, startMs + lengthMs + H],
        [startMs, startMs + lengthMs],
      ];
      for (const [from, to] of ranges) {
        const q: RangeQuery = {
          query,
          startNs: BigInt(from!) * MS,
          endNs: BigInt(to!) * MS,
          stepNs: BigInt(step) * MS,
          limit: 100,
          direction: 'backward',
          intervalNs: 0n,
        };
        const grid = alignGrid(q.startNs, q.endNs, q.stepNs, align)!;
        const oracle = await answer(
          engine.rangeQuery('t', { ...q, startNs: BigInt(grid.startMs) * MS, endNs: BigInt(grid.endMs) * MS }, signal),
        );
        const got = await answer(frontend.rangeQuery('t', q, signal));
        await frontend.idle();
        const context = `query ${i}: ${query} [${from}, ${to}] step ${step} split ${split} align ${align} now ${nowMs}`;
        assert.equal(got.ok, oracle.ok, `${context}\n${JSON.stringify(got).slice(0, 300)}`);
        if (got.ok && oracle.ok) assert.equal(got.result, oracle.result, context);
        compared++;
      }
      served += cache.size;
      await frontend.stop();
    }
    assert.equal(compared, QUERIES * 4);
    assert.ok(served > QUERIES, `the cache was used (${served} entries)`);
  });
});

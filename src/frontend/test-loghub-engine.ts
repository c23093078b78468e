// Test support: a real LogQL engine over the loghub sample logs (16 systems,
// 2,000 lines each), held in in-memory chunks as the ingester holds them.
// Each system is two streams ({job, host, source}) whose lines are spread
// over twelve hours from LOGHUB_T0 at irregular intervals, so that metric
// queries see uneven rates, gaps and several series.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Engine, type QueryLimits } from '../logql/engine/engine.js';
import { MetricQueryEvaluator } from '../logql/engine/metric-query.js';
import { createPipelineCompiler } from '../logql/engine/pipeline.js';
import type { IngesterReader } from '../querier/sources.js';
import { MemChunk } from '../storage/chunk/chunk.js';
import { Codec } from '../storage/chunk/compression.js';
import { requireLoghub } from '../testing/loghub.js';
import { fingerprint, type Labels, labelsToString, sortLabels } from '../util/labels.js';
import type { CompiledMatcher } from '../util/matchers.js';

export const LOGHUB_T0_MS = Date.UTC(2024, 0, 15);
export const LOGHUB_SPAN_MS = 12 * 3_600_000;

interface MemStream {
  labels: Labels;
  key: string;
  fp: string;
  chunk: MemChunk;
}

/** mulberry32: small, deterministic, replayable from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function loadStreams(): MemStream[] {
  const dir = requireLoghub();
  const rand = prng(7);
  const streams: MemStream[] = [];
  const baseSec = LOGHUB_T0_MS / 1000;
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('_2k.log'))
    .sort()) {
    const job = file.replace('_2k.log', '').toLowerCase();
    const lines = readFileSync(join(dir, file), 'utf8')
      .split('\n')
      .map((l) => l.replace(/\r$/, ''))
      .filter((l) => l !== '');
    const hosts = [0, 1].map((h) => {
      const labels = sortLabels([
        { name: 'job', value: job },
        { name: 'host', value: `host-${h}` },
        { name: 'source', value: 'loghub' },
      ]);
      const key = labelsToString(labels);
      return { labels, key, fp: fingerprint(key), chunk: new MemChunk(Codec.Snappy, 16 * 1024, 0, baseSec) };
    });
    // Bursts and quiet stretches: exponential gaps around the mean spacing.
    const mean = (LOGHUB_SPAN_MS * 1e6) / lines.length;
    let offNs = 0;
    lines.forEach((line, i) => {
      offNs += Math.floor(-Math.log(1 - rand()) * mean);
      if (offNs >= LOGHUB_SPAN_MS * 1e6) return;
      hosts[i % 3 === 0 ? 1 : 0]!.chunk.append(offNs, Buffer.from(line), []);
    });
    streams.push(...hosts.filter((h) => !h.chunk.isEmpty));
  }
  return streams;
}

class MemoryReader implements IngesterReader {
  constructor(private readonly streams: readonly MemStream[]) {}

  select(_tenant: string, matchers: readonly CompiledMatcher[], fromNs: bigint, throughNs: bigint) {
    return this.streams
      .filter((s) => matchers.every((m) => m.matches(s.labels.find((l) => l.name === m.name)?.value ?? '')))
      .filter((s) => s.chunk.minNs <= throughNs && s.chunk.maxNs >= fromNs)
      .map((s) => ({ labels: s.labels, key: s.key, fp: s.fp, chunks: [{ chunk: s.chunk }] }));
  }
}

export const TEST_QUERY_LIMITS: QueryLimits = {
  max_entries_limit_per_query: 5000,
  max_query_length: 0,
  max_query_series: 0,
  query_timeout: 0,
  max_query_lookback: 0,
  max_query_parallelism: 0,
};

/** An engine (in this thread, no workers) answering over the loghub streams for any tenant. */
export function loghubEngine(): Engine {
  return new Engine({
    sources: { ingester: new MemoryReader(loadStreams()) },
    limits: () => TEST_QUERY_LIMITS,
    compilePipeline: createPipelineCompiler(),
    metrics: new MetricQueryEvaluator(),
  });
}

// How a rule's expression is evaluated: an instant LogQL query at the
// evaluation time through Skald's engine, the way Loki's local evaluator runs
// it (pkg/ruler/evaluator_local.go and compat.go queryFunc).

import type { Engine } from '../logql/engine/engine.js';
import { type Label, type Labels, sortLabels } from '../util/labels.js';

/** One element of an instant vector. */
export interface Sample {
  labels: Labels;
  value: number;
}

/** Runs `query` at `timestampMs` (milliseconds since the epoch) and returns an instant vector. */
export type QueryFunc = (query: string, timestampMs: number) => Promise<Sample[]>;

/** A sample a rule produces: a recording rule's series, or an alert's ALERTS series. */
export interface OutputSample {
  labels: Labels;
  value: number;
  timestampMs: number;
  /** A Prometheus staleness marker: the series went away. */
  stale?: boolean;
}

function parseValue(text: string): number {
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

function toLabels(metric: Record<string, string>): Labels {
  return sortLabels(Object.entries(metric).map(([name, value]): Label => ({ name, value })));
}

/** Turns the engine's result JSON into samples; log-query results are refused as Loki refuses them. */
export function samplesFromResult(resultType: string, resultJSON: string): Sample[] {
  if (resultType === 'vector') {
    const vec = JSON.parse(resultJSON) as Array<{ metric: Record<string, string>; value: [number, string] }>;
    return vec.map((s) => ({ labels: toLabels(s.metric), value: parseValue(s.value[1]) }));
  }
  if (resultType === 'scalar') {
    const [, v] = JSON.parse(resultJSON) as [number, string];
    return [{ labels: [], value: parseValue(v) }];
  }
  throw new Error('rule result is not a vector or scalar');
}

export interface EngineQueryOptions {
  engine: Engine;
  tenant: string;
  /** Aborted when the ruler stops. */
  signal: AbortSignal;
}

/** A tenant's query function over the engine; failures read "rule evaluation failed: ..." as in Loki. */
export function engineQueryFunc(opts: EngineQueryOptions): QueryFunc {
  return async (query, timestampMs) => {
    try {
      const r = await opts.engine.instantQuery(
        opts.tenant,
        { query, timeNs: BigInt(Math.trunc(timestampMs)) * 1_000_000n, limit: 0, direction: 'forward' },
        opts.signal,
      );
      return samplesFromResult(r.resultType, r.result);
    } catch (err) {
      throw new Error(`rule evaluation failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
}

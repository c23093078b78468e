// Metric families whose label names are not known in advance: the metrics
// stage labels each series with the entry's stream labels, whatever they
// are. Series that have not changed for `max_idle_duration` disappear at the
// next scrape, as in Promtail. The families plug into the agent's
// prom-client registry as custom metrics.
import type { Registry } from 'prom-client';
import type { LabelSet } from '../labels/label-set.js';

export type CustomMetricType = 'counter' | 'gauge' | 'histogram';

export const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const VALID_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

interface Series {
  labels: Record<string, string>;
  value: number;
  /** Histogram: cumulative counts per bucket and the observation count. */
  buckets?: number[];
  count?: number;
  lastModified: number;
}

interface MetricValue {
  value: number;
  labels: Record<string, string | number>;
  metricName?: string;
}

export class DynamicMetric {
  readonly aggregator = 'sum';
  private readonly series = new Map<string, Series>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: CustomMetricType,
    private readonly maxIdleMs: number,
    readonly buckets: readonly number[] = DEFAULT_BUCKETS,
  ) {}

  /** The series for a stream: labels starting with `__` are left out, as Promtail does. */
  private seriesFor(labels: LabelSet): Series {
    const key = labels.toString();
    let s = this.series.get(key);
    if (s === undefined) {
      const clean: Record<string, string> = {};
      labels.forEach((n, v) => {
        if (!n.startsWith('__') && n.length > 0) clean[n] = v;
      });
      s = { labels: clean, value: 0, lastModified: Date.now() };
      if (this.type === 'histogram') {
        s.buckets = new Array(this.buckets.length).fill(0);
        s.count = 0;
      }
      this.series.set(key, s);
    }
    return s;
  }

  add(labels: LabelSet, delta: number): void {
    const s = this.seriesFor(labels);
    s.value += delta;
    s.lastModified = Date.now();
  }

  set(labels: LabelSet, value: number): void {
    const s = this.seriesFor(labels);
    s.value = value;
    s.lastModified = Date.now();
  }

  observe(labels: LabelSet, value: number): void {
    const s = this.seriesFor(labels);
    for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]!) s.buckets![i]!++;
    s.count! += 1;
    s.value += value;
    s.lastModified = Date.now();
  }

  reset(): void {
    this.series.clear();
  }

  private prune(): void {
    const now = Date.now();
    for (const [key, s] of this.series) if (now - s.lastModified >= this.maxIdleMs) this.series.delete(key);
  }

  /** What prom-client's registry renders. */
  get(): { name: string; help: string; type: CustomMetricType; values: MetricValue[]; aggregator: string } {
    const values: MetricValue[] = [];
    for (const s of this.series.values()) {
      if (this.type !== 'histogram') {
        values.push({ value: s.value, labels: s.labels });
        continue;
      }
      this.buckets.forEach((le, i) => {
        values.push({ metricName: `${this.name}_bucket`, value: s.buckets![i]!, labels: { ...s.labels, le } });
      });
      values.push({ metricName: `${this.name}_bucket`, value: s.count!, labels: { ...s.labels, le: '+Inf' } });
      values.push({ metricName: `${this.name}_sum`, value: s.value, labels: s.labels });
      values.push({ metricName: `${this.name}_count`, value: s.count!, labels: s.labels });
    }
    // Expired series are reported one last time and then forgotten, as Promtail's collector does.
    this.prune();
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }
}

export class CustomMetricError extends Error {
  override name = 'CustomMetricError';
}

/**
 * The family named `name`, created and registered on first use. Stages of
 * several jobs declaring the same metric share it.
 */
export function customMetric(
  registry: Registry,
  name: string,
  help: string,
  type: CustomMetricType,
  maxIdleMs: number,
  buckets?: readonly number[],
): DynamicMetric {
  if (!VALID_NAME.test(name)) throw new CustomMetricError(`"${name}" is not a valid metric name`);
  const existing = registry.getSingleMetric(name) as unknown;
  if (existing instanceof DynamicMetric) {
    if (existing.type !== type)
      throw new CustomMetricError(`metric ${name} is already registered as a ${existing.type}`);
    return existing;
  }
  if (existing !== undefined) throw new CustomMetricError(`metric ${name} is already registered`);
  const metric = new DynamicMetric(name, help, type, maxIdleMs, buckets);
  registry.registerMetric(metric as unknown as Parameters<Registry['registerMetric']>[0]);
  return metric;
}

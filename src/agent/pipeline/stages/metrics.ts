// `metrics`: counters, gauges and histograms computed from extracted values,
// exposed on the agent's /metrics as `promtail_custom_<name>` (or with the
// configured prefix) and labelled with the entry's stream labels.
import { parseGoDurationNs } from '../../../config/values/duration.js';
import { ConfigNode } from '../../config/config-node.js';
import { type CustomMetricType, customMetric, DEFAULT_BUCKETS, type DynamicMetric } from '../custom-metrics.js';
import type { LogEntry } from '../entry.js';
import { ProcessorStage, type StageContext } from '../stage.js';
import { StageConfigError, StageOptions } from '../stage-options.js';
import { toFloatValue, tryString } from '../values.js';

const COUNTER_ACTIONS = ['inc', 'add'];
const GAUGE_ACTIONS = ['set', 'inc', 'dec', 'add', 'sub'];

interface MetricRule {
  readonly name: string;
  readonly metric: DynamicMetric;
  readonly source: string;
  readonly action: string;
  /** Only entries whose source value equals this are counted. */
  readonly value: string | undefined;
  /** Counters only: count every entry (`match_all`), adding its size when `countBytes`. */
  readonly matchAll: boolean;
  readonly countBytes: boolean;
}

function readRule(ctx: StageContext, name: string, node: ConfigNode): MetricRule {
  const opts = new StageOptions('metrics', node);
  const type = (opts.string('type') ?? '').toLowerCase();
  const description = opts.string('description') ?? '';
  const source = opts.string('source') ?? name;
  const prefix = opts.string('prefix') || 'promtail_custom_';
  const idle = opts.string('max_idle_duration');
  const configNode = opts.raw('config');
  opts.finish();
  if (type !== 'counter' && type !== 'gauge' && type !== 'histogram') {
    throw new StageConfigError(
      `invalid metric type '${type}', metric type must be one of 'counter', 'gauge', or 'histogram'`,
    );
  }
  let maxIdleMs = 5 * 60_000;
  if (idle !== undefined) {
    let ns: bigint;
    try {
      ns = parseGoDurationNs(idle);
    } catch (err) {
      throw new StageConfigError(
        `max_idle_duration could not be parsed as a time.Duration: '${(err as Error).message}'`,
      );
    }
    if (ns < 1_000_000_000n) throw new StageConfigError('max_idle_duration less than 1s not allowed');
    maxIdleMs = Math.trunc(Number(ns / 1_000_000_000n)) * 1000;
  }
  const config = new StageOptions('metrics', configNode ?? ConfigNode.empty());
  const value = config.string('value');
  let action = '';
  let matchAll = false;
  let countBytes = false;
  let buckets: number[] | undefined;
  if (type === 'counter') {
    matchAll = config.bool('match_all') ?? false;
    countBytes = config.bool('count_entry_bytes') ?? false;
    action = (config.string('action') ?? '').toLowerCase();
    if (action === '') throw new StageConfigError('counter action must be defined as either `inc` or `add`');
    if (!COUNTER_ACTIONS.includes(action)) {
      throw new StageConfigError(`action ${action} is not valid, action must be either \`inc\` or \`add\``);
    }
    if (matchAll && value !== undefined) {
      throw new StageConfigError(
        '`match_all: true` cannot be combined with `value`, please remove `match_all` or `value`',
      );
    }
    if (countBytes && !matchAll)
      throw new StageConfigError('`count_entry_bytes: true` can only be set with `match_all: true`');
    if (countBytes && action !== 'add')
      throw new StageConfigError('`count_entry_bytes: true` can only be used with `action: add`');
  } else if (type === 'gauge') {
    action = (config.string('action') ?? '').toLowerCase();
    if (action === '')
      throw new StageConfigError('gauge action must be defined as `set`, `inc`, `dec`, `add`, or `sub`');
    if (!GAUGE_ACTIONS.includes(action)) {
      throw new StageConfigError(
        `action ${action} is not valid, action must be \`set\`, \`inc\`, \`dec\`, \`add\`, or \`sub\``,
      );
    }
  } else {
    const raw = config.strings('buckets');
    buckets = raw?.map((b) => {
      const n = Number(b);
      if (!Number.isFinite(n)) throw new StageConfigError(`invalid histogram bucket ${JSON.stringify(b)}`);
      return n;
    });
  }
  config.finish();
  let metric: DynamicMetric;
  try {
    metric = customMetric(
      ctx.metrics.registry,
      prefix + name,
      description,
      type as CustomMetricType,
      maxIdleMs,
      buckets ? [...buckets].sort((a, b) => a - b) : DEFAULT_BUCKETS,
    );
  } catch (err) {
    throw new StageConfigError((err as Error).message);
  }
  return { name, metric, source, action, value, matchAll, countBytes };
}

export class MetricsStage extends ProcessorStage {
  readonly name = 'metrics';

  constructor(private readonly rules: readonly MetricRule[]) {
    super();
  }

  static fromNode(ctx: StageContext, node: ConfigNode): MetricsStage {
    if (node.kind !== 'map') throw new StageConfigError('empty metric stage configuration');
    return new MetricsStage(node.entries().map((e) => readRule(ctx, e.key, e.value)));
  }

  protected apply(entry: LogEntry): void {
    for (const rule of this.rules) {
      if (rule.matchAll) {
        if (rule.countBytes) rule.metric.add(entry.labels, entry.lineBytes);
        else rule.metric.add(entry.labels, 1);
        continue;
      }
      const extracted = entry.extracted();
      if (!extracted.has(rule.source)) continue;
      record(rule, entry, extracted.get(rule.source));
    }
  }
}

function numeric(v: unknown): number | undefined {
  try {
    return toFloatValue(v);
  } catch {
    return undefined;
  }
}

function record(rule: MetricRule, entry: LogEntry, v: unknown): void {
  if (rule.value !== undefined && tryString(v) !== rule.value) return;
  const { metric, action } = rule;
  const labels = entry.labels;
  switch (metric.type) {
    case 'counter': {
      if (action === 'inc') {
        metric.add(labels, 1);
        return;
      }
      const f = numeric(v);
      // A counter cannot go down; Promtail would fail on a negative value, this skips it.
      if (f !== undefined && f >= 0) metric.add(labels, f);
      return;
    }
    case 'gauge': {
      if (action === 'inc') metric.add(labels, 1);
      else if (action === 'dec') metric.add(labels, -1);
      else {
        const f = numeric(v);
        if (f === undefined) return;
        if (action === 'set') metric.set(labels, f);
        else if (action === 'add') metric.add(labels, f);
        else metric.add(labels, -f);
      }
      return;
    }
    case 'histogram': {
      const f = numeric(v);
      if (f !== undefined) metric.observe(labels, f);
      return;
    }
  }
}

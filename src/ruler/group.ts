// A rule group running on its interval (Prometheus' rules.Group): rules are
// evaluated in order at slotted timestamps, alerts are handed to the
// notifier, produced series to remote write, and series that stop being
// produced get staleness markers.

import type { Labels } from '../util/labels.js';
import { labelsToString } from '../util/labels.js';
import type { Logger } from '../util/log.js';
import type { OutputSample, QueryFunc } from './evaluator.js';
import type { GroupCounters, GroupView } from './metrics.js';
import type { RuleGroupDesc } from './rule-group.js';
import { type Alert, AlertingRule, newRule, type Rule } from './rules.js';

/** Time and timers, replaceable in tests. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): { cancel(): void };
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref();
    return { cancel: () => clearTimeout(t) };
  },
};

export interface GroupDeps {
  user: string;
  query: QueryFunc;
  /** Alerts to send for an alerting rule (its expression and the alerts due). */
  notify(expr: string, alerts: Alert[]): void;
  /** Samples the rules produced, for remote write. */
  append(samples: OutputSample[]): void;
  resendDelayMs: number;
  externalLabels: Labels;
  externalURL: string;
  counters: GroupCounters;
  observeRuleDuration(seconds: number): void;
  observeGroupDuration(seconds: number): void;
  logger: Logger;
  clock?: Clock;
}

/** FNV-1a over the group's identity: spreads groups over their interval as Prometheus' hash offset does. */
function hashOffset(name: string, file: string, intervalMs: number): number {
  let h = 0x811c9dc5;
  for (const ch of `name\u00ff${name}\u00fffile\u00ff${file}`) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return intervalMs > 0 ? h % intervalMs : 0;
}

/** Prometheus' STALE marker value. */
const STALE_VALUE = Number.NaN;

export class Group {
  readonly name: string;
  readonly namespace: string;
  /** The group's rule file under rule_path (Prometheus' group.File()). */
  readonly file: string;
  readonly intervalMs: number;
  readonly limit: number;
  readonly rules: Rule[];
  /** Wall-clock start of the last evaluation. */
  lastEvaluationMs = 0;
  /** How long the last evaluation took. */
  evaluationTimeMs = 0;
  /** The slotted timestamp of the last evaluation. */
  lastEvalTimestampMs = 0;
  lastSamples = 0;

  private seriesInPreviousEval: Array<Map<string, Labels>>;
  private staleSeries: Labels[] = [];
  private timer: { cancel(): void } | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private readonly clock: Clock;
  /** The group's definition, to tell whether a reload changed it. */
  readonly signature: string;

  constructor(
    desc: RuleGroupDesc,
    file: string,
    defaultIntervalMs: number,
    private readonly deps: GroupDeps,
  ) {
    this.name = desc.name;
    this.namespace = desc.namespace;
    this.file = file;
    this.intervalMs = desc.intervalMs > 0 ? desc.intervalMs : defaultIntervalMs;
    this.limit = desc.limit;
    this.rules = desc.rules.map((r) =>
      newRule(r, { externalLabels: deps.externalLabels, externalURL: deps.externalURL, logger: deps.logger }),
    );
    this.seriesInPreviousEval = this.rules.map(() => new Map());
    this.clock = deps.clock ?? systemClock;
    this.signature = JSON.stringify([desc.name, file, this.intervalMs, desc.limit, desc.rules]);
  }

  /** Prometheus' GroupKey: `<file>;<name>`, the rule_group label. */
  get key(): string {
    return `${this.file};${this.name}`;
  }

  /** The latest slot at or before `nowMs`: multiples of the interval shifted by the group's offset. */
  evalTimestamp(nowMs: number): number {
    const offset = hashOffset(this.name, this.file, this.intervalMs);
    const adj = nowMs - offset;
    return adj - (((adj % this.intervalMs) + this.intervalMs) % this.intervalMs) + offset;
  }

  /** Starts evaluating on the interval; the first evaluation is at the next slot. */
  start(): void {
    let evalTs = this.evalTimestamp(this.clock.now()) + this.intervalMs;
    const schedule = (): void => {
      if (this.stopped) return;
      this.timer = this.clock.setTimeout(
        () => {
          this.timer = null;
          const now = this.clock.now();
          // A slow evaluation skips slots rather than queueing them.
          const missed = Math.floor((now - evalTs) / this.intervalMs);
          if (missed > 0) {
            this.deps.counters.iterationsMissed += missed;
            this.deps.counters.iterationsScheduled += missed;
            evalTs += missed * this.intervalMs;
          }
          const ts = evalTs;
          this.running = this.iterate(ts)
            .catch((err) => this.deps.logger.error('rule group evaluation failed', { err: (err as Error).message }))
            .finally(() => {
              this.running = null;
              evalTs = ts + this.intervalMs;
              schedule();
            });
        },
        Math.max(0, evalTs - this.clock.now()),
      );
    };
    schedule();
  }

  /** One scheduled evaluation with its bookkeeping (Prometheus' DefaultEvalIterationFunc). */
  async iterate(evalTs: number): Promise<void> {
    this.deps.counters.iterationsScheduled++;
    const start = this.clock.now();
    const began = performance.now();
    await this.eval(evalTs);
    const took = performance.now() - began;
    this.deps.observeGroupDuration(took / 1000);
    this.evaluationTimeMs = took;
    this.lastEvaluationMs = start;
    this.lastEvalTimestampMs = evalTs;
  }

  /** Evaluates every rule once at `tsMs`. */
  async eval(tsMs: number): Promise<void> {
    let samplesTotal = 0;
    for (let i = 0; i < this.rules.length; i++) {
      if (this.stopped) return;
      const rule = this.rules[i]!;
      const start = this.clock.now();
      const began = performance.now();
      this.deps.counters.evaluations++;
      let out: OutputSample[];
      try {
        out = await rule.eval(tsMs, this.deps.query, this.limit);
      } catch (err) {
        rule.health = 'err';
        rule.lastError = err instanceof Error ? err.message : String(err);
        this.deps.counters.failures++;
        this.deps.logger.warn('Evaluating rule failed', { name: rule.name, index: i, err: rule.lastError });
        continue;
      } finally {
        const took = performance.now() - began;
        this.deps.observeRuleDuration(took / 1000);
        rule.evaluationDurationMs = took;
        rule.evaluationTimestampMs = start;
      }
      rule.health = 'ok';
      rule.lastError = null;
      samplesTotal += out.length;
      if (rule instanceof AlertingRule) {
        const due = rule.alertsToSend(tsMs, this.deps.resendDelayMs, this.intervalMs);
        if (due.length > 0) this.deps.notify(rule.query, due);
      }
      const returned = new Map<string, Labels>();
      for (const s of out) returned.set(labelsToString(s.labels), s.labels);
      const stale: OutputSample[] = [];
      for (const [key, labels] of this.seriesInPreviousEval[i]!) {
        if (!returned.has(key)) stale.push({ labels, value: STALE_VALUE, timestampMs: tsMs, stale: true });
      }
      this.seriesInPreviousEval[i] = returned;
      this.deps.append([...out, ...stale]);
    }
    this.lastSamples = samplesTotal;
    if (this.staleSeries.length > 0) {
      this.deps.append(
        this.staleSeries.map((labels) => ({ labels, value: STALE_VALUE, timestampMs: tsMs, stale: true })),
      );
      this.staleSeries = [];
    }
  }

  /**
   * Takes over the state of the group this one replaces (Prometheus'
   * CopyState): rules are matched by name and labels, in order.
   */
  copyState(from: Group): void {
    this.evaluationTimeMs = from.evaluationTimeMs;
    this.lastEvaluationMs = from.lastEvaluationMs;
    this.lastEvalTimestampMs = from.lastEvalTimestampMs;
    const byIdentity = new Map<string, number[]>();
    from.rules.forEach((r, i) => {
      byIdentity.set(r.identity, [...(byIdentity.get(r.identity) ?? []), i]);
    });
    this.rules.forEach((rule, i) => {
      const indexes = byIdentity.get(rule.identity);
      if (!indexes || indexes.length === 0) return;
      const fi = indexes.shift()!;
      this.seriesInPreviousEval[i] = from.seriesInPreviousEval[fi]!;
      const old = from.rules[fi]!;
      rule.health = old.health;
      rule.lastError = old.lastError;
      rule.evaluationTimestampMs = old.evaluationTimestampMs;
      rule.evaluationDurationMs = old.evaluationDurationMs;
      if (rule instanceof AlertingRule && old instanceof AlertingRule) {
        for (const [k, a] of old.active) rule.active.set(k, a);
      }
    });
    this.staleSeries = [...from.staleSeries];
    for (const indexes of byIdentity.values()) {
      for (const fi of indexes) this.staleSeries.push(...from.seriesInPreviousEval[fi]!.values());
    }
  }

  /** Stops evaluating; waits for an evaluation under way. With `markStale`, the group's series are ended. */
  async stop(markStale: boolean): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = null;
    await this.running;
    if (markStale) {
      const now = this.clock.now();
      const ended: OutputSample[] = [];
      for (const m of this.seriesInPreviousEval) {
        for (const labels of m.values()) ended.push({ labels, value: STALE_VALUE, timestampMs: now, stale: true });
      }
      for (const labels of this.staleSeries) ended.push({ labels, value: STALE_VALUE, timestampMs: now, stale: true });
      if (ended.length > 0) this.deps.append(ended);
    }
  }

  view(): GroupView {
    return {
      user: this.deps.user,
      key: this.key,
      intervalMs: this.intervalMs,
      lastEvaluationMs: this.lastEvaluationMs,
      lastDurationMs: this.evaluationTimeMs,
      rules: this.rules.length,
      lastSamples: this.lastSamples,
      counters: this.deps.counters,
    };
  }
}

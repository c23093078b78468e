// Alerting and recording rules, evaluated as Prometheus' rules package does
// (rules/alerting.go, rules/recording.go): the alert state machine with `for`
// and `keep_firing_for`, templated labels and annotations, resend bookkeeping,
// and the series each evaluation produces.
//
// Times are milliseconds since the epoch; 0 stands for Go's zero time.

import { formatExpr, parseSampleExpr } from '../logql/syntax/index.js';
import { type Label, type Labels, labelsToString, sortLabels } from '../util/labels.js';
import type { Logger } from '../util/log.js';
import type { OutputSample, QueryFunc } from './evaluator.js';
import type { RuleDesc } from './rule-group.js';
import { expandTemplate } from './templates.js';

export type RuleHealth = 'unknown' | 'ok' | 'err';
export type AlertState = 'inactive' | 'pending' | 'firing';

export interface Alert {
  state: AlertState;
  labels: Labels;
  annotations: Labels;
  /** The expression's value at the last evaluation. */
  value: number;
  activeAtMs: number;
  firedAtMs: number;
  resolvedAtMs: number;
  lastSentAtMs: number;
  validUntilMs: number;
  keepFiringSinceMs: number;
}

/** How long a resolved alert is kept (and re-sent) so Alertmanager learns of the resolution. */
export const RESOLVED_RETENTION_MS = 15 * 60 * 1000;

const STATE_ORDER: Record<AlertState, number> = { inactive: 1, pending: 2, firing: 3 };

/** The canonical form of an expression, as Prometheus shows it (Loki's Expr.String()). */
function canonicalQuery(expr: string): string {
  try {
    return formatExpr(parseSampleExpr(expr));
  } catch {
    return expr;
  }
}

/** Sets a label; an empty value removes it, as Prometheus' label builder does. */
function setLabel(map: Map<string, string>, name: string, value: string): void {
  if (value === '') map.delete(name);
  else map.set(name, value);
}

function toSortedLabels(map: ReadonlyMap<string, string>): Labels {
  return sortLabels([...map].map(([name, value]): Label => ({ name, value })));
}

abstract class BaseRule {
  health: RuleHealth = 'unknown';
  lastError: string | null = null;
  /** Wall-clock start of the last evaluation (0: never evaluated). */
  evaluationTimestampMs = 0;
  evaluationDurationMs = 0;
  /** The expression as Prometheus prints it (the API's `query`). */
  readonly query: string;

  constructor(
    readonly name: string,
    readonly expr: string,
    readonly labels: Labels,
  ) {
    this.query = canonicalQuery(expr);
  }

  /** Identity used to carry state across reloads (Prometheus' nameAndLabels). */
  get identity(): string {
    return this.name + labelsToString(this.labels);
  }
}

export interface AlertingRuleOptions {
  externalLabels: Labels;
  externalURL: string;
  logger?: Logger;
}

export class AlertingRule extends BaseRule {
  readonly kind = 'alerting';
  readonly holdMs: number;
  readonly keepFiringForMs: number;
  readonly annotations: Labels;
  /** Active (pending, firing, or recently resolved) alerts by label set. */
  readonly active = new Map<string, Alert>();

  constructor(
    desc: RuleDesc,
    private readonly opts: AlertingRuleOptions,
  ) {
    super(desc.alert, desc.expr, desc.labels);
    this.holdMs = desc.forMs;
    this.keepFiringForMs = desc.keepFiringForMs;
    this.annotations = desc.annotations;
  }

  /**
   * Evaluates at `tsMs`: creates pending alerts for new label sets, fires
   * those held for `for`, resolves those gone (after keep_firing_for), and
   * returns the ALERTS and ALERTS_FOR_STATE samples.
   */
  async eval(tsMs: number, query: QueryFunc, limit: number): Promise<OutputSample[]> {
    const res = await query(this.query, tsMs);
    const alerts = new Map<string, Alert>();
    for (const smpl of res) {
      const expand = async (text: string): Promise<string> => {
        try {
          return await expandTemplate(text, {
            name: `__alert_${this.name}`,
            labels: smpl.labels,
            externalLabels: this.opts.externalLabels,
            externalURL: this.opts.externalURL,
            value: smpl.value,
            timestampMs: tsMs,
            query: (q) => query(q, tsMs),
          });
        } catch (err) {
          this.opts.logger?.warn('Expanding alert template failed', { err: (err as Error).message });
          return `<error expanding template: ${(err as Error).message}>`;
        }
      };
      const lb = new Map(smpl.labels.map((l) => [l.name, l.value] as const));
      lb.delete('__name__');
      for (const l of this.labels) setLabel(lb, l.name, await expand(l.value));
      setLabel(lb, 'alertname', this.name);
      const annotations: Label[] = [];
      for (const a of this.annotations) annotations.push({ name: a.name, value: await expand(a.value) });
      const labels = toSortedLabels(lb);
      const key = labelsToString(labels);
      if (alerts.has(key))
        throw new Error('vector contains metrics with the same labelset after applying alert labels');
      alerts.set(key, {
        state: 'pending',
        labels,
        annotations: sortLabels(annotations),
        value: smpl.value,
        activeAtMs: tsMs,
        firedAtMs: 0,
        resolvedAtMs: 0,
        lastSentAtMs: 0,
        validUntilMs: 0,
        keepFiringSinceMs: 0,
      });
    }

    for (const [key, a] of alerts) {
      const existing = this.active.get(key);
      if (existing && existing.state !== 'inactive') {
        existing.value = a.value;
        existing.annotations = a.annotations;
        continue;
      }
      this.active.set(key, a);
    }

    const out: OutputSample[] = [];
    let numActivePending = 0;
    for (const [key, a] of this.active) {
      if (!alerts.has(key)) {
        let keepFiring = false;
        if (a.state === 'firing' && this.keepFiringForMs > 0) {
          if (a.keepFiringSinceMs === 0) a.keepFiringSinceMs = tsMs;
          if (tsMs - a.keepFiringSinceMs < this.keepFiringForMs) keepFiring = true;
        }
        // Resolved alerts stay a while, so a lost resolution is sent again.
        if (a.state === 'pending' || (a.resolvedAtMs !== 0 && tsMs - a.resolvedAtMs > RESOLVED_RETENTION_MS)) {
          this.active.delete(key);
        }
        if (a.state !== 'inactive' && !keepFiring) {
          a.state = 'inactive';
          a.resolvedAtMs = tsMs;
        }
        if (!keepFiring) continue;
      } else {
        a.keepFiringSinceMs = 0;
      }
      numActivePending++;
      if (a.state === 'pending' && tsMs - a.activeAtMs >= this.holdMs) {
        a.state = 'firing';
        a.firedAtMs = tsMs;
      }
      // A shorter `for` after a reload can put a firing alert back to pending.
      if (a.state === 'firing' && tsMs - a.activeAtMs < this.holdMs) {
        a.state = 'pending';
        a.firedAtMs = 0;
        a.lastSentAtMs = 0;
        a.keepFiringSinceMs = 0;
      }
      out.push(this.sample(a, tsMs), this.forStateSample(a, tsMs));
    }

    if (limit > 0 && numActivePending > limit) {
      this.active.clear();
      throw new Error(`exceeded limit of ${limit} with ${numActivePending} alerts`);
    }
    return out;
  }

  private withRuleLabels(a: Alert, name: string): Map<string, string> {
    const lb = new Map(this.labels.map((l) => [l.name, l.value] as const));
    for (const l of a.labels) setLabel(lb, l.name, l.value);
    lb.set('__name__', name);
    lb.set('alertname', this.name);
    return lb;
  }

  private sample(a: Alert, tsMs: number): OutputSample {
    const lb = this.withRuleLabels(a, 'ALERTS');
    lb.set('alertstate', a.state);
    return { labels: toSortedLabels(lb), value: 1, timestampMs: tsMs };
  }

  private forStateSample(a: Alert, tsMs: number): OutputSample {
    return {
      labels: toSortedLabels(this.withRuleLabels(a, 'ALERTS_FOR_STATE')),
      value: Math.floor(a.activeAtMs / 1000),
      timestampMs: tsMs,
    };
  }

  /** The highest state of the rule's alerts; `unknown` until first evaluated. */
  state(): 'unknown' | AlertState {
    if (this.evaluationTimestampMs === 0) return 'unknown';
    let max: AlertState = 'inactive';
    for (const a of this.active.values()) if (STATE_ORDER[a.state] > STATE_ORDER[max]) max = a.state;
    return max;
  }

  /** Pending and firing alerts (resolved ones are left out), as copies. */
  activeAlerts(): Alert[] {
    return [...this.active.values()].filter((a) => a.resolvedAtMs === 0).map((a) => ({ ...a }));
  }

  /**
   * The alerts to send to Alertmanager now (Prometheus' sendAlerts): firing
   * ones not sent within resendDelay, and resolutions not yet sent. Marks
   * them sent and valid for four evaluation or resend periods.
   */
  alertsToSend(tsMs: number, resendDelayMs: number, intervalMs: number): Alert[] {
    const out: Alert[] = [];
    for (const a of this.active.values()) {
      if (!needsSending(a, tsMs, resendDelayMs)) continue;
      a.lastSentAtMs = tsMs;
      a.validUntilMs = tsMs + 4 * Math.max(intervalMs, resendDelayMs);
      out.push({ ...a });
    }
    return out;
  }
}

function needsSending(a: Alert, tsMs: number, resendDelayMs: number): boolean {
  if (a.state === 'pending') return false;
  if (a.resolvedAtMs > a.lastSentAtMs) return true;
  return a.lastSentAtMs + resendDelayMs < tsMs;
}

export class RecordingRule extends BaseRule {
  readonly kind = 'recording';

  constructor(desc: RuleDesc) {
    super(desc.record, desc.expr, desc.labels);
  }

  /** Evaluates at `tsMs`: the result renamed to the rule's name, with its labels. */
  async eval(tsMs: number, query: QueryFunc, limit: number): Promise<OutputSample[]> {
    const res = await query(this.query, tsMs);
    const seen = new Set<string>();
    const out: OutputSample[] = [];
    for (const s of res) {
      const lb = new Map(s.labels.map((l) => [l.name, l.value] as const));
      lb.set('__name__', this.name);
      for (const l of this.labels) setLabel(lb, l.name, l.value);
      const labels = toSortedLabels(lb);
      const key = labelsToString(labels);
      if (seen.has(key)) throw new Error('vector contains metrics with the same labelset after applying rule labels');
      seen.add(key);
      out.push({ labels, value: s.value, timestampMs: tsMs });
    }
    if (limit > 0 && out.length > limit) throw new Error(`exceeded limit of ${limit} with ${out.length} series`);
    return out;
  }
}

export type Rule = AlertingRule | RecordingRule;

export function newRule(desc: RuleDesc, opts: AlertingRuleOptions): Rule {
  return desc.alert !== '' ? new AlertingRule(desc, opts) : new RecordingRule(desc);
}

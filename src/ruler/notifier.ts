// Sending alerts to Alertmanager, as Prometheus' notifier does for each of
// Loki's tenants (pkg/ruler/base/notifier.go, prometheus/notifier): every URL
// of `alertmanager_url` gets a queue and a send loop; alerts are posted in
// batches to the v2 API (`<url>/api/v2/alerts`) with the tenant's
// X-Scope-OrgID; external labels fill in missing labels before
// `alert_relabel_configs` run.

import { join as joinPosix } from 'node:path/posix';
import { type RelabelRule, relabel } from '../agent/relabel/relabel.js';
import type { Labels } from '../util/labels.js';
import type { Logger } from '../util/log.js';
import { authHeaders, type ClientAuth, post, type TlsOptions } from './http-client.js';
import type { RulerMetrics } from './metrics.js';

/** An alert as posted to Alertmanager (Prometheus' notifier.Alert). */
export interface NotifierAlert {
  labels: Labels;
  annotations: Labels;
  /** 0: unset. */
  startsAtMs: number;
  endsAtMs: number;
  generatorURL: string;
}

export interface NotifierConfig {
  /** Comma-separated Alertmanager URLs (`ruler.alertmanager_url`). */
  alertmanagerURL: string;
  /** enable_alertmanager_v2; Prometheus' notifier speaks only v2, so false drops every alert. */
  v2: boolean;
  queueCapacity: number;
  timeoutMs: number;
  externalLabels: Labels;
  relabel: readonly RelabelRule[];
  auth: ClientAuth;
  tls: TlsOptions;
}

/** Alerts per request (Prometheus' DefaultMaxBatchSize). */
const MAX_BATCH = 256;

/** strfmt.DateTime's JSON form: RFC 3339 with milliseconds. */
function dateTime(ms: number): string {
  if (ms === 0) return '0001-01-01T00:00:00.000Z';
  return new Date(ms).toISOString();
}

function labelObject(labels: Labels): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of labels) out[l.name] = l.value;
  return out;
}

/** The v2 API's PostableAlerts body. */
export function encodeAlerts(alerts: readonly NotifierAlert[]): string {
  return JSON.stringify(
    alerts.map((a) => ({
      annotations: labelObject(a.annotations),
      endsAt: dateTime(a.endsAtMs),
      startsAt: dateTime(a.startsAtMs),
      ...(a.generatorURL !== '' ? { generatorURL: a.generatorURL } : {}),
      labels: labelObject(a.labels),
    })),
  );
}

/** Alertmanager URLs of the configuration, each with the push path appended. */
export function alertmanagerEndpoints(urls: string, v2: boolean): URL[] {
  const out: URL[] = [];
  for (const raw of urls.split(',')) {
    const text = raw.trim();
    if (text === '') continue;
    const u = new URL(text);
    u.pathname = joinPosix('/', u.pathname, `/api/${v2 ? 'v2' : 'v1'}/alerts`);
    out.push(u);
  }
  return out;
}

class SendLoop {
  private queue: NotifierAlert[] = [];
  private wake: (() => void) | null = null;
  private stopped = false;
  private readonly done: Promise<void>;
  readonly label: string;

  constructor(
    private readonly url: URL,
    private readonly user: string,
    private readonly cfg: NotifierConfig,
    private readonly metrics: RulerMetrics,
    private readonly logger: Logger,
  ) {
    const shown = new URL(url.href);
    shown.username = '';
    shown.password = '';
    this.label = shown.href;
    const labels = { user, alertmanager: this.label };
    // Series exist from the start, as Prometheus initialises them to 0.
    metrics.notificationErrors.inc(labels, 0);
    metrics.notificationsSent.inc(labels, 0);
    metrics.notificationsDropped.inc(labels, 0);
    metrics.notificationQueueLength.set(labels, 0);
    this.done = this.loop();
  }

  private get labels() {
    return { user: this.user, alertmanager: this.label };
  }

  add(alerts: readonly NotifierAlert[]): void {
    if (this.stopped) return;
    const cap = this.cfg.queueCapacity;
    let dropped = 0;
    let incoming = alerts;
    if (incoming.length > cap) {
      dropped += incoming.length - cap;
      incoming = incoming.slice(incoming.length - cap);
      this.logger.warn('Alert batch larger than queue capacity, dropping alerts', { count: dropped });
    }
    const overflow = this.queue.length + incoming.length - cap;
    if (overflow > 0) {
      // The oldest alerts give way to newer ones.
      this.queue = this.queue.slice(overflow);
      dropped += overflow;
      this.logger.warn('Alert notification queue full, dropping alerts', { count: overflow });
    }
    this.queue.push(...incoming);
    this.metrics.notificationQueueLength.set(this.labels, this.queue.length);
    if (dropped > 0) this.metrics.notificationsDropped.inc(this.labels, dropped);
    this.wake?.();
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      if (this.queue.length === 0) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
        this.wake = null;
        continue;
      }
      const batch = this.queue.splice(0, MAX_BATCH);
      this.metrics.notificationQueueLength.set(this.labels, this.queue.length);
      if (!(await this.sendAll(batch))) this.metrics.notificationsDropped.inc(this.labels, batch.length);
    }
  }

  private async sendAll(alerts: NotifierAlert[]): Promise<boolean> {
    if (!this.cfg.v2) {
      this.logger.error("Invalid Alertmanager API version 'v1', expected one of '[v2]'", {
        alertmanager: this.label,
      });
      return false;
    }
    const began = performance.now();
    try {
      const res = await post(
        this.url,
        encodeAlerts(alerts),
        { 'Content-Type': 'application/json', 'X-Scope-OrgID': this.user, ...authHeaders(this.cfg.auth) },
        this.cfg.timeoutMs,
        this.cfg.tls,
      );
      if (res.status < 200 || res.status >= 300) throw new Error(`bad response status ${res.status}`);
    } catch (err) {
      this.logger.error('Error sending alerts', {
        alertmanager: this.label,
        count: alerts.length,
        err: (err as Error).message,
      });
      this.metrics.notificationErrors.inc(this.labels, alerts.length);
      return false;
    }
    this.metrics.notificationLatency.observe(this.labels, (performance.now() - began) / 1000);
    this.metrics.notificationsSent.inc(this.labels, alerts.length);
    return true;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const left = this.queue.length;
    if (left > 0) {
      this.logger.warn('Alert notification queue not drained on shutdown, dropping alerts', { count: left });
      this.metrics.notificationsDropped.inc(this.labels, left);
    }
    this.queue = [];
    this.wake?.();
    await this.done;
    const labels = this.labels;
    this.metrics.notificationLatency.remove(labels);
    this.metrics.notificationErrors.remove(labels);
    this.metrics.notificationsSent.remove(labels);
    this.metrics.notificationsDropped.remove(labels);
    this.metrics.notificationQueueLength.remove(labels);
  }
}

/** One tenant's notifier. */
export class Notifier {
  private readonly loops: SendLoop[];

  constructor(
    private readonly user: string,
    private readonly cfg: NotifierConfig,
    private readonly metrics: RulerMetrics,
    logger: Logger,
  ) {
    this.loops = alertmanagerEndpoints(cfg.alertmanagerURL, cfg.v2).map(
      (u) => new SendLoop(u, user, cfg, metrics, logger.child({ user })),
    );
    metrics.notificationQueueCapacity.set({ user }, cfg.queueCapacity);
    metrics.alertmanagersDiscovered.set({ user }, this.loops.length);
  }

  /** Queues alerts for every Alertmanager, after external labels and relabelling. */
  send(alerts: readonly NotifierAlert[]): void {
    if (this.loops.length === 0 || alerts.length === 0) return;
    const out: NotifierAlert[] = [];
    for (const a of alerts) {
      const lb = new Map(a.labels.map((l) => [l.name, l.value] as const));
      for (const l of this.cfg.externalLabels) if (!lb.get(l.name)) lb.set(l.name, l.value);
      if (!relabel(this.cfg.relabel, lb)) continue;
      const labels = [...lb]
        .filter(([, v]) => v !== '')
        .map(([name, value]) => ({ name, value }))
        .sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
      out.push({ ...a, labels });
    }
    if (out.length === 0) return;
    for (const l of this.loops) l.add(out);
  }

  async stop(): Promise<void> {
    await Promise.all(this.loops.map((l) => l.stop()));
    this.metrics.notificationQueueCapacity.remove({ user: this.user });
    this.metrics.alertmanagersDiscovered.remove({ user: this.user });
  }
}

// The ruler's metrics under Loki's names: the Prometheus rule manager's
// per-tenant metrics re-exported as loki_prometheus_* with `user` and
// `rule_group` labels (pkg/ruler/base/manager_metrics.go), the ruler's own
// loki_ruler_* metrics, the notifier's loki_prometheus_notifications_* and the
// remote-write loki_ruler_wal_* metrics.

import { Counter, Gauge, type Registry, Summary } from 'prom-client';

/** Counters of one group, kept across reloads of the group. */
export interface GroupCounters {
  iterationsMissed: number;
  iterationsScheduled: number;
  evaluations: number;
  failures: number;
}

export const newGroupCounters = (): GroupCounters => ({
  iterationsMissed: 0,
  iterationsScheduled: 0,
  evaluations: 0,
  failures: 0,
});

/** What the group metrics read from a running group at scrape time. */
export interface GroupView {
  user: string;
  /** Prometheus' group key: `<rule file>;<group name>`. */
  key: string;
  intervalMs: number;
  /** Wall-clock start of the last evaluation, 0 before the first. */
  lastEvaluationMs: number;
  lastDurationMs: number;
  rules: number;
  lastSamples: number;
  counters: GroupCounters;
}

export interface RulerMetricsOptions {
  /** ruler.disable_rule_group_label: group metrics are summed per tenant. */
  disableRuleGroupLabel: boolean;
  groups: () => Iterable<GroupView>;
}

export class RulerMetrics {
  readonly evalDuration: Summary<'user'>;
  readonly iterationDuration: Summary<'user'>;
  readonly managersTotal: Gauge;
  readonly configLastReloadSuccessful: Gauge<'user'>;
  readonly configLastReloadSuccessfulSeconds: Gauge<'user'>;
  readonly configUpdatesTotal: Counter<'user'>;
  readonly syncRulesTotal: Counter<'reason'>;

  readonly notificationLatency: Summary<'user' | 'alertmanager'>;
  readonly notificationErrors: Counter<'user' | 'alertmanager'>;
  readonly notificationsSent: Counter<'user' | 'alertmanager'>;
  readonly notificationsDropped: Counter<'user' | 'alertmanager'>;
  readonly notificationQueueLength: Gauge<'user' | 'alertmanager'>;
  readonly notificationQueueCapacity: Gauge<'user'>;
  readonly alertmanagersDiscovered: Gauge<'user'>;

  readonly remoteSamples: Counter<'tenant' | 'remote_name' | 'url'>;
  readonly remoteSamplesFailed: Counter<'tenant' | 'remote_name' | 'url'>;
  readonly remoteSamplesRetried: Counter<'tenant' | 'remote_name' | 'url'>;
  readonly remoteSamplesDropped: Counter<'tenant' | 'remote_name' | 'url'>;
  readonly remoteSamplesPending: Gauge<'tenant' | 'remote_name' | 'url'>;
  readonly appenderReady: Gauge<'tenant'>;

  constructor(registry: Registry, opts: RulerMetricsOptions) {
    const registers = [registry];
    const groupLabels = opts.disableRuleGroupLabel ? (['user'] as const) : (['user', 'rule_group'] as const);
    const labelsOf = (g: GroupView): Record<string, string> =>
      opts.disableRuleGroupLabel ? { user: g.user } : { user: g.user, rule_group: g.key };

    // Group metrics are read from the running groups when scraped, so a
    // deleted group or tenant disappears from /metrics as in Loki.
    const groupCounter = (name: string, help: string, read: (c: GroupCounters) => number) =>
      new Counter({
        name,
        help,
        labelNames: groupLabels,
        registers,
        collect() {
          this.reset();
          for (const g of opts.groups()) this.inc(labelsOf(g), read(g.counters));
        },
      });
    const groupGauge = (name: string, help: string, read: (g: GroupView) => number) =>
      new Gauge({
        name,
        help,
        labelNames: groupLabels,
        registers,
        collect() {
          this.reset();
          for (const g of opts.groups()) this.inc(labelsOf(g), read(g));
        },
      });

    this.evalDuration = new Summary({
      name: 'loki_prometheus_rule_evaluation_duration_seconds',
      help: 'The duration for a rule to execute.',
      labelNames: ['user'],
      percentiles: [],
      registers,
    });
    this.iterationDuration = new Summary({
      name: 'loki_prometheus_rule_group_duration_seconds',
      help: 'The duration of rule group evaluations.',
      labelNames: ['user'],
      percentiles: [],
      registers,
    });
    groupCounter(
      'loki_prometheus_rule_group_iterations_missed_total',
      'The total number of rule group evaluations missed due to slow rule group evaluation.',
      (c) => c.iterationsMissed,
    );
    groupCounter(
      'loki_prometheus_rule_group_iterations_total',
      'The total number of scheduled rule group evaluations, whether executed or missed.',
      (c) => c.iterationsScheduled,
    );
    groupCounter(
      'loki_prometheus_rule_evaluations_total',
      'The total number of rule evaluations.',
      (c) => c.evaluations,
    );
    groupCounter(
      'loki_prometheus_rule_evaluation_failures_total',
      'The total number of rule evaluation failures.',
      (c) => c.failures,
    );
    groupGauge(
      'loki_prometheus_rule_group_interval_seconds',
      'The interval of a rule group.',
      (g) => g.intervalMs / 1000,
    );
    groupGauge(
      'loki_prometheus_rule_group_last_evaluation_timestamp_seconds',
      'The timestamp of the last rule group evaluation in seconds.',
      (g) => g.lastEvaluationMs / 1000,
    );
    groupGauge(
      'loki_prometheus_rule_group_last_duration_seconds',
      'The duration of the last rule group evaluation.',
      (g) => g.lastDurationMs / 1000,
    );
    groupGauge('loki_prometheus_rule_group_rules', 'The number of rules.', (g) => g.rules);
    groupGauge(
      'loki_prometheus_last_evaluation_samples',
      'The number of samples returned during the last rule group evaluation.',
      (g) => g.lastSamples,
    );

    this.managersTotal = new Gauge({
      name: 'loki_ruler_managers_total',
      help: 'Total number of managers registered and running in the ruler',
      registers,
    });
    this.configLastReloadSuccessful = new Gauge({
      name: 'loki_ruler_config_last_reload_successful',
      help: 'Boolean set to 1 whenever the last configuration reload attempt was successful.',
      labelNames: ['user'],
      registers,
    });
    this.configLastReloadSuccessfulSeconds = new Gauge({
      name: 'loki_ruler_config_last_reload_successful_seconds',
      help: 'Timestamp of the last successful configuration reload.',
      labelNames: ['user'],
      registers,
    });
    this.configUpdatesTotal = new Counter({
      name: 'loki_ruler_config_updates_total',
      help: 'Total number of config updates triggered by a user',
      labelNames: ['user'],
      registers,
    });
    this.syncRulesTotal = new Counter({
      name: 'loki_ruler_sync_rules_total',
      help: 'Total number of times the ruler sync operation triggered.',
      labelNames: ['reason'],
      registers,
    });

    const am = ['user', 'alertmanager'] as const;
    this.notificationLatency = new Summary({
      name: 'loki_prometheus_notifications_latency_seconds',
      help: 'Latency quantiles for sending alert notifications.',
      labelNames: am,
      percentiles: [0.5, 0.9, 0.99],
      registers,
    });
    this.notificationErrors = new Counter({
      name: 'loki_prometheus_notifications_errors_total',
      help: 'Total number of sent alerts affected by errors.',
      labelNames: am,
      registers,
    });
    this.notificationsSent = new Counter({
      name: 'loki_prometheus_notifications_sent_total',
      help: 'Total number of alerts sent.',
      labelNames: am,
      registers,
    });
    this.notificationsDropped = new Counter({
      name: 'loki_prometheus_notifications_dropped_total',
      help: 'Total number of alerts dropped due to errors when sending to Alertmanager.',
      labelNames: am,
      registers,
    });
    this.notificationQueueLength = new Gauge({
      name: 'loki_prometheus_notifications_queue_length',
      help: 'The number of alert notifications in the queue.',
      labelNames: am,
      registers,
    });
    this.notificationQueueCapacity = new Gauge({
      name: 'loki_prometheus_notifications_queue_capacity',
      help: 'The capacity of the alert notifications queue.',
      labelNames: ['user'],
      registers,
    });
    this.alertmanagersDiscovered = new Gauge({
      name: 'loki_prometheus_notifications_alertmanagers_discovered',
      help: 'The number of alertmanagers discovered and active.',
      labelNames: ['user'],
      registers,
    });

    const rw = ['tenant', 'remote_name', 'url'] as const;
    this.remoteSamples = new Counter({
      name: 'loki_ruler_wal_prometheus_remote_storage_samples_total',
      help: 'Total number of samples sent to remote storage.',
      labelNames: rw,
      registers,
    });
    this.remoteSamplesFailed = new Counter({
      name: 'loki_ruler_wal_prometheus_remote_storage_samples_failed_total',
      help: 'Total number of samples which failed on send to remote storage, non-recoverable errors.',
      labelNames: rw,
      registers,
    });
    this.remoteSamplesRetried = new Counter({
      name: 'loki_ruler_wal_prometheus_remote_storage_samples_retried_total',
      help: 'Total number of samples which failed on send to remote storage but were retried because the send error was recoverable.',
      labelNames: rw,
      registers,
    });
    this.remoteSamplesDropped = new Counter({
      name: 'loki_ruler_wal_prometheus_remote_storage_samples_dropped_total',
      help: 'Total number of samples which were dropped because the queue was full or by relabelling.',
      labelNames: rw,
      registers,
    });
    this.remoteSamplesPending = new Gauge({
      name: 'loki_ruler_wal_prometheus_remote_storage_samples_pending',
      help: 'The number of samples pending in the queues shards to be sent to the remote storage.',
      labelNames: rw,
      registers,
    });
    this.appenderReady = new Gauge({
      name: 'loki_ruler_wal_appender_ready',
      help: 'Whether a WAL appender is ready to accept samples (1) or not (0)',
      labelNames: ['tenant'],
      registers,
    });
  }

  /** Drops a tenant's series when its last rule group goes (Loki's RemoveUserRegistry). */
  removeUser(user: string): void {
    this.evalDuration.remove({ user });
    this.iterationDuration.remove({ user });
    this.configLastReloadSuccessful.remove({ user });
    this.configLastReloadSuccessfulSeconds.remove({ user });
    this.configUpdatesTotal.remove({ user });
  }
}

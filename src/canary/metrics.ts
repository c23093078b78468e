// loki-canary's metrics: the same names, help texts, label and buckets, registered on a registry of
// the canary's own (its /metrics endpoint), so that the Loki mixin's canary dashboard and alerts
// work unchanged. One set lives for the whole process: counters survive /suspend and /resume.

import { Counter, exponentialBuckets, Gauge, Histogram, type Registry } from 'prom-client';

/** dskit's instrument.DefBuckets, which the canary's request-duration histograms use. */
const DSKIT_DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100];

export class CanaryMetrics {
  readonly entriesTotal: Counter;
  readonly outOfOrderEntries: Counter;
  readonly websocketMissingEntries: Counter;
  readonly missingEntries: Counter;
  readonly spotCheckMissing: Counter;
  readonly spotCheckEntries: Counter;
  readonly unexpectedEntries: Counter;
  readonly duplicateEntries: Counter;
  readonly metricTestExpected: Gauge;
  readonly metricTestActual: Gauge;
  readonly responseLatency: Histogram;
  readonly metricTestLatency: Histogram;
  readonly spotCheckLatency: Histogram;
  readonly cacheTestResultsDiff: Counter;
  readonly cacheTestResults: Counter<'status'>;
  readonly websocketReconnects: Counter;
  readonly websocketPings: Counter;

  /** @param buckets number of response-latency buckets (`-buckets`), starting at 0.5s and doubling. */
  constructor(registry: Registry, buckets: number) {
    const registers = [registry];
    const counter = (name: string, help: string) => new Counter({ name: `loki_canary_${name}`, help, registers });
    const gauge = (name: string, help: string) => new Gauge({ name: `loki_canary_${name}`, help, registers });
    const histogram = (name: string, help: string, bucketList: number[]) =>
      new Histogram({ name: `loki_canary_${name}`, help, buckets: bucketList, registers });

    this.entriesTotal = counter('entries_total', 'counts log entries written to the file');
    this.outOfOrderEntries = counter(
      'out_of_order_entries_total',
      'counts log entries received with a timestamp more recent than the others in the queue',
    );
    this.websocketMissingEntries = counter(
      'websocket_missing_entries_total',
      'counts log entries not received within the wait duration via the websocket connection',
    );
    this.missingEntries = counter(
      'missing_entries_total',
      'counts log entries not received within the maxWait duration via both websocket and direct query',
    );
    this.spotCheckMissing = counter(
      'spot_check_missing_entries_total',
      'counts log entries not received when directly queried as part of spot checking',
    );
    // "pot" is loki-canary's own help text, kept so that both expose identical metadata.
    this.spotCheckEntries = counter('spot_check_entries_total', 'total count of entries pot checked');
    this.unexpectedEntries = counter(
      'unexpected_entries_total',
      'counts a log entry received which was not expected (e.g. received after reported missing)',
    );
    this.duplicateEntries = counter('duplicate_entries_total', 'counts a log entry received more than one time');
    this.metricTestExpected = gauge('metric_test_expected', 'How many counts were expected by the metric test query');
    this.metricTestActual = gauge(
      'metric_test_actual',
      'How many counts were actually received by the metric test query',
    );
    this.responseLatency = histogram(
      'response_latency_seconds',
      'is how long it takes for log lines to be returned from Loki in seconds.',
      exponentialBuckets(0.5, 2, buckets),
    );
    this.metricTestLatency = histogram(
      'metric_test_request_duration_seconds',
      'how long the metric test query execution took in seconds.',
      DSKIT_DEFAULT_BUCKETS,
    );
    this.spotCheckLatency = histogram(
      'spot_check_request_duration_seconds',
      'how long the spot check test query execution took in seconds.',
      DSKIT_DEFAULT_BUCKETS,
    );
    this.cacheTestResultsDiff = counter(
      'cache_test_query_results_diff_total',
      'counts number of times the query results was different with and without cache ',
    );
    this.cacheTestResults = new Counter({
      name: 'loki_canary_cache_test_query_results_total',
      help: 'counts number of times the query results test requests are done ',
      labelNames: ['status'],
      registers,
    });
    this.websocketReconnects = counter(
      'ws_reconnects_total',
      'counts every time the websocket connection has to reconnect',
    );
    this.websocketPings = counter('ws_pings_total', 'counts every time the websocket receives a ping message');
  }
}

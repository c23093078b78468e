// One canary: the writer producing timestamped lines (to standard output, or pushed to Loki), the
// tail reading them back, the querier, and the comparator keeping the books. It can be stopped and
// started again (loki-canary's /suspend and /resume); each start begins a fresh comparator while
// the metrics, owned by the caller, keep counting.

import { buildInfoVersion } from '../version.js';
import { type Clock, systemClock } from './clock.js';
import { Comparator } from './comparator.js';
import { type EntryWriter, StreamEntryWriter, type TextSink } from './entry-writer.js';
import { LokiHttpClient } from './http-client.js';
import { buildLabelSelector, pushLabels } from './label-selector.js';
import type { CanaryMetrics } from './metrics.js';
import type { CanaryOptions } from './options.js';
import { createPushWriter } from './push.js';
import { LokiQuerier } from './querier.js';
import { Tailer } from './tailer.js';
import type { TlsClientOptions } from './tls.js';
import { Writer } from './writer.js';

export interface CanaryDeps {
  readonly metrics: CanaryMetrics;
  /** Where lines go without `-push`. */
  readonly stdout: TextSink;
  /** Where diagnostics go. */
  readonly stderr: TextSink;
  readonly tls?: TlsClientOptions;
  readonly clock?: Clock;
  /** Pause of the tail before reconnecting after an error (default 10s, as loki-canary). */
  readonly tailRetryDelayMs?: number;
}

interface Parts {
  readonly writer: Writer;
  readonly entryWriter: EntryWriter;
  readonly tailer: Tailer;
  readonly comparator: Comparator;
  readonly client: LokiHttpClient;
  readonly queries: AbortController;
}

export class Canary {
  /** The LogQL selector the canary reads with. */
  readonly selector: string;
  private parts: Parts | undefined;
  /** Serialises start and stop, which /resume and /suspend may request concurrently. */
  private transition: Promise<void> = Promise.resolve();

  /** Throws when `-labels` is malformed. */
  constructor(
    private readonly options: CanaryOptions,
    private readonly deps: CanaryDeps,
  ) {
    this.selector = buildLabelSelector(options);
  }

  get running(): boolean {
    return this.parts !== undefined;
  }

  /** Starts writing and reading; a running canary is stopped and started afresh. */
  start(): Promise<void> {
    this.transition = this.transition.then(async () => {
      await this.shutDown();
      this.parts = this.build();
      this.parts.comparator.start();
      this.parts.tailer.start();
      this.parts.writer.start();
    });
    return this.transition;
  }

  stop(): Promise<void> {
    this.transition = this.transition.then(() => this.shutDown());
    return this.transition;
  }

  private build(): Parts {
    const o = this.options;
    const { metrics, stderr } = this.deps;
    const clock = this.deps.clock ?? systemClock;
    const version = buildInfoVersion();
    const client = new LokiHttpClient({
      addr: o.addr,
      useTls: o.useTls,
      tls: this.deps.tls,
      user: o.user,
      pass: o.pass,
      tenantId: o.tenantId,
    });
    const queries = new AbortController();
    const querier = new LokiQuerier({
      client,
      selector: this.selector,
      queryAppend: o.queryAppend,
      timeoutMs: o.queryTimeoutMs,
      userAgent: `loki-canary/${version}`,
      log: stderr,
      signal: queries.signal,
    });
    const comparator = new Comparator(
      {
        waitMs: o.waitMs,
        maxWaitMs: o.maxWaitMs,
        pruneIntervalMs: o.pruneIntervalMs,
        spotCheckIntervalMs: o.spotCheckIntervalMs,
        spotCheckMaxMs: o.spotCheckMaxMs,
        spotCheckQueryRateMs: o.spotCheckQueryRateMs,
        spotCheckInitialWaitMs: o.spotCheckInitialWaitMs,
        metricTestIntervalMs: o.metricTestIntervalMs,
        metricTestRangeMs: o.metricTestRangeMs,
        cacheTestIntervalMs: o.cacheTestIntervalMs,
        cacheTestRangeMs: o.cacheTestRangeMs,
        cacheTestNowMs: o.cacheTestNowMs,
        writeIntervalMs: o.intervalMs,
      },
      { reader: querier, metrics, log: stderr, clock },
    );
    const entryWriter: EntryWriter = o.push
      ? createPushWriter({
          client,
          labels: pushLabels(o),
          timeoutMs: o.writeTimeoutMs,
          backoff: { minMs: o.writeMinBackoffMs, maxMs: o.writeMaxBackoffMs, maxRetries: o.writeMaxRetries },
          batchSize: o.logsBatchSize,
          userAgent: `canary-push/${version}`,
          log: stderr,
        })
      : new StreamEntryWriter(this.deps.stdout);
    const writer = new Writer({
      entryWriter,
      onSent: (ts) => comparator.entrySent(ts),
      intervalMs: o.intervalMs,
      outOfOrderPercentage: o.outOfOrderPercentage,
      outOfOrderMinMs: o.outOfOrderMinMs,
      outOfOrderMaxMs: o.outOfOrderMaxMs,
      size: o.size,
      clock,
    });
    const tailer = new Tailer({
      client,
      selector: this.selector,
      queryAppend: o.queryAppend,
      intervalMs: o.intervalMs,
      metrics,
      log: stderr,
      onEntry: (ts) => comparator.entryReceived(ts),
      retryDelayMs: this.deps.tailRetryDelayMs,
    });
    return { writer, entryWriter, tailer, comparator, client, queries };
  }

  private async shutDown(): Promise<void> {
    const parts = this.parts;
    if (!parts) return;
    this.parts = undefined;
    parts.writer.stop();
    await parts.entryWriter.stop();
    await parts.tailer.stop();
    parts.queries.abort();
    await parts.comparator.stop();
    parts.client.close();
  }
}

// One `clients` entry: batches entries per tenant and pushes them to Loki.
//
// A batch is sent when adding an entry would make it bigger than
// `batchsize`, or once it is `batchwait` old. Batches go out one at a time;
// a failed push is retried with backoff on 429, 5xx and network errors, and
// dropped (and counted) on other answers or once the retries are used up,
// as Promtail does. Entries are acknowledged only when their batch was
// accepted or given up, which is what lets file positions advance.
import { createHash } from 'node:crypto';
import type { Label } from '../../util/labels.js';
import type { Logger } from '../../util/log.js';
import type { ClientConfig } from '../config/types.js';
import type { FlowControl } from '../flow-control.js';
import { LabelSet, TENANT_LABEL } from '../labels/label-set.js';
import type { AgentMetrics } from '../metrics.js';
import type { Ack } from '../pipeline/ack.js';
import type { LogEntry } from '../pipeline/entry.js';
import { Backoff } from './backoff.js';
import { Batch, entrySize } from './batch.js';
import { HttpSender } from './http-sender.js';

export const REASON_GENERIC = 'ingester_error';
export const REASON_RATE_LIMITED = 'rate_limited';
export const REASON_STREAM_LIMITED = 'stream_limited';
export const REASON_LINE_TOO_LONG = 'line_too_long';
const REASONS = [REASON_GENERIC, REASON_RATE_LIMITED, REASON_STREAM_LIMITED, REASON_LINE_TOO_LONG];

export interface ClientOptions {
  readonly config: ClientConfig;
  readonly maxStreams: number;
  readonly maxLineSize: number;
  readonly maxLineSizeTruncate: boolean;
  readonly metrics: AgentMetrics;
  readonly flow: FlowControl;
  readonly logger: Logger;
  readonly userAgent: string;
  /** Jitter source for the backoff (tests make it predictable). */
  readonly random?: () => number;
}

/** Promtail names an unnamed client after a hash of its settings. */
export function clientName(cfg: ClientConfig): string {
  if (cfg.name !== '') return cfg.name;
  return createHash('sha256').update(JSON.stringify(cfg)).digest('hex').slice(0, 6);
}

export class Client {
  readonly name: string;
  readonly host: string;
  private readonly sender: HttpSender;
  private readonly externalLabels: LabelSet;
  private readonly merged = new WeakMap<LabelSet, LabelSet>();
  private readonly batches = new Map<string, Batch>();
  private readonly knownTenants = new Set<string>();
  private readonly queue: Batch[] = [];
  private pumping: Promise<void> | undefined;
  private readonly abort = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private readonly logger: Logger;

  constructor(private readonly o: ClientOptions) {
    const cfg = o.config;
    if (cfg.url === '') throw new Error('client needs target URL');
    this.name = clientName(cfg);
    this.host = new URL(cfg.url).host;
    this.logger = o.logger.child({ component: 'client', host: this.host });
    this.sender = new HttpSender(cfg, o.userAgent, this.logger);
    this.externalLabels = LabelSet.fromRecord(cfg.external_labels);
    for (const counter of [o.metrics.encodedBytes, o.metrics.sentBytes, o.metrics.sentEntries]) {
      counter.inc({ host: this.host }, 0);
    }
    const every = Math.max(cfg.batchwait / 10, 10);
    this.timer = setInterval(() => this.flushOld(), every);
    this.timer.unref();
  }

  /** Bytes in batches not yet sent or given up. */
  get pendingBytes(): number {
    let n = 0;
    for (const b of this.batches.values()) n += b.bytes;
    for (const b of this.queue) n += b.bytes;
    return n;
  }

  private initTenantMetrics(tenant: string): void {
    if (this.knownTenants.has(tenant)) return;
    this.knownTenants.add(tenant);
    const m = this.o.metrics;
    for (const reason of REASONS) {
      const labels = { host: this.host, tenant, reason };
      m.droppedBytes.inc(labels, 0);
      m.droppedEntries.inc(labels, 0);
      m.mutatedEntries.inc(labels, 0);
      m.mutatedBytes.inc(labels, 0);
    }
    m.batchRetries.inc({ host: this.host, tenant }, 0);
  }

  /** The entry's labels over the client's external labels (the entry's win). */
  private labelsOf(labels: LabelSet): LabelSet {
    if (this.externalLabels.size === 0) return labels;
    let merged = this.merged.get(labels);
    if (merged === undefined) {
      merged = this.externalLabels.merge(labels);
      this.merged.set(labels, merged);
    }
    return merged;
  }

  /** Takes an entry; its acknowledgement completes once it was sent or dropped. */
  add(entry: LogEntry): void {
    const src = entry.lineBuffer;
    this.addLine(
      entry.labels,
      entry.sec,
      entry.nanos,
      src,
      entry.lineStart,
      entry.lineBytes,
      entry.structuredMetadata,
      entry.ack,
    );
  }

  /**
   * Takes a line, src[start, start + length), without an entry object (lines
   * straight from a file); its bytes are copied before this returns.
   */
  addLine(
    entryLabels: LabelSet,
    sec: number,
    nanos: number,
    src: Buffer,
    start: number,
    length: number,
    metadata: readonly Label[],
    ack: Ack,
  ): void {
    const labels = this.labelsOf(entryLabels);
    const tenant = labels.get(TENANT_LABEL) ?? this.o.config.tenant_id;
    let lineLength = length;
    const max = this.o.maxLineSize;
    if (max > 0) {
      const length = lineLength;
      if (length > max) {
        this.initTenantMetrics(tenant);
        const labelValues = { host: this.host, tenant, reason: REASON_LINE_TOO_LONG };
        if (!this.o.maxLineSizeTruncate) {
          this.o.metrics.droppedEntries.inc(labelValues);
          this.o.metrics.droppedBytes.inc(labelValues, length);
          ack.done();
          return;
        }
        this.o.metrics.mutatedEntries.inc(labelValues);
        this.o.metrics.mutatedBytes.inc(labelValues, length - max);
        lineLength = max;
      }
    }
    const size = entrySize(lineLength, metadata);
    let batch = this.batches.get(tenant);
    if (batch === undefined) {
      this.initTenantMetrics(tenant);
      batch = new Batch(tenant, this.o.maxStreams, this.o.config.batchsize);
      this.batches.set(tenant, batch);
    } else if (batch.bytes + size > this.o.config.batchsize) {
      this.enqueue(batch);
      batch = new Batch(tenant, this.o.maxStreams, this.o.config.batchsize);
      this.batches.set(tenant, batch);
    }
    if (!batch.add(labels.streamKey(), sec, nanos, src, start, lineLength, metadata, size, ack)) {
      const error = `streams limit exceeded, streams: ${batch.streamCount} exceeds limit: ${this.o.maxStreams}, stream: '${labels.streamKey()}'`;
      this.logger.error('batch add err', { tenant, error });
      const labelValues = { host: this.host, tenant, reason: REASON_STREAM_LIMITED };
      this.o.metrics.droppedBytes.inc(labelValues, length);
      this.o.metrics.droppedEntries.inc(labelValues);
      ack.done();
      return;
    }
    this.o.flow.hold(size);
  }

  private flushOld(): void {
    const now = Date.now();
    for (const [tenant, batch] of this.batches) {
      if (now - batch.createdAt < this.o.config.batchwait) continue;
      this.batches.delete(tenant);
      this.enqueue(batch);
    }
  }

  private enqueue(batch: Batch): void {
    if (this.batches.get(batch.tenant) === batch) this.batches.delete(batch.tenant);
    this.queue.push(batch);
    if (this.pumping === undefined) this.pumping = this.pump();
  }

  private async pump(): Promise<void> {
    while (this.queue.length > 0 && !this.abort.signal.aborted) {
      const batch = this.queue.shift()!;
      await this.sendBatch(batch);
    }
    this.pumping = undefined;
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.abort.signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    });
  }

  private dropBatch(batch: Batch, reason: string, bodyBytes: number): void {
    const labels = { host: this.host, tenant: batch.tenant, reason };
    this.o.metrics.droppedBytes.inc(labels, bodyBytes);
    this.o.metrics.droppedEntries.inc(labels, batch.entryCount);
    this.finish(batch);
  }

  /** The batch is done with (sent or given up): its entries may count as delivered. */
  private finish(batch: Batch): void {
    batch.settle();
    this.o.flow.release(batch.bytes);
  }

  /** Left unsent and unacknowledged at shutdown. */
  private abandon(batch: Batch): void {
    batch.release();
    this.o.flow.release(batch.bytes);
  }

  private async sendBatch(batch: Batch): Promise<void> {
    let body: Buffer;
    try {
      body = batch.encode();
    } catch (err) {
      this.logger.error('error encoding batch', { error: (err as Error).message });
      this.dropBatch(batch, REASON_GENERIC, 0);
      return;
    }
    const m = this.o.metrics;
    m.encodedBytes.inc({ host: this.host }, body.length);
    const cfg = this.o.config;
    const backoff = new Backoff(
      {
        minMs: cfg.backoff_config.min_period,
        maxMs: cfg.backoff_config.max_period,
        maxRetries: cfg.backoff_config.max_retries,
      },
      this.o.random,
    );
    let status = 0;
    let error: Error | undefined;
    for (;;) {
      const start = performance.now();
      ({ status, error } = await this.sender.send(batch.tenant, body, cfg.timeout, this.abort.signal));
      m.requestDuration.observe({ status_code: String(status), host: this.host }, (performance.now() - start) / 1000);
      if (this.abort.signal.aborted) {
        // Shutting down: not delivered, so not acknowledged; these lines are read again next time.
        this.abandon(batch);
        return;
      }
      if (cfg.drop_rate_limited_batches && status === 429) {
        this.logger.warn('dropping batch due to rate limiting applied at ingester');
        this.dropBatch(batch, REASON_RATE_LIMITED, body.length);
        return;
      }
      if (error === undefined) {
        m.sentBytes.inc({ host: this.host }, body.length);
        m.sentEntries.inc({ host: this.host }, batch.entryCount);
        this.finish(batch);
        return;
      }
      if (status > 0 && status !== 429 && Math.floor(status / 100) !== 5) break;
      this.logger.warn('error sending batch, will retry', { status, tenant: batch.tenant, error: error.message });
      m.batchRetries.inc({ host: this.host, tenant: batch.tenant });
      await this.wait(backoff.nextDelay());
      if (this.abort.signal.aborted) {
        this.abandon(batch);
        return;
      }
      if (!backoff.ongoing) break;
    }
    this.logger.error('final error sending batch', { status, tenant: batch.tenant, error: error?.message });
    this.dropBatch(batch, status === 429 ? REASON_RATE_LIMITED : REASON_GENERIC, body.length);
  }

  /**
   * Sends everything buffered and waits for it, at most `timeoutMs`; what is
   * still unsent then is abandoned unacknowledged (read again after a restart).
   */
  async stop(timeoutMs: number): Promise<void> {
    clearInterval(this.timer);
    for (const batch of [...this.batches.values()]) this.enqueue(batch);
    if (this.pumping !== undefined) {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          if (this.queue.length > 0 || this.pumping !== undefined) {
            this.logger.warn('giving up on unsent batches at shutdown; their lines will be read again', {
              batches: this.queue.length + 1,
            });
          }
          this.abort.abort();
          resolve();
        }, timeoutMs);
      });
      await Promise.race([this.pumping, timedOut]);
      clearTimeout(timer);
      this.abort.abort();
      await this.pumping;
    }
    for (const b of this.queue.splice(0)) this.abandon(b);
    for (const b of this.batches.values()) this.abandon(b);
    this.batches.clear();
    this.sender.close();
  }
}

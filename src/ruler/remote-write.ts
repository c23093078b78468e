// Remote write of rule results (recording rules' series and the ALERTS
// series) to Prometheus-compatible receivers, as Loki's ruler does through
// its per-tenant WAL and Prometheus' queue manager: protobuf WriteRequest,
// snappy-compressed, remote-write 1.0 headers, batches by size or deadline,
// retries with backoff on recoverable errors.
//
// Samples are queued in memory (Loki keeps them in a WAL that it wipes on
// start-up anyway, so a restart loses unsent samples in both).

import snappy from 'snappy';
import { type RelabelRule, relabel } from '../agent/relabel/relabel.js';
import type { Labels } from '../util/labels.js';
import type { Logger } from '../util/log.js';
import type { OutputSample } from './evaluator.js';
import { authHeaders, type ClientAuth, post, type TlsOptions } from './http-client.js';
import type { RulerMetrics } from './metrics.js';

export interface QueueConfig {
  capacity: number;
  maxSamplesPerSend: number;
  batchSendDeadlineMs: number;
  minBackoffMs: number;
  maxBackoffMs: number;
  retryOnHttp429: boolean;
}

export interface RemoteWriteClientConfig {
  /** remote_name label: `<tenant>-rw-<client id>` as Loki names a tenant's client. */
  name: string;
  url: URL;
  timeoutMs: number;
  headers: Record<string, string>;
  relabel: readonly RelabelRule[];
  auth: ClientAuth;
  tls: TlsOptions;
  queue: QueueConfig;
}

/** Prometheus' queue_config defaults, used where the configuration leaves 0. */
export const DEFAULT_QUEUE: QueueConfig = {
  capacity: 10000,
  maxSamplesPerSend: 2000,
  batchSendDeadlineMs: 5000,
  minBackoffMs: 30,
  maxBackoffMs: 5000,
  retryOnHttp429: false,
};

// ---------------------------------------------------------------------------
// prometheus.WriteRequest encoding, by hand so that staleness markers keep
// their exact NaN bit pattern.

class ProtoWriter {
  private parts: Buffer[] = [];
  private size = 0;

  private push(b: Buffer): void {
    this.parts.push(b);
    this.size += b.length;
  }

  varint(v: number | bigint): void {
    let n = BigInt(v);
    if (n < 0n) n += 1n << 64n;
    const bytes: number[] = [];
    while (n >= 0x80n) {
      bytes.push(Number(n & 0x7fn) | 0x80);
      n >>= 7n;
    }
    bytes.push(Number(n));
    this.push(Buffer.from(bytes));
  }

  tag(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }

  bytes(field: number, b: Buffer): void {
    this.tag(field, 2);
    this.varint(b.length);
    this.push(b);
  }

  fixed64(field: number, b: Buffer): void {
    this.tag(field, 1);
    this.push(b);
  }

  finish(): Buffer {
    return Buffer.concat(this.parts, this.size);
  }
}

/** Prometheus' StaleNaN: 0x7ff0000000000002. */
const STALE_NAN = Buffer.from([0x02, 0, 0, 0, 0, 0, 0xf0, 0x7f]);

function doubleBytes(v: number): Buffer {
  const b = Buffer.allocUnsafe(8);
  b.writeDoubleLE(v);
  return b;
}

/** The snappy-compressed WriteRequest for samples (one TimeSeries per label set). */
export function encodeWriteRequest(samples: readonly OutputSample[]): Buffer {
  const bySeries = new Map<string, { labels: Labels; samples: OutputSample[] }>();
  for (const s of samples) {
    const key = s.labels.map((l) => `${l.name}\u0000${l.value}`).join('\u0001');
    const entry = bySeries.get(key) ?? { labels: s.labels, samples: [] };
    entry.samples.push(s);
    bySeries.set(key, entry);
  }
  const w = new ProtoWriter();
  for (const { labels, samples: list } of bySeries.values()) {
    const ts = new ProtoWriter();
    for (const l of labels) {
      const lw = new ProtoWriter();
      lw.bytes(1, Buffer.from(l.name));
      lw.bytes(2, Buffer.from(l.value));
      ts.bytes(1, lw.finish());
    }
    for (const s of [...list].sort((a, b) => a.timestampMs - b.timestampMs)) {
      const sw = new ProtoWriter();
      sw.fixed64(1, s.stale ? STALE_NAN : doubleBytes(s.value));
      sw.tag(2, 0);
      sw.varint(Math.trunc(s.timestampMs));
      ts.bytes(2, sw.finish());
    }
    w.bytes(1, ts.finish());
  }
  return w.finish();
}

// ---------------------------------------------------------------------------

class RemoteQueue {
  private queue: OutputSample[] = [];
  private timer: NodeJS.Timeout | null = null;
  private sending: Promise<void> | null = null;
  private stopped = false;
  private readonly labels: { tenant: string; remote_name: string; url: string };

  constructor(
    tenant: string,
    private readonly cfg: RemoteWriteClientConfig,
    private readonly metrics: RulerMetrics,
    private readonly logger: Logger,
  ) {
    const shown = new URL(cfg.url.href);
    shown.username = '';
    shown.password = '';
    this.labels = { tenant, remote_name: cfg.name, url: shown.href };
    metrics.remoteSamples.inc(this.labels, 0);
    metrics.remoteSamplesPending.set(this.labels, 0);
  }

  append(samples: readonly OutputSample[]): void {
    if (this.stopped) return;
    let dropped = 0;
    for (const s of samples) {
      const lb = new Map(s.labels.map((l) => [l.name, l.value] as const));
      if (!relabel(this.cfg.relabel, lb)) {
        dropped++;
        continue;
      }
      const labels = [...lb]
        .filter(([, v]) => v !== '')
        .map(([name, value]) => ({ name, value }))
        .sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
      if (labels.length === 0) {
        dropped++;
        continue;
      }
      this.queue.push({ labels, value: s.value, timestampMs: s.timestampMs, stale: s.stale === true });
    }
    // The WAL Loki writes to bounds nothing; an in-memory queue must, so the oldest samples go first.
    const max = this.cfg.queue.capacity * 10;
    if (this.queue.length > max) {
      dropped += this.queue.length - max;
      this.queue = this.queue.slice(this.queue.length - max);
    }
    if (dropped > 0) this.metrics.remoteSamplesDropped.inc(this.labels, dropped);
    this.metrics.remoteSamplesPending.set(this.labels, this.queue.length);
    if (this.queue.length >= this.cfg.queue.maxSamplesPerSend) this.kick();
    else if (!this.timer && this.queue.length > 0) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.kick();
      }, this.cfg.queue.batchSendDeadlineMs);
      this.timer.unref();
    }
  }

  private kick(): void {
    if (this.sending) return;
    this.sending = this.drain()
      .catch((err) =>
        this.logger.error('remote write failed', { remote_name: this.cfg.name, err: (err as Error).message }),
      )
      .finally(() => {
        this.sending = null;
        if (this.queue.length > 0 && !this.stopped) this.append([]);
      });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.cfg.queue.maxSamplesPerSend);
      this.metrics.remoteSamplesPending.set(this.labels, this.queue.length);
      await this.sendWithRetries(batch);
    }
  }

  private async sendWithRetries(batch: OutputSample[]): Promise<void> {
    const body = await snappy.compress(encodeWriteRequest(batch));
    let backoff = this.cfg.queue.minBackoffMs;
    for (;;) {
      let recoverable: boolean;
      let reason: string;
      try {
        const res = await post(
          this.cfg.url,
          body,
          {
            'Content-Encoding': 'snappy',
            'Content-Type': 'application/x-protobuf',
            'X-Prometheus-Remote-Write-Version': '0.1.0',
            ...authHeaders(this.cfg.auth),
            ...this.cfg.headers,
          },
          this.cfg.timeoutMs,
          this.cfg.tls,
        );
        if (res.status >= 200 && res.status < 300) {
          this.metrics.remoteSamples.inc(this.labels, batch.length);
          return;
        }
        reason = `server returned HTTP status ${res.status}: ${res.body.trim().slice(0, 256)}`;
        recoverable = res.status >= 500 || (res.status === 429 && this.cfg.queue.retryOnHttp429);
      } catch (err) {
        reason = (err as Error).message;
        recoverable = true;
      }
      if (!recoverable || this.stopped) {
        this.logger.error('non-recoverable error', { remote_name: this.cfg.name, count: batch.length, err: reason });
        this.metrics.remoteSamplesFailed.inc(this.labels, batch.length);
        return;
      }
      this.metrics.remoteSamplesRetried.inc(this.labels, batch.length);
      this.logger.warn('Failed to send batch, retrying', { remote_name: this.cfg.name, err: reason });
      await new Promise((r) => setTimeout(r, backoff).unref());
      backoff = Math.min(backoff * 2, this.cfg.queue.maxBackoffMs);
    }
  }

  /** Sends what is queued (one attempt per batch), then stops. */
  async stop(): Promise<void> {
    // Once stopped, a failed batch is not retried: shutdown must not wait on a dead receiver.
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.sending) await this.sending;
    if (this.queue.length > 0) await this.drain();
    for (const m of [
      this.metrics.remoteSamples,
      this.metrics.remoteSamplesFailed,
      this.metrics.remoteSamplesRetried,
      this.metrics.remoteSamplesDropped,
    ]) {
      m.remove(this.labels);
    }
    this.metrics.remoteSamplesPending.remove(this.labels);
  }
}

/** One tenant's remote-write clients. */
export class RemoteWriter {
  private readonly queues: RemoteQueue[];

  constructor(
    private readonly tenant: string,
    clients: readonly RemoteWriteClientConfig[],
    private readonly metrics: RulerMetrics,
    logger: Logger,
  ) {
    this.queues = clients.map((c) => new RemoteQueue(tenant, c, metrics, logger.child({ tenant })));
    metrics.appenderReady.set({ tenant }, 1);
  }

  append(samples: readonly OutputSample[]): void {
    if (samples.length === 0) return;
    for (const q of this.queues) q.append(samples);
  }

  async stop(): Promise<void> {
    await Promise.all(this.queues.map((q) => q.stop()));
    this.metrics.appenderReady.remove({ tenant: this.tenant });
  }
}

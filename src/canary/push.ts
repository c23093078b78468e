// `-push`: the canary sends its lines straight to Loki's push API (protobuf + snappy), one entry
// per request, or in batches with `-logs-batch-size`. Failed pushes are retried with backoff when
// Loki answers 429 or 5xx or cannot be reached; other statuses drop the entry, which the reader
// then reports missing. Lines wait in a queue of 50 while a push is retried; when it is full the
// canary's writer waits, as loki-canary's does on its buffered channel.

import snappy from 'snappy';
import { encodePushRequestProto } from '../distributor/decode-protobuf.js';
import type { PushStream } from '../distributor/push-request.js';
import { NS_PER_SEC } from '../util/time.js';
import { Backoff, type BackoffConfig } from './backoff.js';
import type { EntryWriter, TextSink } from './entry-writer.js';
import { type LogfmtValue, logfmtLine } from './go-format.js';
import type { LokiHttpClient } from './http-client.js';

const PUSH_PATH = '/loki/api/v1/push';
const QUEUE_CAPACITY = 50;
/** Bytes of an error response kept for the log line, as loki-canary reads them. */
const MAX_RESPONSE_BYTES = 1024;
/** A batch that has not filled up is still sent after this long. */
export const DEFAULT_BATCH_FLUSH_INTERVAL_MS = 30_000;

export interface PushConfig {
  readonly client: LokiHttpClient;
  /** The stream's labels, e.g. `{name="loki-canary", stream="push"}`. */
  readonly labels: string;
  readonly timeoutMs: number;
  readonly backoff: BackoffConfig;
  /** `-logs-batch-size`; 0 or 1 sends each entry on its own. */
  readonly batchSize: number;
  readonly userAgent: string;
  /** Where warnings and errors go, as logfmt lines. */
  readonly log: TextSink;
  readonly batchFlushIntervalMs?: number;
}

interface QueuedEntry {
  readonly tsNs: bigint;
  readonly line: string;
}

/** Creates the push writer `-logs-batch-size` asks for. */
export function createPushWriter(cfg: PushConfig): EntryWriter {
  return cfg.batchSize > 1 ? new BatchedPushWriter(cfg) : new PushWriter(cfg);
}

/** Sends each entry in its own request. */
export class PushWriter implements EntryWriter {
  private readonly queue = new EntryQueue(QUEUE_CAPACITY);
  private readonly sender: PushSender;
  private readonly abort = new AbortController();
  private readonly done: Promise<void>;

  constructor(cfg: PushConfig) {
    this.sender = new PushSender(cfg, this.abort.signal);
    this.done = this.run();
  }

  writeEntry(tsNs: bigint, line: string): Promise<void> | undefined {
    return this.queue.put({ tsNs, line });
  }

  async stop(): Promise<void> {
    this.queue.close();
    this.abort.abort();
    await this.done;
  }

  private async run(): Promise<void> {
    for (let e = await this.queue.take(); e !== undefined; e = await this.queue.take()) {
      await this.sender.deliver([e], {
        noun: 'entry',
        fields: [['entry', e.tsNs]],
        dropped: 'entry will be dropped',
      });
    }
  }
}

/**
 * Collects entries and sends them together once `-logs-batch-size` are waiting, when a batch has
 * waited 30 seconds, and on stop (with whatever is still queued). While a batch is being sent, new
 * entries queue up.
 */
export class BatchedPushWriter implements EntryWriter {
  private readonly queue = new EntryQueue(QUEUE_CAPACITY);
  private readonly sender: PushSender;
  private readonly done: Promise<void>;
  private batch: QueuedEntry[] = [];
  private flushTimer: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly cfg: PushConfig) {
    // Never aborted: the last batch is still delivered, with retries, when the writer stops.
    this.sender = new PushSender(cfg, new AbortController().signal);
    // loki-canary means to flush a partial batch every 30s; it is kept periodic here.
    this.flushTimer = setInterval(() => {
      this.flushing = this.flushing.then(() => this.flush());
    }, cfg.batchFlushIntervalMs ?? DEFAULT_BATCH_FLUSH_INTERVAL_MS);
    this.done = this.run();
  }

  writeEntry(tsNs: bigint, line: string): Promise<void> | undefined {
    return this.queue.put({ tsNs, line });
  }

  async stop(): Promise<void> {
    clearInterval(this.flushTimer);
    // Entries still queued behind a batch in flight go out with the last batch.
    const queued = this.queue.drainAndClose();
    await this.done;
    await this.flushing;
    this.batch.push(...queued);
    await this.flush();
  }

  private async run(): Promise<void> {
    for (let e = await this.queue.take(); e !== undefined; e = await this.queue.take()) {
      this.batch.push(e);
      if (this.batch.length >= this.cfg.batchSize) {
        this.flushing = this.flushing.then(() => this.flush());
        await this.flushing;
      }
    }
  }

  private async flush(): Promise<void> {
    if (this.batch.length === 0) return;
    const entries = this.batch;
    // The batch is cleared before sending so that failures cannot make it grow without bound.
    this.batch = [];
    await this.sender.deliver(entries, {
      noun: 'entries',
      fields: [
        ['entry', entries[entries.length - 1]!.tsNs],
        ['oldest_entry', entries[0]!.tsNs],
        ['log_line_count', entries.length],
      ],
      dropped: 'entries will be dropped',
    });
  }
}

interface DeliveryLog {
  /** "entry" or "entries", as the log messages say. */
  readonly noun: string;
  readonly fields: ReadonlyArray<readonly [string, LogfmtValue]>;
  readonly dropped: string;
}

/** Encodes entries and sends them with loki-canary's retry rules. */
class PushSender {
  constructor(
    private readonly cfg: PushConfig,
    private readonly signal: AbortSignal,
  ) {}

  async deliver(entries: readonly QueuedEntry[], what: DeliveryLog): Promise<void> {
    let payload: Buffer;
    try {
      payload = encodePayload(this.cfg.labels, entries);
    } catch (err) {
      this.log('error', [
        ['msg', 'failed to build payload'],
        ['err', (err as Error).message],
      ]);
      return;
    }
    const backoff = new Backoff(this.cfg.backoff);
    for (;;) {
      const { status, error } = await this.send(payload);
      if (error === undefined || this.signal.aborted) return;
      if (status > 0 && status !== 429 && Math.trunc(status / 100) !== 5) {
        this.log('error', [
          ['msg', `failed to send ${what.noun}, server rejected push with a non-retryable status code`],
          ...what.fields,
          ['status', status],
          ['err', error],
        ]);
        return;
      }
      if (!backoff.ongoing()) {
        this.log('error', [
          ['msg', `failed to send ${what.noun}, retries exhausted, ${what.dropped}`],
          ...what.fields,
          ['status', status],
          ['error', error],
        ]);
        return;
      }
      this.log('warn', [
        ['msg', `failed to send ${what.noun}, retrying`],
        ...what.fields,
        ['status', status],
        ['error', error],
      ]);
      await backoff.wait(this.signal);
    }
  }

  /** One attempt: the HTTP status (-1 when Loki could not be reached) and the error, if any. */
  private async send(payload: Buffer): Promise<{ status: number; error?: string }> {
    try {
      const res = await this.cfg.client.request({
        method: 'POST',
        path: PUSH_PATH,
        headers: { 'Content-Type': 'application/x-protobuf', 'User-Agent': this.cfg.userAgent },
        body: payload,
        timeoutMs: this.cfg.timeoutMs,
        signal: this.signal,
      });
      if (Math.trunc(res.status / 100) === 2) return { status: res.status };
      const firstLine = res.body.subarray(0, MAX_RESPONSE_BYTES).toString('utf8').split(/\r?\n/, 1)[0] ?? '';
      return {
        status: res.status,
        error: `server returned HTTP status ${res.statusText} (${res.status}): ${firstLine}`,
      };
    } catch (err) {
      return { status: -1, error: `failed to push payload: ${(err as Error).message}` };
    }
  }

  private log(level: string, fields: ReadonlyArray<readonly [string, LogfmtValue]>): void {
    this.cfg.log.write(logfmtLine([['level', level], ...fields]));
  }
}

/** A snappy-compressed logproto.PushRequest with one stream per entry, as loki-canary builds it. */
export function encodePayload(labels: string, entries: readonly QueuedEntry[]): Buffer {
  const streams: PushStream[] = entries.map((e) => ({
    labels,
    entries: [
      {
        sec: Number(e.tsNs / NS_PER_SEC),
        nanos: Number(e.tsNs % NS_PER_SEC),
        line: Buffer.from(e.line),
        structuredMetadata: [],
      },
    ],
  }));
  return snappy.compressSync(encodePushRequestProto({ streams }));
}

/** A bounded FIFO between the writer's ticks and the sending loop. */
class EntryQueue {
  private readonly items: QueuedEntry[] = [];
  private readonly putters: Array<{ entry: QueuedEntry; resolve: () => void }> = [];
  private taker: ((e: QueuedEntry | undefined) => void) | undefined;
  private closed = false;

  constructor(private readonly capacity: number) {}

  /** Enqueues; returns a promise that settles once there was room, or undefined if there was room now. */
  put(entry: QueuedEntry): Promise<void> | undefined {
    if (this.closed) return undefined;
    if (this.taker) {
      const taker = this.taker;
      this.taker = undefined;
      taker(entry);
      return undefined;
    }
    if (this.items.length < this.capacity) {
      this.items.push(entry);
      return undefined;
    }
    return new Promise((resolve) => this.putters.push({ entry, resolve }));
  }

  /** The next entry, or undefined once the queue is closed. */
  take(): Promise<QueuedEntry | undefined> {
    if (this.closed) return Promise.resolve(undefined);
    const next = this.items.shift();
    if (next !== undefined) {
      const putter = this.putters.shift();
      if (putter) {
        this.items.push(putter.entry);
        putter.resolve();
      }
      return Promise.resolve(next);
    }
    return new Promise((resolve) => {
      this.taker = resolve;
    });
  }

  /** Ends the queue and returns what was still queued, including entries of waiting writers. */
  drainAndClose(): QueuedEntry[] {
    const rest = [...this.items, ...this.putters.map((p) => p.entry)];
    this.close();
    return rest;
  }

  /** Ends the queue: waiting writers are released and what is still queued is discarded. */
  close(): void {
    this.closed = true;
    for (const p of this.putters.splice(0)) p.resolve();
    this.items.length = 0;
    const taker = this.taker;
    this.taker = undefined;
    taker?.(undefined);
  }
}

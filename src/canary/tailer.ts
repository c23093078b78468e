// The canary's live reader: a WebSocket tail of its own stream (`GET /loki/api/v1/tail`) that hands
// every entry's timestamp to the comparator. It reconnects as loki-canary does: at once when Loki
// ends the tail for `tail_max_duration`, after 10 seconds on any other error, and after 10 seconds
// when nothing has arrived for ten write intervals (pings alone do not count as traffic).

import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { sleep } from './clock.js';
import type { TextSink } from './entry-writer.js';
import { goQueryEscape } from './go-format.js';
import { describeNetworkError, type LokiHttpClient } from './http-client.js';
import { buildLogQuery } from './label-selector.js';
import { parseEntryTimestamp } from './line.js';
import type { CanaryMetrics } from './metrics.js';

export interface TailerConfig {
  readonly client: LokiHttpClient;
  readonly selector: string;
  readonly queryAppend: string;
  /** The write interval; the tail counts as stalled after ten of them without entries. */
  readonly intervalMs: number;
  readonly metrics: CanaryMetrics;
  readonly log: TextSink;
  readonly onEntry: (tsNs: bigint) => void;
  /** Pause before reconnecting after an error (loki-canary: 10s). */
  readonly retryDelayMs?: number;
}

const TAIL_PATH = '/loki/api/v1/tail';
const DEFAULT_RETRY_DELAY_MS = 10_000;
const HANDSHAKE_TIMEOUT_MS = 45_000;
/** The close reason Loki sends when a tail reaches `tail_max_duration`. */
const MAX_DURATION_REASON = 'reached tail max duration limit';

export class Tailer {
  private readonly stopping = new AbortController();
  private connection: TailConnection | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly cfg: TailerConfig) {}

  start(): void {
    this.running ??= this.run();
  }

  async stop(): Promise<void> {
    if (this.connection) this.cfg.log.write('shutting down reader\n');
    this.stopping.abort();
    this.connection?.close();
    await this.running;
  }

  private get retryDelayMs(): number {
    return this.cfg.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS;
  }

  private async run(): Promise<void> {
    const signal = this.stopping.signal;
    await this.reconnect();
    let lastEntriesAt = performance.now();
    const stallMs = 10 * this.cfg.intervalMs;
    while (!signal.aborted && this.connection) {
      const event = await this.connection.next(stallMs);
      if (signal.aborted) break;
      if (event.type !== 'message') {
        if (event.type === 'closed' && event.reason === MAX_DURATION_REASON) {
          this.cfg.log.write(`tail max duration limit exceeded, will retry immediately: ${event.error}\n`);
          await this.reconnect();
          continue;
        }
        const reason =
          event.type === 'timeout'
            ? `timeout tailing new logs (timeout period: ${(stallMs / 1000).toFixed(2)}s)`
            : 'error reading websocket';
        this.cfg.log.write(`${reason}, will retry in 10 seconds: ${event.error}\n`);
        // Also pause when the connection itself succeeded: retrying at once can overload Loki.
        await sleep(this.retryDelayMs, signal);
        await this.reconnect();
        continue;
      }
      let streams: readonly unknown[];
      try {
        streams = streamsOf(JSON.parse(event.data));
      } catch (err) {
        this.cfg.log.write(`error reading websocket, will retry in 10 seconds: ${(err as Error).message}\n`);
        await sleep(this.retryDelayMs, signal);
        await this.reconnect();
        continue;
      }
      if (streams.length > 0) lastEntriesAt = performance.now();
      for (const stream of streams) this.deliver(stream);
      // Pings keep a socket alive without any entries; make sure entries keep coming too.
      if (performance.now() - lastEntriesAt > stallMs) {
        this.cfg.log.write(
          `Have not received a canary message from loki on the websocket in ${Math.trunc(stallMs)}ms, sleeping 10s and reconnecting\n`,
        );
        await sleep(this.retryDelayMs, signal);
        await this.reconnect();
      }
    }
    this.connection?.close();
    this.connection = undefined;
  }

  private deliver(stream: unknown): void {
    const values = (stream as { values?: unknown }).values;
    if (!Array.isArray(values)) return;
    for (const value of values) {
      const line = Array.isArray(value) ? value[1] : undefined;
      let ts: bigint;
      try {
        ts = parseEntryTimestamp(typeof line === 'string' ? line : '');
      } catch (err) {
        this.cfg.log.write(`${(err as Error).message}\n`);
        continue;
      }
      this.cfg.onEntry(ts);
    }
  }

  /** Closes the current tail (counting a reconnect) and opens a new one, retrying until it succeeds or the tailer stops. */
  private async reconnect(): Promise<void> {
    const signal = this.stopping.signal;
    if (signal.aborted) return;
    if (this.connection) {
      this.connection.close();
      this.connection = undefined;
      this.cfg.metrics.websocketReconnects.inc();
    }
    const rawQuery = `query=${goQueryEscape(buildLogQuery(this.cfg.selector, this.cfg.queryAppend))}`;
    const url = this.cfg.client.websocketUrl(TAIL_PATH, rawQuery);
    while (!this.connection && !signal.aborted) {
      this.cfg.log.write(`Connecting to loki at ${url}, using selector ${this.cfg.selector}\n`);
      try {
        const connection = await TailConnection.open(
          url,
          this.cfg.client,
          () => this.cfg.metrics.websocketPings.inc(),
          signal,
        );
        if (signal.aborted) connection.close();
        else this.connection = connection;
      } catch (err) {
        if (signal.aborted) return;
        this.cfg.log.write(`failed to connect to ${url} with err ${(err as Error).message}\n`);
        await sleep(this.retryDelayMs, signal);
      }
    }
  }
}

function streamsOf(message: unknown): readonly unknown[] {
  const streams = (message as { streams?: unknown } | null)?.streams;
  return Array.isArray(streams) ? streams : [];
}

type TailEvent =
  | { readonly type: 'message'; readonly data: string }
  | { readonly type: 'closed'; readonly reason: string; readonly error: string }
  | { readonly type: 'error'; readonly error: string }
  | { readonly type: 'timeout'; readonly error: string };

/** One tail WebSocket, read one message at a time with a deadline. */
class TailConnection {
  private readonly events: TailEvent[] = [];
  private waiter: ((event: TailEvent) => void) | undefined;
  /** How the connection ended; repeated to every read after the end. */
  private final: TailEvent | undefined;

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: WebSocket.RawData) => this.push({ type: 'message', data: rawText(data) }));
    ws.on('close', (code: number, reason: Buffer) => {
      const text = code === 1006 && reason.length === 0 ? 'unexpected EOF' : reason.toString('utf8');
      this.end({ type: 'closed', reason: reason.toString('utf8'), error: closeErrorText(code, text) });
    });
    ws.on('error', (err: Error) => this.end({ type: 'error', error: err.message }));
  }

  static open(url: string, client: LokiHttpClient, onPing: () => void, signal: AbortSignal): Promise<TailConnection> {
    const addr = client.endpoint.addr;
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, {
        headers: client.identityHeaders(),
        handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
        perMessageDeflate: false,
        ...client.endpoint.tls,
      });
      const onAbort = () => fail('context canceled');
      const fail = (message: string) => {
        signal.removeEventListener('abort', onAbort);
        ws.removeAllListeners();
        ws.on('error', () => undefined);
        ws.terminate();
        reject(new Error(message));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      ws.once('unexpected-response', () => fail('websocket: bad handshake'));
      ws.once('error', (err: NodeJS.ErrnoException) => fail(describeNetworkError(err, addr)));
      ws.once('open', () => {
        signal.removeEventListener('abort', onAbort);
        ws.removeAllListeners();
        // ws answers pings itself; they are only counted here.
        ws.on('ping', onPing);
        resolve(new TailConnection(ws));
      });
    });
  }

  /** The next message or the end of the connection, or a timeout after `timeoutMs` without either. */
  next(timeoutMs: number): Promise<TailEvent> {
    const queued = this.events.shift() ?? this.final;
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        resolve({ type: 'timeout', error: 'i/o timeout' });
      }, timeoutMs);
      this.waiter = (event) => {
        clearTimeout(timer);
        resolve(event);
      };
    });
  }

  close(): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.terminate();
    this.end({ type: 'error', error: 'use of closed network connection' });
  }

  private push(event: TailEvent): void {
    if (this.final) return;
    const waiter = this.waiter;
    if (waiter) {
      this.waiter = undefined;
      waiter(event);
    } else {
      this.events.push(event);
    }
  }

  private end(event: TailEvent): void {
    if (this.final) return;
    this.push(event);
    this.final = event;
  }
}

function rawText(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}

const CLOSE_CODE_NAMES: Readonly<Record<number, string>> = {
  1000: 'normal',
  1001: 'going away',
  1002: 'protocol error',
  1003: 'unsupported data',
  1005: 'no status',
  1006: 'abnormal closure',
  1007: 'invalid payload data',
  1008: 'policy violation',
  1009: 'message too big',
  1010: 'mandatory extension missing',
  1011: 'internal server error',
  1012: 'service restart',
  1013: 'try again later',
  1015: 'TLS handshake error',
};

/** A close as gorilla/websocket's CloseError prints it: `websocket: close 1011 (internal server error): reason`. */
function closeErrorText(code: number, text: string): string {
  const name = CLOSE_CODE_NAMES[code];
  let out = `websocket: close ${code}`;
  if (name) out += ` (${name})`;
  return text ? `${out}: ${text}` : out;
}

// The WebSocket of a tail request (`ws`), read one event at a time: a text
// message or the close that ended the connection. Errors are worded as
// logcli's WebSocket library words them (`websocket: close 1011 (internal
// server error): reason`, `error response from server: ... (websocket: bad
// handshake)`).
import tls from 'node:tls';
import WebSocket from 'ws';
import type { TailConnection } from './client.js';
import { proxyAuthorization } from './transport.js';

/** How long a closing connection waits for the server's close frame. */
const CLOSE_GRACE_MS = 500;

export type TailEvent = { kind: 'message'; data: string } | { kind: 'closed'; code: number; reason: string };

const CLOSE_NAMES: Record<number, string> = {
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
  1015: 'TLS handshake error',
};

/** gorilla/websocket's CloseError text. */
export function closeErrorText(code: number, reason: string): string {
  const name = CLOSE_NAMES[code];
  return `websocket: close ${code}${name ? ` (${name})` : ''}${reason ? `: ${reason}` : ''}`;
}

export class TailSocket {
  private readonly events: TailEvent[] = [];
  private waiting: ((e: TailEvent) => void) | null = null;

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: WebSocket.RawData) => this.push({ kind: 'message', data: rawText(data) }));
    ws.once('close', (code: number, reason: Buffer) => {
      // A connection lost without a close frame is 1006 with "unexpected EOF", as in Go.
      const text = reason.toString('utf8') || (code === 1006 ? 'unexpected EOF' : '');
      this.push({ kind: 'closed', code, reason: text });
    });
    ws.on('error', () => {
      // 'close' follows every error; it reports the end.
    });
  }

  private push(e: TailEvent): void {
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = null;
      w(e);
    } else this.events.push(e);
  }

  /** The next message, or the close; after a close, the close again. */
  next(): Promise<TailEvent> {
    const e = this.events.shift();
    if (e) {
      if (e.kind === 'closed') this.events.unshift(e);
      return Promise.resolve(e);
    }
    return new Promise((resolve) => {
      this.waiting = (ev) => {
        if (ev.kind === 'closed') this.events.push(ev);
        resolve(ev);
      };
    });
  }

  /**
   * Sends a normal close and lets the connection go. logcli exits right after
   * sending it; the server's answer is given a moment, not the 30s ws allows.
   */
  close(): void {
    if (this.ws.readyState !== WebSocket.OPEN) {
      this.ws.terminate();
      return;
    }
    this.ws.close(1000, '');
    setTimeout(() => this.ws.terminate(), CLOSE_GRACE_MS).unref();
  }

  static async connect(conn: TailConnection): Promise<TailSocket> {
    const target = new URL(conn.url.replace(/^ws/, 'http'));
    const material = conn.transport.tlsOptions();
    const options: WebSocket.ClientOptions = {
      headers: conn.headers,
      perMessageDeflate: false,
      ca: material.ca,
      cert: material.cert,
      key: material.key,
      rejectUnauthorized: material.rejectUnauthorized,
    };
    const proxy = conn.transport.proxyFor(target);
    if (proxy) {
      const tunnel = await conn.transport.tunnel(proxy, target, proxyAuthorization(proxy));
      const socket =
        target.protocol === 'https:'
          ? tls.connect({ ...material, socket: tunnel, servername: target.hostname })
          : tunnel;
      options.createConnection = (() => socket) as unknown as WebSocket.ClientOptions['createConnection'];
    }
    const ws = new WebSocket(conn.url, options);
    const socket = new TailSocket(ws);
    await new Promise<void>((resolve, reject) => {
      const onOpen = () => {
        ws.off('unexpected-response', onResponse);
        resolve();
      };
      const onResponse = (_req: unknown, res: import('node:http').IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.once('end', () => {
          reject(
            new Error(
              `error response from server: ${Buffer.concat(chunks).toString('utf8')} (websocket: bad handshake)`,
            ),
          );
          ws.terminate();
        });
      };
      ws.once('open', onOpen);
      ws.once('unexpected-response', onResponse);
      ws.once('error', (err: NodeJS.ErrnoException) => {
        ws.off('open', onOpen);
        reject(new Error(dialError(err, target)));
      });
    });
    return socket;
  }
}

function rawText(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}

function dialError(err: NodeJS.ErrnoException & { address?: string; port?: number }, target: URL): string {
  if (err.code === 'ECONNREFUSED') {
    return `dial tcp ${err.address ?? target.hostname}:${err.port ?? target.port}: connect: connection refused`;
  }
  if (err.code === 'ENOTFOUND') return `dial tcp: lookup ${target.hostname}: no such host`;
  return err.message;
}

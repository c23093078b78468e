// HTTP to Loki for the canary's writer and reader: `-addr` is `host:port`, the scheme follows -tls,
// and every request carries the tenant header and basic auth when they are set. Connections are
// kept alive, as Go's default transport keeps them.

import http from 'node:http';
import https from 'node:https';
import type { TlsClientOptions } from './tls.js';

export interface LokiEndpoint {
  /** `host:port`. */
  readonly addr: string;
  readonly useTls: boolean;
  readonly tls?: TlsClientOptions;
  readonly user: string;
  readonly pass: string;
  readonly tenantId: string;
}

export interface HttpResponse {
  readonly status: number;
  /** Go's resp.Status: `429 Too Many Requests`. */
  readonly statusText: string;
  readonly body: Buffer;
}

export interface HttpRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  /** Already encoded query string, without `?`. */
  readonly rawQuery?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Buffer;
  readonly timeoutMs: number;
  /** Aborts the request (the canary is stopping). */
  readonly signal?: AbortSignal;
}

export class LokiHttpClient {
  private readonly agent: http.Agent;

  constructor(readonly endpoint: LokiEndpoint) {
    const agentOptions = { keepAlive: true, ...endpoint.tls };
    this.agent = endpoint.useTls ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
  }

  url(path: string, rawQuery?: string): string {
    const scheme = this.endpoint.useTls ? 'https' : 'http';
    return `${scheme}://${this.endpoint.addr}${path}${rawQuery ? `?${rawQuery}` : ''}`;
  }

  websocketUrl(path: string, rawQuery?: string): string {
    const scheme = this.endpoint.useTls ? 'wss' : 'ws';
    return `${scheme}://${this.endpoint.addr}${path}${rawQuery ? `?${rawQuery}` : ''}`;
  }

  /** Tenant and basic-auth headers, sent with every request and the tail's WebSocket handshake. */
  identityHeaders(): Record<string, string> {
    const headers: Record<string, string> = {};
    if (this.endpoint.user !== '') {
      const credentials = Buffer.from(`${this.endpoint.user}:${this.endpoint.pass}`).toString('base64');
      headers.Authorization = `Basic ${credentials}`;
    }
    if (this.endpoint.tenantId !== '') headers['X-Scope-OrgID'] = this.endpoint.tenantId;
    return headers;
  }

  /** One request; rejects on network errors and timeouts with Go's `<Method> "<url>": <reason>` form. */
  request(req: HttpRequest): Promise<HttpResponse> {
    const url = this.url(req.path, req.rawQuery);
    const method = req.method === 'GET' ? 'Get' : 'Post';
    const transport = this.endpoint.useTls ? https : http;
    return new Promise((resolve, reject) => {
      const fail = (reason: string) => reject(new Error(`${method} ${JSON.stringify(url)}: ${reason}`));
      if (req.signal?.aborted) {
        fail('context canceled');
        return;
      }
      const headers: Record<string, string> = { ...this.identityHeaders(), ...req.headers };
      if (req.body) headers['Content-Length'] = String(req.body.length);
      const request = transport.request(url, { method: req.method, headers, agent: this.agent });
      let settled = false;
      const timer = setTimeout(() => {
        settled = true;
        request.destroy();
        fail('context deadline exceeded (Client.Timeout exceeded while awaiting headers)');
      }, req.timeoutMs);
      const onAbort = () => {
        settled = true;
        request.destroy();
        fail('context canceled');
      };
      req.signal?.addEventListener('abort', onAbort, { once: true });
      const finish = () => {
        clearTimeout(timer);
        req.signal?.removeEventListener('abort', onAbort);
      };
      request.on('error', (err: NodeJS.ErrnoException) => {
        finish();
        if (!settled) fail(describeNetworkError(err, this.endpoint.addr));
        settled = true;
      });
      request.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (err) => {
          finish();
          if (!settled) fail(err.message);
          settled = true;
        });
        res.on('end', () => {
          finish();
          if (settled) return;
          settled = true;
          const status = res.statusCode ?? 0;
          const text = res.statusMessage || http.STATUS_CODES[status] || '';
          resolve({ status, statusText: `${status} ${text}`.trimEnd(), body: Buffer.concat(chunks) });
        });
      });
      request.end(req.body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Network errors in the words of Go's net package, as loki-canary logs them. */
export function describeNetworkError(err: NodeJS.ErrnoException, addr: string): string {
  switch (err.code) {
    case 'ECONNREFUSED':
      return `dial tcp ${addr}: connect: connection refused`;
    case 'ECONNRESET':
      return `read tcp ${addr}: read: connection reset by peer`;
    case 'ENOTFOUND':
      return `dial tcp: lookup ${addr.replace(/:\d+$/, '')}: no such host`;
    default:
      return err.message;
  }
}

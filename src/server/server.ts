// The HTTP server: one node:http server, the route table of the components a
// target runs, request metrics with Loki's names, and the mapping from thrown
// errors to Loki's error responses.
import { createServer, type IncomingMessage, type Server, type ServerResponse, STATUS_CODES } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { Histogram, type Registry } from 'prom-client';
import { Messages } from '../messages.js';
import type { Logger } from '../util/log.js';
import { HttpError } from './http-error.js';
import { sendError } from './respond.js';
import { type Match, type RequestContext, Router } from './router.js';

export interface HttpServerOptions {
  address: string;
  port: number;
  registry: Registry;
  logger: Logger;
  /** Idle keep-alive and request timeouts (server.http_server_*_timeout), ms. */
  readTimeoutMs?: number;
  writeTimeoutMs?: number;
  idleTimeoutMs?: number;
}

/** Handles a WebSocket upgrade; throws HttpError to refuse it with a plain HTTP answer. */
export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer, url: URL) => void;

export class HttpServer {
  readonly router = new Router();
  readonly server: Server;
  private readonly duration: Histogram;
  private readonly upgrades = new Map<string, UpgradeHandler>();

  constructor(private readonly opts: HttpServerOptions) {
    this.duration = new Histogram({
      name: 'loki_request_duration_seconds',
      help: 'Time (in seconds) spent serving HTTP requests.',
      labelNames: ['method', 'route', 'status_code', 'ws'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100],
      registers: [opts.registry],
    });
    this.server = createServer(
      { keepAliveTimeout: opts.idleTimeoutMs ?? 120_000, requestTimeout: opts.readTimeoutMs ?? 0 },
      (req, res) => {
        void this.handle(req, res);
      },
    );
    this.server.headersTimeout = 60_000;
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head));
  }

  /** Routes WebSocket upgrades of `path` (exact) to `handler`. */
  addUpgrade(path: string, handler: UpgradeHandler): void {
    this.upgrades.set(path, handler);
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const handler = this.upgrades.get(url.pathname);
    const refuse = (status: number, message: string) => {
      const body = `${message}\n`;
      socket.end(
        `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Type: text/plain; charset=utf-8\r\nX-Content-Type-Options: nosniff\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    };
    if (!handler) {
      refuse(404, Messages.notFound);
      return;
    }
    try {
      handler(req, socket, head, url);
    } catch (err) {
      if (err instanceof HttpError) refuse(err.status, err.message);
      else {
        this.opts.logger.error('websocket upgrade failed', {
          path: url.pathname,
          err: err instanceof Error ? err.message : String(err),
        });
        refuse(500, err instanceof Error ? err.message : String(err));
      }
    }
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.opts.port, this.opts.address, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeIdleConnections();
      setTimeout(() => this.server.closeAllConnections(), 5_000).unref();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const match = this.router.match(req.method ?? 'GET', url.pathname);
    const abort = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    const route = typeof match === 'object' ? match.name : 'other';
    const ctx: RequestContext = {
      req,
      res,
      url,
      pathParams: typeof match === 'object' ? match.params : {},
      signal: abort.signal,
      route,
    };
    try {
      if (match === 404) {
        sendError(ctx, 404, Messages.notFound);
      } else if (match === 405) {
        res.statusCode = 405;
        res.end();
      } else {
        await (match as Match).handler(ctx);
      }
    } catch (err) {
      this.fail(ctx, err);
    } finally {
      if (!res.writableEnded && !res.headersSent && req.headers.upgrade === undefined) res.end();
      this.duration.observe(
        { method: req.method ?? '', route, status_code: String(res.statusCode), ws: 'false' },
        (performance.now() - started) / 1000,
      );
    }
  }

  private fail(ctx: RequestContext, err: unknown): void {
    if (err instanceof HttpError) {
      sendError(ctx, err.status, err.message, err.newline);
      return;
    }
    if (ctx.signal.aborted) {
      sendError(ctx, 499, Messages.cancelled, false);
      return;
    }
    this.opts.logger.error('request failed', {
      route: ctx.route,
      method: ctx.req.method,
      err: err instanceof Error ? (err.stack ?? err.message) : String(err),
    });
    sendError(ctx, 500, err instanceof Error ? err.message : String(err), false);
  }
}

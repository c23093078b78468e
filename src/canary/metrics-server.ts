// The canary's own HTTP server (`-port`): Prometheus metrics on /metrics, and /suspend and
// /resume to stop and restart the canary without restarting the process.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { TextSink } from './entry-writer.js';

export interface CanaryControl {
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface MetricsServerDeps {
  readonly registry: Registry;
  readonly canary: CanaryControl;
  /** Where "suspending" and "restarting" are reported. */
  readonly log: TextSink;
}

export class MetricsServer {
  private readonly server: http.Server;

  constructor(private readonly deps: MetricsServerDeps) {
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end(`${err instanceof Error ? err.message : String(err)}\n`);
      });
    });
    // Go's server keeps idle connections for 120s; scrapers reuse them.
    this.server.keepAliveTimeout = 120_000;
  }

  /** Listens on every interface, as loki-canary does; resolves with the bound port (useful with port 0). */
  listen(port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, () => {
        this.server.off('error', reject);
        resolve((this.server.address() as AddressInfo).port);
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://canary').pathname;
    switch (path) {
      case '/metrics': {
        const body = await this.deps.registry.metrics();
        res.writeHead(200, { 'Content-Type': this.deps.registry.contentType });
        res.end(body);
        return;
      }
      case '/resume':
        this.deps.log.write('restarting\n');
        await this.deps.canary.start();
        res.end();
        return;
      case '/suspend':
        this.deps.log.write('suspending\n');
        await this.deps.canary.stop();
        res.end();
        return;
      default:
        res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
        res.end('404 page not found\n');
    }
  }
}

// The agent's own HTTP server: /metrics (Prometheus text format), /ready
// (200 "Ready" once something is being read, else 500 with Promtail's
// message), /config (the effective configuration) and /targets (what is
// being tailed, as JSON).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../util/log.js';
import type { AgentMetrics } from '../metrics.js';

export const NOT_READY_MESSAGE =
  'Not ready: Unable to find any logs to tail. Please verify permissions, volumes, scrape_config, etc.';

export interface AgentServerOptions {
  readonly address: string;
  readonly port: number;
  readonly pathPrefix: string;
  /** `health_check_target`: /ready also requires something to be read (default true). */
  readonly healthCheckTarget: boolean;
  readonly metrics: AgentMetrics;
  readonly ready: () => boolean;
  readonly configYaml: () => string;
  readonly targets: () => unknown;
  readonly logger: Logger;
}

export class AgentServer {
  private server: Server | undefined;

  constructor(private readonly o: AgentServerOptions) {}

  get address(): AddressInfo | undefined {
    const a = this.server?.address();
    return a && typeof a === 'object' ? a : undefined;
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      this.route(req, res).catch((err: Error) => {
        this.o.logger.error('error serving request', { path: req.url, err: err.message });
        if (!res.headersSent) res.statusCode = 500;
        res.end();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.o.port, this.o.address || undefined, () => resolve());
    });
    this.server = server;
    this.o.logger.info('server listening on addresses', { http: `${this.o.address || '[::]'}:${this.address?.port}` });
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let path = (req.url ?? '/').split('?')[0]!;
    const prefix = this.o.pathPrefix.replace(/\/$/, '');
    if (prefix !== '') {
      if (!path.startsWith(prefix)) return this.notFound(res);
      path = path.slice(prefix.length) || '/';
    }
    switch (path) {
      case '/metrics': {
        res.setHeader('Content-Type', this.o.metrics.registry.contentType);
        res.end(await this.o.metrics.render());
        return;
      }
      case '/ready':
        if (this.o.healthCheckTarget && !this.o.ready()) {
          res.statusCode = 500;
          res.setHeader('Content-Type', 'text/plain; charset=utf-8');
          res.end(`${NOT_READY_MESSAGE}\n`);
          return;
        }
        res.end('Ready');
        return;
      case '/config':
        res.setHeader('Content-Type', 'text/plain; charset=utf-8');
        res.end(this.o.configYaml());
        return;
      case '/targets':
        res.setHeader('Content-Type', 'application/json');
        res.end(`${JSON.stringify(this.o.targets(), null, 2)}\n`);
        return;
      case '/':
        res.statusCode = 303;
        res.setHeader('Location', `${prefix}/targets`);
        res.end();
        return;
      default:
        return this.notFound(res);
    }
  }

  private notFound(res: ServerResponse): void {
    res.statusCode = 404;
    res.end('404 page not found\n');
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

// The `loki_push_api` receiver: an HTTP server accepting Loki pushes
// (protobuf + snappy, or JSON, on /loki/api/v1/push) and plain text lines
// (/promtail/api/v1/raw), so that other agents can ship through this one.
// Each stream's labels get the configured labels (which win), are
// relabelled and stripped of `__` labels; entries keep their timestamps
// with `use_incoming_timestamp`, otherwise they are stamped on arrival.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGunzip, createInflate } from 'node:zlib';
import snappy from 'snappy';
import { decodePushRequestJSON } from '../../../distributor/decode-json.js';
import { decodePushRequestProto } from '../../../distributor/decode-protobuf.js';
import type { PushRequest } from '../../../distributor/push-request.js';
import { parseStreamLabels } from '../../../logql/syntax/index.js';
import type { Logger } from '../../../util/log.js';
import type { PushApiConfig } from '../../config/types.js';
import { LabelSet } from '../../labels/label-set.js';
import { Stamper } from '../../pipeline/clock.js';
import { LogEntry } from '../../pipeline/entry.js';
import { type RelabelRule, relabel } from '../../relabel/relabel.js';

const DEFAULT_MAX_MESSAGE_SIZE = 100 << 20;

export interface PushTargetOptions {
  readonly jobName: string;
  readonly config: PushApiConfig;
  readonly relabel: readonly RelabelRule[];
  readonly handle: (entry: LogEntry) => void;
  readonly logger: Logger;
}

class RequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const encoding = (req.headers['content-encoding'] ?? '').toLowerCase();
  let source: AsyncIterable<Buffer> = req;
  if (encoding === 'gzip') source = req.pipe(createGunzip());
  else if (encoding === 'deflate') source = req.pipe(createInflate());
  else if (encoding !== '' && encoding !== 'snappy' && encoding !== 'identity') {
    throw new RequestError(415, `Content-Encoding "${encoding}" not supported`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of source) {
    size += c.length;
    if (size > limit) throw new RequestError(413, `message size too large: exceeds ${limit} bytes`);
    chunks.push(c);
  }
  return Buffer.concat(chunks);
}

export class PushTarget {
  private server: Server | undefined;
  private readonly stamper = new Stamper();
  private readonly configLabels: ReadonlyArray<[string, string]>;

  constructor(private readonly o: PushTargetOptions) {
    this.configLabels = Object.entries(o.config.labels);
  }

  get address(): AddressInfo | undefined {
    const a = this.server?.address();
    return a && typeof a === 'object' ? a : undefined;
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      this.route(req, res).catch((err: Error) => {
        this.o.logger.warn('failed to parse incoming push request', { err: err.message });
        if (!res.headersSent) {
          res.statusCode = err instanceof RequestError ? err.status : 400;
          res.end(`${err.message}\n`);
        }
      });
    });
    const srv = this.o.config.server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(srv.http_listen_port, srv.http_listen_address || undefined, () => resolve());
    });
    this.server = server;
    this.o.logger.info('starting push server', { job: this.o.jobName, port: this.address?.port });
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0];
    const prefix = this.o.config.server.http_path_prefix.replace(/\/$/, '');
    const route = prefix && path?.startsWith(prefix) ? path.slice(prefix.length) : path;
    if (route === '/ready' && req.method === 'GET') {
      res.end('ready');
      return;
    }
    if (route === '/loki/api/v1/push' && req.method === 'POST') return this.handleLoki(req, res);
    if (route === '/promtail/api/v1/raw' && req.method === 'POST') return this.handleRaw(req, res);
    res.statusCode = 404;
    res.end('404 page not found\n');
  }

  private decode(req: IncomingMessage, body: Buffer): PushRequest {
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type === 'application/json') return decodePushRequestJSON(body);
    let raw: Buffer;
    try {
      raw = snappy.uncompressSync(body) as Buffer;
    } catch (err) {
      throw new RequestError(400, `snappy: corrupt input: ${(err as Error).message}`);
    }
    return decodePushRequestProto(raw);
  }

  private async handleLoki(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req, this.o.config.max_send_msg_size || DEFAULT_MAX_MESSAGE_SIZE);
    const request = this.decode(req, body);
    let lastError: Error | undefined;
    for (const stream of request.streams) {
      let parsed: Array<{ name: string; value: string }>;
      try {
        parsed = parseStreamLabels(stream.labels);
      } catch (err) {
        lastError = err as Error;
        continue;
      }
      const labels = new Map(parsed.map((l) => [l.name, l.value]));
      for (const [name, value] of this.configLabels) {
        if (value === '') labels.delete(name);
        else labels.set(name, value);
      }
      // Promtail answers 204 and stops at a dropped stream; here only that stream is skipped.
      if (!relabel(this.o.relabel, labels) || labels.size === 0) continue;
      const visible = LabelSet.fromEntries([...labels].filter(([n]) => !n.startsWith('__')));
      for (const e of stream.entries) {
        const ts = this.o.config.use_incoming_timestamp ? { sec: e.sec, nanos: e.nanos } : this.stamper.next();
        const entry = LogEntry.fromBytes(visible, ts, e.line);
        if (e.structuredMetadata.length > 0) entry.setStructuredMetadata(e.structuredMetadata);
        this.o.handle(entry);
      }
    }
    if (lastError) {
      this.o.logger.warn('at least one entry in the push request failed to process', { err: lastError.message });
      res.statusCode = 400;
      res.end(`${lastError.message}\n`);
      return;
    }
    res.statusCode = 204;
    res.end();
  }

  private async handleRaw(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req, this.o.config.max_send_msg_size || DEFAULT_MAX_MESSAGE_SIZE);
    const labels = LabelSet.fromEntries(this.configLabels);
    for (const raw of body.toString('utf8').split('\n')) {
      const line = raw.replace(/\r$/, '');
      if (line === '') continue;
      this.o.handle(LogEntry.fromText(labels, this.stamper.next(), line));
    }
    res.statusCode = 204;
    res.end();
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.o.logger.info('stopping push server', { job: this.o.jobName });
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

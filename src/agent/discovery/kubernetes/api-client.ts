// A minimal Kubernetes API client: GET a list, and follow a watch stream
// (newline-delimited JSON events), over HTTP or HTTPS with a bearer token,
// basic auth or a client certificate.
import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { skaldVersion } from '../../../config/version.js';

export interface KubeConnection {
  /** Base URL of the API server, e.g. https://10.96.0.1:443. */
  readonly server: string;
  readonly ca?: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
  readonly insecureSkipVerify?: boolean;
  readonly serverName?: string;
  /** The Authorization header for the next request (token files are re-read as they rotate). */
  readonly authorization?: () => Promise<string | undefined>;
}

export class KubeApiError extends Error {
  override name = 'KubeApiError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: unknown;
}

export class KubeApiClient {
  private readonly base: URL;

  constructor(private readonly conn: KubeConnection) {
    this.base = new URL(conn.server.endsWith('/') ? conn.server : `${conn.server}/`);
  }

  private async open(path: string, query: URLSearchParams, signal: AbortSignal | undefined): Promise<IncomingMessage> {
    const url = new URL(path.replace(/^\//, ''), this.base);
    url.search = query.toString();
    const headers: Record<string, string> = {
      Accept: 'application/json',
      'User-Agent': `skald-agent/${skaldVersion()}`,
    };
    const auth = await this.conn.authorization?.();
    if (auth) headers.Authorization = auth;
    const https = url.protocol === 'https:';
    const options: RequestOptions & Record<string, unknown> = {
      method: 'GET',
      headers,
      signal,
      ...(https
        ? {
            ca: this.conn.ca,
            cert: this.conn.cert,
            key: this.conn.key,
            rejectUnauthorized: !this.conn.insecureSkipVerify,
            servername: this.conn.serverName || undefined,
          }
        : {}),
    };
    return new Promise((resolve, reject) => {
      const req = (https ? httpsRequest : httpRequest)(url, options, resolve);
      req.on('error', reject);
      req.end();
    });
  }

  private static async body(res: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const c of res) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  /** GETs a JSON document; throws KubeApiError for a non-2xx answer. */
  async getJson(path: string, query: URLSearchParams, signal?: AbortSignal): Promise<unknown> {
    const res = await this.open(path, query, signal);
    const text = await KubeApiClient.body(res);
    if (Math.floor((res.statusCode ?? 0) / 100) !== 2) {
      throw new KubeApiError(res.statusCode ?? 0, `${res.statusCode} ${text.slice(0, 512)}`);
    }
    return JSON.parse(text);
  }

  /** Follows a watch until the server ends it (resolves) or it fails (rejects). */
  async watch(
    path: string,
    query: URLSearchParams,
    onEvent: (event: WatchEvent) => void,
    signal?: AbortSignal,
  ): Promise<void> {
    const res = await this.open(path, query, signal);
    if (Math.floor((res.statusCode ?? 0) / 100) !== 2) {
      const text = await KubeApiClient.body(res);
      throw new KubeApiError(res.statusCode ?? 0, `${res.statusCode} ${text.slice(0, 512)}`);
    }
    let pending = '';
    for await (const chunk of res) {
      pending += (chunk as Buffer).toString('utf8');
      let nl = pending.indexOf('\n');
      while (nl >= 0) {
        const line = pending.slice(0, nl).trim();
        pending = pending.slice(nl + 1);
        if (line !== '') onEvent(JSON.parse(line) as WatchEvent);
        nl = pending.indexOf('\n');
      }
    }
    if (pending.trim() !== '') onEvent(JSON.parse(pending) as WatchEvent);
  }
}

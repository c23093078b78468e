// A small HTTP POST client for the ruler's outgoing requests (Alertmanager
// notifications and remote write), with the TLS and authentication options
// Loki's clients take from their configuration.

import { readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { VERSION } from '../version.js';

export const USER_AGENT = `Skald/${VERSION}`;

export interface TlsOptions {
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  serverName?: string;
  insecureSkipVerify?: boolean;
}

export interface ClientAuth {
  basic?: { username: string; password: string };
  /** `Authorization: <type> <credentials>` (a bearer token is type Bearer). */
  authorization?: { type: string; credentials: string };
}

export interface PostResult {
  status: number;
  body: string;
}

function readIfSet(path: string | undefined): Buffer | undefined {
  return path ? readFileSync(path) : undefined;
}

/** Headers for the configured authentication. */
export function authHeaders(auth: ClientAuth): Record<string, string> {
  if (auth.basic) {
    const token = Buffer.from(`${auth.basic.username}:${auth.basic.password}`).toString('base64');
    return { Authorization: `Basic ${token}` };
  }
  if (auth.authorization && auth.authorization.credentials !== '') {
    return { Authorization: `${auth.authorization.type || 'Bearer'} ${auth.authorization.credentials}` };
  }
  return {};
}

/** POSTs `body`; resolves with the status and (at most 64 KiB of) the response body. */
export function post(
  url: URL,
  body: Buffer | string,
  headers: Record<string, string>,
  timeoutMs: number,
  tls: TlsOptions = {},
): Promise<PostResult> {
  return new Promise((resolve, reject) => {
    const payload = typeof body === 'string' ? Buffer.from(body) : body;
    const options: RequestOptions = {
      method: 'POST',
      headers: { 'User-Agent': USER_AGENT, ...headers, 'Content-Length': String(payload.length) },
      ...(timeoutMs > 0 ? { timeout: timeoutMs } : {}),
    };
    if (url.username !== '' && !Object.keys(headers).some((h) => h.toLowerCase() === 'authorization')) {
      const user = decodeURIComponent(url.username);
      const pass = decodeURIComponent(url.password);
      (options.headers as Record<string, string>).Authorization =
        `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
    }
    const target = new URL(url.href);
    target.username = '';
    target.password = '';
    if (target.protocol === 'https:') {
      Object.assign(options, {
        ca: readIfSet(tls.caFile),
        cert: readIfSet(tls.certFile),
        key: readIfSet(tls.keyFile),
        rejectUnauthorized: !tls.insecureSkipVerify,
        ...(tls.serverName ? { servername: tls.serverName } : {}),
      });
    }
    const req = (target.protocol === 'https:' ? httpsRequest : httpRequest)(target, options, (res: IncomingMessage) => {
      const parts: Buffer[] = [];
      let size = 0;
      res.on('data', (d: Buffer) => {
        if (size < 65536) parts.push(d);
        size += d.length;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('context deadline exceeded')));
    req.on('error', reject);
    req.end(payload);
  });
}

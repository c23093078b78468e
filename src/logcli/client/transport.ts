// HTTP requests as logcli's client makes them: no timeout, TLS settings from
// --ca-cert/--cert/--key/--tls-skip-verify, an optional proxy (--proxy-url, or
// HTTP_PROXY/HTTPS_PROXY/NO_PROXY with --envproxy), and response compression
// only when asked for (--compress). Errors read like Go's
// (`Get "http://...": dial tcp 127.0.0.1:3100: connect: connection refused`).
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import tls from 'node:tls';
import { gunzipSync, inflateSync } from 'node:zlib';

export interface TlsSettings {
  caFile: string;
  certFile: string;
  keyFile: string;
  insecureSkipVerify: boolean;
}

export interface TransportOptions {
  tls: TlsSettings;
  /** --proxy-url; takes precedence over the environment. */
  proxyUrl: string;
  /** --envproxy: HTTP_PROXY, HTTPS_PROXY and NO_PROXY from this environment. */
  envProxy: boolean;
  env: NodeJS.ProcessEnv;
  /** --compress: ask for gzip and decode it. */
  compress: boolean;
}

export interface HttpAnswer {
  status: number;
  body: Buffer;
}

/** A request that did not produce a response; the message is Go's wording. */
export class TransportError extends Error {}

interface TlsMaterial {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  rejectUnauthorized: boolean;
}

function loadTls(s: TlsSettings): TlsMaterial {
  const material: TlsMaterial = { rejectUnauthorized: !s.insecureSkipVerify };
  if (s.caFile) {
    try {
      material.ca = readFileSync(s.caFile);
    } catch (err) {
      throw new TransportError(`unable to load specified CA cert ${s.caFile}: ${goFileError(err, s.caFile)}`);
    }
  }
  if (s.certFile || s.keyFile) {
    if (!s.certFile || !s.keyFile) {
      throw new TransportError(
        s.certFile
          ? `client cert file "${s.certFile}" specified without client key file`
          : `client key file "${s.keyFile}" specified without client cert file`,
      );
    }
    try {
      material.cert = readFileSync(s.certFile);
      material.key = readFileSync(s.keyFile);
    } catch (err) {
      throw new TransportError(
        `unable to use specified client cert (${s.certFile}) & key (${s.keyFile}): ${goFileError(err, s.certFile)}`,
      );
    }
  }
  return material;
}

function goFileError(err: unknown, path: string): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `open ${path}: no such file or directory`;
  if (code === 'EACCES') return `open ${path}: permission denied`;
  return err instanceof Error ? err.message : String(err);
}

/** Go's ProxyFromEnvironment: the proxy for `target`, or null. Loopback is never proxied. */
export function environmentProxy(target: URL, env: NodeJS.ProcessEnv): string | null {
  const host = target.hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host === '::1' || /^127\./.test(host)) return null;
  const read = (name: string) => env[name] ?? env[name.toLowerCase()] ?? '';
  const proxy = target.protocol === 'https:' ? read('HTTPS_PROXY') : read('HTTP_PROXY');
  if (!proxy) return null;
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  for (const raw of read('NO_PROXY').split(',')) {
    const rule = raw.trim().toLowerCase();
    if (rule === '') continue;
    if (rule === '*') return null;
    const [ruleHost, rulePort] = rule.startsWith('[') ? [rule.slice(1, rule.indexOf(']')), ''] : rule.split(':');
    if (rulePort && rulePort !== port) continue;
    const bare = ruleHost.replace(/^\*?\./, '');
    if (host === bare || host.endsWith(`.${bare}`)) return null;
  }
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(proxy) ? proxy : `http://${proxy}`;
}

/** Go's method names in errors: `Get`, `Post`, `Delete`. */
function methodOp(method: string): string {
  return method[0] + method.slice(1).toLowerCase();
}

function describeNetworkError(err: unknown, target: URL): string {
  const e = err as NodeJS.ErrnoException & { address?: string; port?: number; hostname?: string };
  const host = target.hostname.replace(/^\[|\]$/g, '');
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  switch (e.code) {
    case 'ECONNREFUSED':
      return `dial tcp ${e.address ?? host}:${e.port ?? port}: connect: connection refused`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `dial tcp: lookup ${e.hostname ?? host}: no such host`;
    case 'ECONNRESET':
      return 'read: connection reset by peer';
    case 'ETIMEDOUT':
      return `dial tcp ${host}:${port}: i/o timeout`;
    default:
      return e.message ?? String(err);
  }
}

export class HttpTransport {
  private material: TlsMaterial | undefined;

  constructor(private readonly opts: TransportOptions) {}

  private tlsMaterial(): TlsMaterial {
    this.material ??= loadTls(this.opts.tls);
    return this.material;
  }

  /** The proxy URL to use for `target`, or null for a direct connection. */
  proxyFor(target: URL): URL | null {
    const raw = this.opts.proxyUrl || (this.opts.envProxy ? environmentProxy(target, this.opts.env) : null);
    return raw ? new URL(raw) : null;
  }

  /** TLS options for `ws` and direct HTTPS requests. */
  tlsOptions(): TlsMaterial {
    return this.tlsMaterial();
  }

  async request(method: string, url: string, headers: Record<string, string>): Promise<HttpAnswer> {
    const target = new URL(url);
    const material = this.tlsMaterial();
    const all = { ...headers };
    if (this.opts.compress) all['Accept-Encoding'] = 'gzip';
    try {
      return await this.send(method, target, all, material);
    } catch (err) {
      if (err instanceof TransportError) throw err;
      throw new TransportError(`${methodOp(method)} "${url}": ${describeNetworkError(err, target)}`);
    }
  }

  private async send(
    method: string,
    target: URL,
    headers: Record<string, string>,
    m: TlsMaterial,
  ): Promise<HttpAnswer> {
    const proxy = this.proxyFor(target);
    const secure = target.protocol === 'https:';
    const base: https.RequestOptions = {
      method,
      headers,
      ca: m.ca,
      cert: m.cert,
      key: m.key,
      rejectUnauthorized: m.rejectUnauthorized,
    };
    if (!proxy) {
      return this.exchange((secure ? https : http).request(target, { ...base, agent: false }));
    }
    const proxyAuth = proxyAuthorization(proxy);
    if (!secure) {
      // Plain HTTP goes to the proxy with the absolute URL as the request target.
      const viaProxy: http.RequestOptions = {
        ...base,
        agent: false,
        protocol: proxy.protocol,
        hostname: proxy.hostname.replace(/^\[|\]$/g, ''),
        port: proxy.port || (proxy.protocol === 'https:' ? 443 : 80),
        path: target.href,
        headers: { ...headers, Host: target.host, ...proxyAuth },
      };
      return this.exchange((proxy.protocol === 'https:' ? https : http).request(viaProxy));
    }
    const socket = await this.tunnel(proxy, target, proxyAuth);
    const secured = tls.connect({
      socket,
      servername: target.hostname,
      ca: m.ca,
      cert: m.cert,
      key: m.key,
      rejectUnauthorized: m.rejectUnauthorized,
    });
    return this.exchange(
      https.request(target, { ...base, agent: false, createConnection: () => secured } as https.RequestOptions),
    );
  }

  /** Opens a CONNECT tunnel through the proxy to the target's host and port. */
  tunnel(proxy: URL, target: URL, proxyAuth: Record<string, string>): Promise<Socket> {
    const authority = `${target.hostname}:${target.port || (target.protocol === 'https:' || target.protocol === 'wss:' ? 443 : 80)}`;
    const req = (proxy.protocol === 'https:' ? https : http).request({
      method: 'CONNECT',
      agent: false,
      hostname: proxy.hostname.replace(/^\[|\]$/g, ''),
      port: proxy.port || (proxy.protocol === 'https:' ? 443 : 80),
      path: authority,
      headers: { Host: authority, ...proxyAuth },
    });
    return new Promise((resolve, reject) => {
      req.once('connect', (res, socket) => {
        if (res.statusCode === 200) resolve(socket);
        else {
          socket.destroy();
          reject(new TransportError(`proxyconnect tcp: ${res.statusCode} ${res.statusMessage ?? ''}`.trim()));
        }
      });
      req.once('error', reject);
      req.end();
    });
  }

  private exchange(req: http.ClientRequest): Promise<HttpAnswer> {
    return new Promise((resolve, reject) => {
      req.once('error', reject);
      req.once('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.once('error', reject);
        res.once('end', () => {
          let body = Buffer.concat(chunks);
          const encoding = String(res.headers['content-encoding'] ?? '').toLowerCase();
          try {
            if (this.opts.compress && encoding === 'gzip') body = gunzipSync(body);
            else if (this.opts.compress && encoding === 'deflate') body = inflateSync(body);
          } catch (err) {
            reject(err);
            return;
          }
          resolve({ status: res.statusCode ?? 0, body });
        });
      });
      req.end();
    });
  }
}

/** `Proxy-Authorization` from the proxy URL's user information. */
export function proxyAuthorization(proxy: URL): Record<string, string> {
  if (!proxy.username) return {};
  const user = decodeURIComponent(proxy.username);
  const pass = decodeURIComponent(proxy.password);
  return { 'Proxy-Authorization': `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}` };
}

// One HTTP push to Loki: POST of a compressed batch with Promtail's headers
// (Content-Type application/x-protobuf, User-Agent, X-Scope-OrgID, custom
// headers) and the client's credentials and TLS settings, over kept-alive
// connections.
import { readFileSync } from 'node:fs';
import { Agent as HttpAgent, request as httpRequest, STATUS_CODES } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Logger } from '../../util/log.js';
import type { ClientConfig } from '../config/types.js';

export const CONTENT_TYPE = 'application/x-protobuf';
const MAX_ERROR_MESSAGE = 1024;

export interface SendResult {
  /** HTTP status, or -1 when no response arrived. */
  readonly status: number;
  /** Set unless the status was 2xx. */
  readonly error: Error | undefined;
}

function fileOrInline(inline: string, file: string): Buffer | undefined {
  if (inline !== '') return Buffer.from(inline);
  if (file !== '') return readFileSync(file);
  return undefined;
}

function readSecretFile(path: string): string {
  return readFileSync(path, 'utf8').trim();
}

export class HttpSender {
  private readonly url: URL;
  private readonly agent: HttpAgent | HttpsAgent;
  private readonly https: boolean;
  private warnedHeaders = new Set<string>();

  constructor(
    private readonly cfg: ClientConfig,
    private readonly userAgent: string,
    private readonly logger: Logger,
  ) {
    this.url = new URL(cfg.url);
    this.https = this.url.protocol === 'https:';
    if (this.https) {
      const tls = cfg.tls_config;
      this.agent = new HttpsAgent({
        keepAlive: true,
        ca: fileOrInline(tls.ca, tls.ca_file),
        cert: fileOrInline(tls.cert, tls.cert_file),
        key: fileOrInline(tls.key, tls.key_file),
        servername: tls.server_name || undefined,
        rejectUnauthorized: !tls.insecure_skip_verify,
        minVersion: tls.min_version ? (tls.min_version.replace('TLS1', 'TLSv1.') as 'TLSv1.2') : undefined,
      });
    } else {
      this.agent = new HttpAgent({ keepAlive: true });
    }
  }

  /** The Authorization header, reading credential files at each request as Prometheus' round trippers do. */
  private authorization(): string | undefined {
    const c = this.cfg;
    if (c.bearer_token !== '') return `Bearer ${c.bearer_token}`;
    if (c.bearer_token_file !== '') return `Bearer ${readSecretFile(c.bearer_token_file)}`;
    const a = c.authorization;
    if (a.credentials !== '' || a.credentials_file !== '') {
      const credentials = a.credentials !== '' ? a.credentials : readSecretFile(a.credentials_file);
      return `${a.type.trim() || 'Bearer'} ${credentials}`;
    }
    const b = c.basic_auth;
    if (b.username !== '' || b.username_file !== '') {
      const user = b.username !== '' ? b.username : readSecretFile(b.username_file);
      const password = b.password !== '' ? b.password : b.password_file !== '' ? readSecretFile(b.password_file) : '';
      return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    }
    return undefined;
  }

  private headers(tenant: string, length: number): Record<string, string> {
    const headers: Record<string, string> = {
      'Content-Type': CONTENT_TYPE,
      'User-Agent': this.userAgent,
      'Content-Length': String(length),
    };
    if (tenant !== '') headers['X-Scope-OrgID'] = tenant;
    const auth = this.authorization();
    if (auth !== undefined) headers.Authorization = auth;
    const present = new Set(Object.keys(headers).map((k) => k.toLowerCase()));
    for (const [k, v] of Object.entries(this.cfg.headers)) {
      if (present.has(k.toLowerCase())) {
        if (!this.warnedHeaders.has(k)) {
          this.warnedHeaders.add(k);
          this.logger.warn('custom header key already exists, skipping', { key: k });
        }
        continue;
      }
      headers[k] = v;
    }
    return headers;
  }

  /** Sends one request; never throws. `abort` cancels it (shutdown). */
  send(tenant: string, body: Buffer, timeoutMs: number, abort?: AbortSignal): Promise<SendResult> {
    let headers: Record<string, string>;
    try {
      headers = this.headers(tenant, body.length);
    } catch (err) {
      return Promise.resolve({ status: -1, error: err as Error });
    }
    return new Promise((resolve) => {
      let settled = false;
      // A plain timer and listener rather than AbortSignal.any/timeout, which build several event
      // targets and weak references per request that outlive young-generation collections.
      const timer = setTimeout(() => req.destroy(new Error(`request timed out after ${timeoutMs}ms`)), timeoutMs);
      const onAbort = () => req.destroy(new Error('request aborted'));
      abort?.addEventListener('abort', onAbort, { once: true });
      const finish = (r: SendResult) => {
        if (!settled) {
          settled = true;
          clearTimeout(timer);
          abort?.removeEventListener('abort', onAbort);
          resolve(r);
        }
      };
      const req = (this.https ? httpsRequest : httpRequest)(
        this.url,
        {
          method: 'POST',
          agent: this.agent,
          headers,
        },
        (res) => {
          const status = res.statusCode ?? 0;
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            if (size < MAX_ERROR_MESSAGE) chunks.push(c);
            size += c.length;
          });
          res.on('end', () => {
            if (Math.floor(status / 100) === 2) return finish({ status, error: undefined });
            const text = Buffer.concat(chunks).subarray(0, MAX_ERROR_MESSAGE).toString('utf8').split('\n')[0] ?? '';
            const statusText = `${status} ${STATUS_CODES[status] ?? ''}`.trim();
            finish({ status, error: new Error(`server returned HTTP status ${statusText} (${status}): ${text}`) });
          });
          res.on('error', (err) => finish({ status, error: err }));
        },
      );
      req.on('error', (err) => finish({ status: -1, error: err }));
      if (abort?.aborted) onAbort();
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

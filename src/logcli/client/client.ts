// logcli's Loki client: one method per API call, with logcli's parameters and
// encodings (times in nanoseconds, steps in float seconds, direction in upper
// case, `match` rather than `match[]`). Every request URL is logged to stderr
// unless --quiet, and any answer that is not 2xx is retried (--retries,
// --min-backoff, --max-backoff, in seconds) before the command gives up with
// "run out of attempts while querying the server".
import { formatGoFloatF } from '../../logql/syntax/gostrconv.js';
import { formatGoDuration } from '../../logql/syntax/units.js';
import type { StdLogger } from '../io.js';
import { Backoff } from './backoff.js';
import { type HeaderSettings, requestHeaders } from './headers.js';
import { QueryString } from './query-string.js';
import {
  type DeleteRequest,
  type DetectedFieldsResponse,
  decodeDeleteRequests,
  decodeDetectedFields,
  decodeIndexStats,
  decodeLabelResponse,
  decodeQueryResponse,
  decodeSeriesResponse,
  type IndexStats,
  type QueryResponse,
  ResponseFormatError,
} from './response.js';
import { HttpTransport, type TlsSettings } from './transport.js';

export type Direction = 'FORWARD' | 'BACKWARD';

export interface ClientConfig extends HeaderSettings {
  /** --addr */
  address: string;
  retries: number;
  /** Seconds. */
  minBackoff: number;
  /** Seconds. */
  maxBackoff: number;
  proxyUrl: string;
  envProxy: boolean;
  compress: boolean;
  tls: TlsSettings;
}

/** A request that failed for good; the message is what logcli reports. */
export class ClientError extends Error {}

export interface VolumeRequest {
  query: string;
  startNs: bigint;
  endNs: bigint;
  limit: number;
  /** Nanoseconds; 0 for an instant volume. */
  stepNs: bigint;
  targetLabels: readonly string[];
  aggregateByLabels: boolean;
  quiet: boolean;
}

export interface DetectedFieldsRequest {
  query: string;
  fieldName: string;
  limit: number;
  lineLimit: number;
  startNs: bigint;
  endNs: bigint;
  stepNs: bigint;
  quiet: boolean;
}

export interface DeleteCreateRequest {
  query: string;
  /** Unix seconds as text; empty to leave out. */
  start: string;
  end: string;
  maxInterval: string;
}

export interface TailConnection {
  url: string;
  headers: Record<string, string>;
  transport: HttpTransport;
}

const API = '/loki/api/v1';

/** Go's strconv.FormatFloat(d.Seconds(), 'f', -1, 64) of a duration in nanoseconds. */
export function durationSeconds(ns: bigint): string {
  const whole = ns / 1_000_000_000n;
  return formatGoFloatF(Number(whole) + Number(ns - whole * 1_000_000_000n) / 1e9);
}

/** logcli's buildURL: the address, its path joined with the API path, and the query string. */
export function buildUrl(address: string, path: string, query: string): string {
  let u: URL;
  try {
    u = new URL(address);
  } catch {
    throw new ClientError(`parse ${JSON.stringify(address)}: invalid URL`);
  }
  const joined = `${u.pathname}/${path}`.replace(/\/+/g, '/').replace(/(.)\/$/, '$1');
  u.pathname = joined;
  u.search = query;
  u.hash = '';
  return u.href;
}

export class LokiClient {
  readonly transport: HttpTransport;

  constructor(
    private readonly cfg: ClientConfig,
    private readonly log: StdLogger,
    env: NodeJS.ProcessEnv,
    private readonly signal?: AbortSignal,
  ) {
    this.transport = new HttpTransport({
      tls: cfg.tls,
      proxyUrl: cfg.proxyUrl,
      envProxy: cfg.envProxy,
      env,
      compress: cfg.compress,
    });
  }

  async query(
    query: string,
    limit: number,
    timeNs: bigint,
    direction: Direction,
    quiet: boolean,
  ): Promise<QueryResponse> {
    const qs = new QueryString()
      .set('query', query)
      .set('limit', limit)
      .set('time', timeNs)
      .set('direction', direction);
    return decodeQueryResponse(await this.getJson(`${API}/query`, qs, quiet));
  }

  async queryRange(
    query: string,
    limit: number,
    startNs: bigint,
    endNs: bigint,
    direction: Direction,
    stepNs: bigint,
    intervalNs: bigint,
    quiet: boolean,
  ): Promise<QueryResponse> {
    const qs = new QueryString()
      .set('query', query)
      .set('limit', limit)
      .set('start', startNs)
      .set('end', endNs)
      .set('direction', direction);
    // Without a step the server picks its default.
    if (stepNs !== 0n) qs.set('step', durationSeconds(stepNs));
    if (intervalNs !== 0n) qs.set('interval', durationSeconds(intervalNs));
    return decodeQueryResponse(await this.getJson(`${API}/query_range`, qs, quiet));
  }

  async labelNames(quiet: boolean, startNs: bigint, endNs: bigint): Promise<string[]> {
    const qs = new QueryString().set('start', startNs).set('end', endNs);
    return decodeLabelResponse(await this.getJson(`${API}/labels`, qs, quiet));
  }

  async labelValues(name: string, quiet: boolean, startNs: bigint, endNs: bigint): Promise<string[]> {
    const qs = new QueryString().set('start', startNs).set('end', endNs);
    return decodeLabelResponse(await this.getJson(`${API}/label/${encodeURIComponent(name)}/values`, qs, quiet));
  }

  async series(matchers: readonly string[], startNs: bigint, endNs: bigint, quiet: boolean) {
    const qs = new QueryString().set('start', startNs).set('end', endNs);
    for (const m of matchers) qs.add('match', m);
    return decodeSeriesResponse(await this.getJson(`${API}/series`, qs, quiet));
  }

  async indexStats(query: string, startNs: bigint, endNs: bigint, quiet: boolean): Promise<IndexStats> {
    const qs = new QueryString().set('start', startNs).set('end', endNs).set('query', query);
    return decodeIndexStats(await this.getJson(`${API}/index/stats`, qs, quiet));
  }

  async volume(req: VolumeRequest, range: boolean): Promise<QueryResponse> {
    const qs = new QueryString()
      .set('start', req.startNs)
      .set('end', req.endNs)
      .set('query', req.query)
      .set('limit', req.limit);
    // Whole seconds, as logcli sends them.
    if (req.stepNs !== 0n) qs.set('step', (req.stepNs / 1_000_000_000n).toString());
    if (req.targetLabels.length > 0) qs.set('targetLabels', req.targetLabels.join(','));
    if (req.aggregateByLabels) qs.set('aggregateBy', 'labels');
    const path = range ? `${API}/index/volume_range` : `${API}/index/volume`;
    return decodeQueryResponse(await this.getJson(path, qs, req.quiet));
  }

  async detectedFields(req: DetectedFieldsRequest): Promise<DetectedFieldsResponse> {
    const qs = new QueryString()
      .set('query', req.query)
      .set('limit', req.limit)
      .set('line_limit', req.lineLimit)
      .set('start', req.startNs)
      .set('end', req.endNs);
    if (req.stepNs !== 0n) qs.set('step', formatGoDuration(req.stepNs));
    const path =
      req.fieldName === ''
        ? `${API}/detected_fields`
        : `${API}/detected_field/${encodeURIComponent(req.fieldName)}/values`;
    return decodeDetectedFields(await this.getJson(path, qs, req.quiet));
  }

  async createDeleteRequest(req: DeleteCreateRequest, quiet: boolean): Promise<void> {
    const qs = new QueryString().set('query', req.query);
    if (req.start !== '') qs.set('start', req.start);
    if (req.end !== '') qs.set('end', req.end);
    if (req.maxInterval !== '') qs.set('max_interval', req.maxInterval);
    await this.send('POST', `${API}/delete`, qs, quiet);
  }

  async listDeleteRequests(quiet: boolean): Promise<DeleteRequest[] | null> {
    return decodeDeleteRequests(await this.getJson(`${API}/delete`, new QueryString(), quiet));
  }

  async cancelDeleteRequest(requestId: string, force: boolean, quiet: boolean): Promise<void> {
    const qs = new QueryString().set('request_id', requestId);
    if (force) qs.set('force', 'true');
    await this.send('DELETE', `${API}/delete`, qs, quiet);
  }

  /** The WebSocket URL and headers of a tail request; the URL is logged unless quiet. */
  tailConnection(query: string, delayForSec: number, limit: number, startNs: bigint, quiet: boolean): TailConnection {
    const qs = new QueryString().set('query', query);
    if (delayForSec !== 0) qs.set('delay_for', delayForSec);
    qs.set('limit', limit).set('start', startNs);
    let url = buildUrl(this.cfg.address, `${API}/tail`, qs.encode());
    if (url.startsWith('http')) url = `ws${url.slice(4)}`;
    if (!quiet) this.log.print(url);
    return { url, headers: this.headers(), transport: this.transport };
  }

  private headers(): Record<string, string> {
    try {
      return requestHeaders(this.cfg);
    } catch (err) {
      throw new ClientError((err as Error).message);
    }
  }

  private async getJson(path: string, qs: QueryString, quiet: boolean): Promise<unknown> {
    const body = await this.send('GET', path, qs, quiet);
    try {
      return JSON.parse(body.toString('utf8'));
    } catch (err) {
      throw new ResponseFormatError((err as Error).message);
    }
  }

  private async send(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    qs: QueryString,
    quiet: boolean,
  ): Promise<Buffer> {
    const url = buildUrl(this.cfg.address, path, qs.encode());
    if (!quiet) this.log.print(url);
    const headers = this.headers();
    try {
      this.transport.tlsOptions();
    } catch (err) {
      throw new ClientError((err as Error).message);
    }
    const backoff = new Backoff(
      {
        minBackoffMs: this.cfg.minBackoff * 1000,
        maxBackoffMs: this.cfg.maxBackoff * 1000,
        maxRetries: this.cfg.retries + 1,
      },
      this.signal,
    );
    // logcli words the failure of a GET in lower case and the others in upper case.
    const errorWord = method === 'GET' ? 'error' : 'Error';
    while (backoff.ongoing()) {
      let answer: { status: number; body: Buffer };
      try {
        answer = await this.transport.request(method, url, headers);
      } catch (err) {
        this.log.print(`error sending request ${(err as Error).message}`);
        await backoff.wait();
        continue;
      }
      if (Math.floor(answer.status / 100) !== 2) {
        const remaining = this.cfg.retries - backoff.numRetries();
        this.log.print(
          `${errorWord} response from server: ${answer.body.toString('utf8')} (<nil>) attempts remaining: ${remaining}`,
        );
        await backoff.wait();
        continue;
      }
      return answer.body;
    }
    throw new ClientError('run out of attempts while querying the server');
  }
}

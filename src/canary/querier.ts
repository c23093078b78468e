// The canary's queries to Loki: `query_range` for the timestamps of its own entries (missing-entry
// confirmation and spot checks) and an instant `count_over_time` (metric and cache tests). After a
// non-2xx answer every query waits: five minutes after a 429, otherwise an exponential backoff
// from 1s to 10m that resets on the next success, as loki-canary's reader does.

import { formatGoDuration } from '../config/values/duration.js';
import { Backoff } from './backoff.js';
import { sleep } from './clock.js';
import type { TextSink } from './entry-writer.js';
import { goQueryEscape } from './go-format.js';
import type { LokiHttpClient } from './http-client.js';
import { buildCountOverTimeQuery, buildLogQuery } from './label-selector.js';
import { parseEntryTimestamp } from './line.js';

/** What the comparator needs from Loki. */
export interface LokiReader {
  /** Timestamps of the canary's entries between start and end (nanoseconds), at most 1000. */
  query(startNs: bigint, endNs: bigint): Promise<bigint[]>;
  /** The single sample of `count_over_time(<selector>[range])` at `atNs`; `cache: false` asks Loki to bypass its caches. */
  queryCountOverTime(range: string, atNs: bigint, cache: boolean): Promise<number>;
}

export interface QuerierConfig {
  readonly client: LokiHttpClient;
  readonly selector: string;
  readonly queryAppend: string;
  readonly timeoutMs: number;
  readonly userAgent: string;
  /** Where the queries made are logged. */
  readonly log: TextSink;
  /** Aborts waiting and in-flight queries when the canary stops. */
  readonly signal?: AbortSignal;
}

const QUERY_LIMIT = '1000';
const TOO_MANY_REQUESTS_WAIT_MS = 5 * 60_000;
const POLL_MS = 50;

export class LokiQuerier implements LokiReader {
  private readonly backoff = new Backoff({ minMs: 1000, maxMs: 10 * 60_000, maxRetries: 0 });
  private nextQueryAtMs = Date.now();

  constructor(private readonly cfg: QuerierConfig) {}

  async query(startNs: bigint, endNs: bigint): Promise<bigint[]> {
    await this.waitForBackoff();
    const rawQuery =
      `start=${startNs}&end=${endNs}` +
      `&query=${goQueryEscape(buildLogQuery(this.cfg.selector, this.cfg.queryAppend))}` +
      `&limit=${QUERY_LIMIT}`;
    this.cfg.log.write(
      `Querying loki for logs with query: ${this.cfg.client.url('/loki/api/v1/query_range', rawQuery)}\n`,
    );
    const body = await this.get('/loki/api/v1/query_range', rawQuery, {}, 'query_range request failed');
    const data = resultOf(body);
    if (data.resultType !== 'streams') {
      throw new Error(`unexpected result type, expected a log stream result instead received ${data.resultType}`);
    }
    const timestamps: bigint[] = [];
    for (const stream of asArray(data.result)) {
      for (const value of asArray((stream as { values?: unknown }).values)) {
        const line = asArray(value)[1];
        try {
          timestamps.push(parseEntryTimestamp(typeof line === 'string' ? line : ''));
        } catch (err) {
          this.cfg.log.write(`${(err as Error).message}\n`);
        }
      }
    }
    return timestamps;
  }

  async queryCountOverTime(range: string, atNs: bigint, cache: boolean): Promise<number> {
    await this.waitForBackoff();
    const query = buildCountOverTimeQuery(this.cfg.selector, this.cfg.queryAppend, range);
    const rawQuery = `query=${goQueryEscape(query)}&time=${atNs}&limit=${QUERY_LIMIT}`;
    this.cfg.log.write(
      `Querying loki for metric count with query: ${this.cfg.client.url('/loki/api/v1/query', rawQuery)}, cache: ${cache}\n`,
    );
    const headers: Record<string, string> = cache ? {} : { 'Cache-Control': 'no-cache' };
    const body = await this.get('/loki/api/v1/query', rawQuery, headers, 'query request failed');
    const data = resultOf(body);
    if (data.resultType !== 'vector') {
      throw new Error(`unexpected result type, expected a Vector result instead received ${data.resultType}`);
    }
    const series = asArray(data.result);
    if (series.length > 1) {
      throw new Error(
        `expected only a single series result in the metric test query vector, instead received ${series.length}`,
      );
    }
    if (series.length === 0) throw new Error('expected to receive one sample in the result vector, received 0');
    const sample = asArray((series[0] as { value?: unknown }).value)[1];
    return Number.parseFloat(String(sample));
  }

  private async get(
    path: string,
    rawQuery: string,
    headers: Record<string, string>,
    failure: string,
  ): Promise<unknown> {
    let res: Awaited<ReturnType<LokiHttpClient['request']>>;
    try {
      res = await this.cfg.client.request({
        method: 'GET',
        path,
        rawQuery,
        headers: { 'User-Agent': this.cfg.userAgent, ...headers },
        timeoutMs: this.cfg.timeoutMs,
        signal: this.cfg.signal,
      });
    } catch (err) {
      throw new Error(`${failure}: ${(err as Error).message}`);
    }
    if (Math.trunc(res.status / 100) !== 2) {
      this.delayNextQuery(res.status);
      throw new Error(`error response from server: ${res.body.toString('utf8')} (<nil>)`);
    }
    this.backoff.reset();
    return JSON.parse(res.body.toString('utf8')) as unknown;
  }

  private delayNextQuery(status: number): void {
    const waitMs = status === 429 ? TOO_MANY_REQUESTS_WAIT_MS : this.backoff.nextDelay();
    this.nextQueryAtMs = Date.now() + waitMs;
    this.cfg.log.write(
      `Loki returned an error code: ${status}, waiting ${formatGoDuration(waitMs)} before next query.\n`,
    );
  }

  /** Blocks while an earlier failure's back-off is running (re-read: other queries may extend it). */
  private async waitForBackoff(): Promise<void> {
    while (Date.now() < this.nextQueryAtMs) {
      if (this.cfg.signal?.aborted) throw new Error('context canceled');
      await sleep(Math.min(POLL_MS, this.nextQueryAtMs - Date.now()), this.cfg.signal);
    }
  }
}

interface QueryData {
  readonly resultType: string;
  readonly result: unknown;
}

function resultOf(body: unknown): QueryData {
  const data = (body as { data?: { resultType?: unknown; result?: unknown } } | null)?.data;
  return { resultType: String(data?.resultType ?? ''), result: data?.result };
}

function asArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

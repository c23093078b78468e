// A QueryHandler that asks another Skald (or Loki) over its HTTP query API:
// what a frontend in one process uses to reach queriers in others. Requests
// are Loki's `query_range` / `query` with the tenant in X-Scope-OrgID; errors
// come back with the remote status and message, so a client sees what it
// would have seen asking the querier itself.
import { CATEGORIZE_LABELS, ENCODING_FLAGS_HEADER } from '../server/encoding-flags.js';
import { HttpError } from '../server/http-error.js';
import type { InstantQuery, QueryHandler, QueryResponse, RangeQuery } from './handler.js';
import { statsFromJSON } from './stats.js';

export interface HttpQuerierOptions {
  /** Base URL of the querier, e.g. `http://querier:3100`. */
  url: string;
  /** Extra headers for every request (authentication of a proxy in between). */
  headers?: Readonly<Record<string, string>>;
  /** Deadline of one request in ms; 0 or absent for none (the caller's signal still applies). */
  timeoutMs?: number;
}

const NS_PER_MS = 1_000_000n;

/** A duration parameter: milliseconds as a Prometheus duration when exact, else float seconds. */
export function durationParam(ns: bigint): string {
  if (ns % NS_PER_MS === 0n) return `${ns / NS_PER_MS}ms`;
  const sec = ns / 1_000_000_000n;
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0');
  return `${sec}.${frac}`;
}

const RESULT_TYPES = new Set(['streams', 'matrix', 'vector', 'scalar']);

interface AnswerBody {
  status?: string;
  warnings?: unknown;
  data?: { resultType?: string; result?: unknown; stats?: unknown };
}

/**
 * A successful answer as a QueryResponse. The `data.result` text is taken
 * from the body as it came (Skald and Loki write `result` just before
 * `stats`), so the answer passes through byte for byte; anything else is
 * re-encoded from the parsed body.
 */
export function parseAnswer(body: string): QueryResponse {
  const parsed = JSON.parse(body) as AnswerBody;
  const data = parsed.data;
  const resultType = data?.resultType;
  if (parsed.status !== 'success' || !data || !resultType || !RESULT_TYPES.has(resultType)) {
    throw new HttpError(502, `unexpected answer from querier: ${body.slice(0, 200)}`);
  }
  let result = JSON.stringify(data.result ?? []);
  const from = body.indexOf('"result":');
  const to = body.lastIndexOf(',"stats":');
  if (from >= 0 && to > from) {
    const raw = body.slice(from + 9, to);
    if (raw.startsWith('[') && raw.endsWith(']')) result = raw;
  }
  const warnings = Array.isArray(parsed.warnings) ? parsed.warnings.map(String) : [];
  return { resultType: resultType as QueryResponse['resultType'], result, stats: statsFromJSON(data.stats), warnings };
}

export class HttpQuerier implements QueryHandler {
  private readonly base: string;

  constructor(private readonly opts: HttpQuerierOptions) {
    this.base = opts.url.replace(/\/+$/, '');
  }

  rangeQuery(tenant: string, q: RangeQuery, signal: AbortSignal): Promise<QueryResponse> {
    const form = new URLSearchParams({
      query: q.query,
      start: q.startNs.toString(),
      end: q.endNs.toString(),
      limit: String(q.limit),
      direction: q.direction,
      step: durationParam(q.stepNs),
    });
    if (q.intervalNs > 0n) form.set('interval', durationParam(q.intervalNs));
    return this.post('/loki/api/v1/query_range', tenant, form, signal, q.categorizeLabels === true);
  }

  instantQuery(tenant: string, q: InstantQuery, signal: AbortSignal): Promise<QueryResponse> {
    const form = new URLSearchParams({
      query: q.query,
      time: q.timeNs.toString(),
      limit: String(q.limit),
      direction: q.direction,
    });
    return this.post('/loki/api/v1/query', tenant, form, signal, q.categorizeLabels === true);
  }

  private async post(
    path: string,
    tenant: string,
    form: URLSearchParams,
    signal: AbortSignal,
    categorizeLabels: boolean,
  ): Promise<QueryResponse> {
    const timeout = this.opts.timeoutMs && this.opts.timeoutMs > 0 ? AbortSignal.timeout(this.opts.timeoutMs) : null;
    const headers: Record<string, string> = {
      ...this.opts.headers,
      'X-Scope-OrgID': tenant,
      'Content-Type': 'application/x-www-form-urlencoded',
    };
    // The querier categorizes; the answer's encodingFlags are written again by whoever answers the client.
    if (categorizeLabels) headers[ENCODING_FLAGS_HEADER] = CATEGORIZE_LABELS;
    const res = await fetch(`${this.base}${path}`, {
      method: 'POST',
      // Form-encoded POST: Loki and Skald accept it, and long queries do not hit URL length limits.
      headers,
      body: form.toString(),
      signal: timeout ? AbortSignal.any([signal, timeout]) : signal,
    });
    const body = await res.text();
    if (!res.ok) throw new HttpError(res.status, body.trim() || res.statusText);
    return parseAnswer(body);
  }
}

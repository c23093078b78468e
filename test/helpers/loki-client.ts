// A minimal Loki HTTP client for end-to-end tests: pushes in both wire formats
// and queries, returning status, body and parsed JSON.
import snappy from 'snappy';
import { encodePushRequestProto } from '../../src/distributor/decode-protobuf.js';
import type { PushStream } from '../../src/distributor/push-request.js';

export interface Answer<T = unknown> {
  status: number;
  text: string;
  json: T;
}

async function answer<T>(res: Response): Promise<Answer<T>> {
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json: json as T };
}

export interface TestEntry {
  /** Nanoseconds since the epoch. */
  ts: bigint;
  line: string;
  metadata?: Record<string, string>;
}

export interface TestStream {
  labels: string;
  entries: TestEntry[];
}

function headers(tenant?: string, extra: Record<string, string> = {}): Record<string, string> {
  return tenant ? { 'X-Scope-OrgID': tenant, ...extra } : extra;
}

export function protoBody(streams: TestStream[]): Buffer {
  const req = {
    streams: streams.map(
      (s): PushStream => ({
        labels: s.labels,
        entries: s.entries.map((e) => ({
          sec: Number(e.ts / 1_000_000_000n),
          nanos: Number(e.ts % 1_000_000_000n),
          line: Buffer.from(e.line),
          structuredMetadata: Object.entries(e.metadata ?? {}).map(([name, value]) => ({ name, value })),
        })),
      }),
    ),
  };
  return snappy.compressSync(encodePushRequestProto(req));
}

export async function pushProto(url: string, streams: TestStream[], tenant?: string): Promise<Answer> {
  const res = await fetch(`${url}/loki/api/v1/push`, {
    method: 'POST',
    headers: headers(tenant, { 'Content-Type': 'application/x-protobuf' }),
    body: protoBody(streams),
  });
  return answer(res);
}

export async function pushJSON(
  url: string,
  body: unknown,
  tenant?: string,
  extra: Record<string, string> = {},
): Promise<Answer> {
  const res = await fetch(`${url}/loki/api/v1/push`, {
    method: 'POST',
    headers: headers(tenant, { 'Content-Type': 'application/json', ...extra }),
    body: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body),
  });
  return answer(res);
}

export interface StreamsResult {
  status: string;
  data: {
    resultType: string;
    result: Array<{ stream: Record<string, string>; values: [string, string][] }>;
    stats: unknown;
  };
}

export async function get<T = unknown>(
  url: string,
  path: string,
  params: Record<string, string | string[]> = {},
  tenant?: string,
): Promise<Answer<T>> {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) for (const x of Array.isArray(v) ? v : [v]) qs.append(k, x);
  const res = await fetch(`${url}${path}?${qs}`, { headers: headers(tenant) });
  return answer<T>(res);
}

export function queryRange(
  url: string,
  params: Record<string, string>,
  tenant?: string,
): Promise<Answer<StreamsResult>> {
  return get<StreamsResult>(url, '/loki/api/v1/query_range', params, tenant);
}

/** All lines of a streams result, newest first as returned, with their stream labels. */
export function linesOf(r: StreamsResult): Array<{ labels: Record<string, string>; ts: string; line: string }> {
  const out: Array<{ labels: Record<string, string>; ts: string; line: string }> = [];
  for (const s of r.data.result) for (const [ts, line] of s.values) out.push({ labels: s.stream, ts, line });
  return out;
}

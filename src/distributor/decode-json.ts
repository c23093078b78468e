// Decoding of JSON push requests: Loki's v1 shape
//   {"streams":[{"stream":{"app":"x"},"values":[["<ns>","line",{"k":"v"}]]}]}
// and the legacy /api/prom/push shape
//   {"streams":[{"labels":"{app=\"x\"}","entries":[{"ts":"<RFC3339Nano>","line":"..."}]}]}
import { type Label, labelsToString, sortLabels } from '../util/labels.js';
import { parseRFC3339Nano } from '../util/time.js';
import type { PushEntry, PushRequest, PushStream } from './push-request.js';

export class PushDecodeError extends Error {
  override name = 'PushDecodeError';
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseBody(body: Buffer): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new PushDecodeError(`failed to decode JSON push request: ${(err as Error).message}`);
  }
  if (!isObject(doc)) throw new PushDecodeError('failed to decode JSON push request: expected an object');
  return doc;
}

/** Splits a decimal nanosecond timestamp into seconds and nanoseconds without losing precision. */
export function splitNanos(text: string): { sec: number; nanos: number } {
  if (/^\d{1,19}$/.test(text)) {
    if (text.length <= 9) return { sec: 0, nanos: Number(text) };
    return { sec: Number(text.slice(0, -9)), nanos: Number(text.slice(-9)) };
  }
  if (/^-\d{1,19}$/.test(text)) {
    const ns = BigInt(text);
    const sec = ns / 1_000_000_000n - (ns % 1_000_000_000n < 0n ? 1n : 0n);
    return { sec: Number(sec), nanos: Number(ns - sec * 1_000_000_000n) };
  }
  throw new PushDecodeError(`strconv.ParseInt: parsing ${JSON.stringify(text)}: invalid syntax`);
}

function structuredMetadataOf(v: unknown): Label[] {
  if (v === undefined || v === null) return [];
  if (!isObject(v)) throw new PushDecodeError('structured metadata must be an object of string values');
  const out: Label[] = [];
  for (const [name, value] of Object.entries(v)) {
    if (typeof value !== 'string') throw new PushDecodeError(`structured metadata value of "${name}" must be a string`);
    out.push({ name, value });
  }
  return out;
}

/** Decodes a v1 JSON push request body. */
export function decodePushRequestJSON(body: Buffer): PushRequest {
  const doc = parseBody(body);
  const rawStreams = doc.streams ?? [];
  if (!Array.isArray(rawStreams)) throw new PushDecodeError('"streams" must be an array');
  const streams: PushStream[] = [];
  for (const rs of rawStreams) {
    if (!isObject(rs)) throw new PushDecodeError('each stream must be an object');
    const labelMap = rs.stream ?? {};
    if (!isObject(labelMap)) throw new PushDecodeError('"stream" must be an object of label names to values');
    const labels: Label[] = [];
    for (const [name, value] of Object.entries(labelMap)) {
      if (typeof value !== 'string') throw new PushDecodeError(`label value of "${name}" must be a string`);
      labels.push({ name, value });
    }
    const values = rs.values ?? [];
    if (!Array.isArray(values)) throw new PushDecodeError('"values" must be an array');
    const entries: PushEntry[] = [];
    for (const v of values) {
      if (!Array.isArray(v) || v.length < 2 || v.length > 3) {
        throw new PushDecodeError(
          'each value must be an array of [timestamp, line] or [timestamp, line, structured metadata]',
        );
      }
      const [ts, line, meta] = v as unknown[];
      if (typeof ts !== 'string') throw new PushDecodeError('the timestamp of a value must be a string of nanoseconds');
      if (typeof line !== 'string') throw new PushDecodeError('the line of a value must be a string');
      const { sec, nanos } = splitNanos(ts);
      entries.push({ sec, nanos, line: Buffer.from(line, 'utf8'), structuredMetadata: structuredMetadataOf(meta) });
    }
    streams.push({ labels: labelsToString(sortLabels(labels)), entries });
  }
  return { streams };
}

/** Decodes the legacy JSON push request body of /api/prom/push. */
export function decodeLegacyPushRequestJSON(body: Buffer): PushRequest {
  const doc = parseBody(body);
  const rawStreams = doc.streams ?? [];
  if (!Array.isArray(rawStreams)) throw new PushDecodeError('"streams" must be an array');
  const streams: PushStream[] = [];
  for (const rs of rawStreams) {
    if (!isObject(rs) || typeof rs.labels !== 'string')
      throw new PushDecodeError('each stream needs a "labels" string');
    const rawEntries = rs.entries ?? [];
    if (!Array.isArray(rawEntries)) throw new PushDecodeError('"entries" must be an array');
    const entries: PushEntry[] = [];
    for (const re of rawEntries) {
      if (!isObject(re) || typeof re.ts !== 'string' || typeof re.line !== 'string') {
        throw new PushDecodeError('each entry needs "ts" (RFC3339Nano) and "line" strings');
      }
      const ns = parseRFC3339Nano(re.ts);
      if (ns === null) throw new PushDecodeError(`parsing time ${JSON.stringify(re.ts)} as RFC3339Nano failed`);
      const sec = ns / 1_000_000_000n;
      entries.push({
        sec: Number(sec),
        nanos: Number(ns - sec * 1_000_000_000n),
        line: Buffer.from(re.line),
        structuredMetadata: [],
      });
    }
    streams.push({ labels: rs.labels, entries });
  }
  return { streams };
}

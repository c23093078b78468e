// The decoded form of a push request, whatever its wire format (protobuf,
// JSON, OTLP). Lines stay Buffers: for protobuf pushes they are slices of the
// decompressed request, so no line is copied or decoded before the ingester
// writes it into a chunk.
import type { Label } from '../util/labels.js';

export interface PushEntry {
  /** Whole seconds since the epoch. */
  sec: number;
  /** Nanoseconds within the second, 0..999999999. */
  nanos: number;
  line: Buffer;
  /** Structured metadata, in the order it was sent (may be empty). */
  structuredMetadata: readonly Label[];
}

export interface PushStream {
  /** Labels in the Prometheus text form `{a="b"}`, exactly as the client sent them. */
  labels: string;
  entries: PushEntry[];
}

export interface PushRequest {
  streams: PushStream[];
}

/** Bytes an entry counts for in rate limits and discard metrics: line plus structured metadata (as Loki). */
export function entrySize(e: PushEntry): number {
  let n = e.line.length;
  for (const l of e.structuredMetadata) n += Buffer.byteLength(l.name) + Buffer.byteLength(l.value);
  return n;
}

export function streamSize(s: PushStream): number {
  let n = 0;
  for (const e of s.entries) n += entrySize(e);
  return n;
}

// Decoding of Loki's protobuf push request (logproto.PushRequest) with
// protobufjs, from the `.proto` in proto/push.proto.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import type { PushEntry, PushRequest, PushStream } from './push-request.js';

// int64 fields decode to plain numbers rather than Long objects: seconds since
// the epoch fit in a double exactly, and it saves an object per entry.
protobuf.util.Long = undefined as unknown as typeof protobuf.util.Long;
protobuf.configure();

function protoPath(name: string): string {
  for (const rel of [`../../proto/${name}`, `../proto/${name}`]) {
    const p = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(p)) return p;
  }
  throw new Error(`cannot find proto/${name}`);
}

const root = protobuf.loadSync(protoPath('push.proto'));
export const PushRequestType = root.lookupType('logproto.PushRequest');

interface WireTimestamp {
  seconds?: number;
  nanos?: number;
}
interface WireEntry {
  timestamp?: WireTimestamp | null;
  line: Uint8Array;
  structuredMetadata: Array<{ name: string; value: string }>;
}
interface WireStream {
  labels: string;
  entries: WireEntry[];
}
interface WireRequest {
  streams: WireStream[];
}

const EMPTY: never[] = [];

/** Decodes an uncompressed PushRequest; throws on malformed input. */
export function decodePushRequestProto(body: Buffer): PushRequest {
  const msg = PushRequestType.decode(body) as unknown as WireRequest;
  const streams: PushStream[] = new Array(msg.streams.length);
  for (let i = 0; i < msg.streams.length; i++) {
    const ws = msg.streams[i]!;
    const entries: PushEntry[] = new Array(ws.entries.length);
    for (let j = 0; j < ws.entries.length; j++) {
      const we = ws.entries[j]!;
      const ts = we.timestamp;
      entries[j] = {
        sec: ts?.seconds ?? 0,
        nanos: ts?.nanos ?? 0,
        line: asBuffer(we.line),
        structuredMetadata: we.structuredMetadata.length ? we.structuredMetadata : EMPTY,
      };
    }
    streams[i] = { labels: ws.labels, entries };
  }
  return { streams };
}

function asBuffer(u: Uint8Array): Buffer {
  return Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}

/** Encodes a PushRequest (used by Skald's own clients: agent, canary, tests). */
export function encodePushRequestProto(req: PushRequest): Buffer {
  const wire: WireRequest = {
    streams: req.streams.map((s) => ({
      labels: s.labels,
      entries: s.entries.map((e) => ({
        timestamp: { seconds: e.sec, nanos: e.nanos },
        line: e.line,
        structuredMetadata: [...e.structuredMetadata],
      })),
    })),
  };
  const bytes = PushRequestType.encode(wire as unknown as protobuf.Message).finish();
  // A view of the encoder's output, not a copy (batches are megabytes).
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

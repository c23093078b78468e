// A stand-in for Loki in tests: an HTTP server on a random loopback port
// that records push requests, decoding them with its own protobuf
// wire-format reader (deliberately not the encoder's library), and answers
// with scripted statuses. Not used by the agent itself.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import snappy from 'snappy';

export interface WireEntry {
  seconds: bigint;
  nanos: number;
  line: string;
  structuredMetadata: Array<{ name: string; value: string }>;
}

export interface WireStream {
  labels: string;
  entries: WireEntry[];
}

export interface RecordedPush {
  path: string;
  headers: IncomingHttpHeaders;
  streams: WireStream[];
  status: number;
}

class WireReader {
  pos = 0;
  constructor(readonly buf: Buffer) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.pos >= this.buf.length) throw new Error('truncated varint');
      const b = this.buf[this.pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
    }
  }

  /** Field number and wire type of the next field. */
  tag(): { field: number; wire: number } {
    const t = Number(this.varint());
    return { field: t >>> 3, wire: t & 7 };
  }

  bytes(): Buffer {
    const len = Number(this.varint());
    const out = this.buf.subarray(this.pos, this.pos + len);
    if (out.length !== len) throw new Error('truncated field');
    this.pos += len;
    return out;
  }

  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.bytes();
    else if (wire === 5) this.pos += 4;
    else throw new Error(`unknown wire type ${wire}`);
  }
}

function decodeLabelPair(buf: Buffer): { name: string; value: string } {
  const r = new WireReader(buf);
  const out = { name: '', value: '' };
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === 2) out.name = r.bytes().toString('utf8');
    else if (field === 2 && wire === 2) out.value = r.bytes().toString('utf8');
    else r.skip(wire);
  }
  return out;
}

function decodeEntry(buf: Buffer): WireEntry {
  const r = new WireReader(buf);
  const e: WireEntry = { seconds: 0n, nanos: 0, line: '', structuredMetadata: [] };
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === 2) {
      const ts = new WireReader(r.bytes());
      while (!ts.done) {
        const t = ts.tag();
        if (t.field === 1 && t.wire === 0) e.seconds = BigInt.asIntN(64, ts.varint());
        else if (t.field === 2 && t.wire === 0) e.nanos = Number(BigInt.asIntN(32, ts.varint()));
        else ts.skip(t.wire);
      }
    } else if (field === 2 && wire === 2) e.line = r.bytes().toString('utf8');
    else if (field === 3 && wire === 2) e.structuredMetadata.push(decodeLabelPair(r.bytes()));
    else r.skip(wire);
  }
  return e;
}

function decodeStream(buf: Buffer): WireStream {
  const r = new WireReader(buf);
  const s: WireStream = { labels: '', entries: [] };
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === 2) s.labels = r.bytes().toString('utf8');
    else if (field === 2 && wire === 2) s.entries.push(decodeEntry(r.bytes()));
    else r.skip(wire);
  }
  return s;
}

/** Decodes an uncompressed logproto.PushRequest. */
export function decodePushRequest(buf: Buffer): WireStream[] {
  const r = new WireReader(buf);
  const streams: WireStream[] = [];
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === 2) streams.push(decodeStream(r.bytes()));
    else r.skip(wire);
  }
  return streams;
}

export interface PushServer {
  readonly url: string;
  readonly pushes: RecordedPush[];
  /** Statuses for the next requests, in order; afterwards 204. */
  respondWith(...statuses: number[]): void;
  /** Forgets recorded pushes and scripted statuses. */
  reset(): void;
  /** Every line received, in order, per stream labels. */
  lines(): Array<{ labels: string; line: string }>;
  close(): Promise<void>;
}

export async function startPushServer(): Promise<PushServer> {
  const pushes: RecordedPush[] = [];
  const script: number[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = script.shift() ?? 204;
      let streams: WireStream[] = [];
      try {
        streams = decodePushRequest(snappy.uncompressSync(Buffer.concat(chunks)) as Buffer);
      } catch {
        streams = [];
      }
      pushes.push({ path: req.url ?? '', headers: req.headers, streams, status });
      res.statusCode = status;
      res.end(status >= 300 ? `error ${status}\nsecond line` : '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/loki/api/v1/push`,
    pushes,
    respondWith: (...statuses) => script.push(...statuses),
    reset: () => {
      pushes.length = 0;
      script.length = 0;
    },
    lines: () =>
      pushes
        .filter((p) => p.status < 300)
        .flatMap((p) => p.streams.flatMap((s) => s.entries.map((e) => ({ labels: s.labels, line: e.line })))),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

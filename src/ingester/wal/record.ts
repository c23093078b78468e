// WAL records. Each record is framed as [u32 length][u32 crc32][payload], so a
// record torn by a crash mid-write is detected and dropped on replay (it was
// never acknowledged). Payload types:
//   1 entries:  the entries one push appended, per stream
//   2 series:   one stream and its in-memory chunks (checkpoints only)
import { crc32 } from 'node:zlib';
import type { Label } from '../../util/labels.js';
import { ByteReader, type ByteWriter } from '../../util/varint.js';

export const RECORD_ENTRIES = 1;
export const RECORD_SERIES = 2;
const FRAME_HEADER = 8;

export interface WalEntry {
  sec: number;
  nanos: number;
  line: Uint8Array;
  structuredMetadata: readonly Label[];
}

export interface WalStreamEntries {
  /** Canonical labels `{a="b"}`. */
  labels: string;
  entries: WalEntry[];
}

export interface EntriesRecord {
  type: typeof RECORD_ENTRIES;
  tenant: string;
  streams: WalStreamEntries[];
}

export interface SeriesRecord {
  type: typeof RECORD_SERIES;
  tenant: string;
  labels: string;
  /** Encoded chunk objects, oldest first. */
  chunks: Buffer[];
  /** Whether the last chunk was still open for appends. */
  lastChunkOpen: boolean;
}

export type WalRecord = EntriesRecord | SeriesRecord;

function frame(w: ByteWriter, start: number): void {
  const payload = w.buf.subarray(start + FRAME_HEADER, w.pos);
  w.buf.writeUInt32LE(payload.length, start);
  w.buf.writeUInt32LE(crc32(payload), start + 4);
}

function beginFrame(w: ByteWriter): number {
  const start = w.pos;
  w.u32(0);
  w.u32(0);
  return start;
}

/** Appends a framed entries record to `w`. */
export function writeEntriesRecord(w: ByteWriter, tenant: string, streams: readonly WalStreamEntries[]): void {
  const start = beginFrame(w);
  w.u8(RECORD_ENTRIES);
  w.string(tenant);
  w.uvarint(streams.length);
  for (const s of streams) {
    w.string(s.labels);
    w.uvarint(s.entries.length);
    for (const e of s.entries) {
      w.varint(e.sec);
      w.uvarint(e.nanos);
      w.lenBytes(e.line);
      w.uvarint(e.structuredMetadata.length);
      for (const l of e.structuredMetadata) {
        w.string(l.name);
        w.string(l.value);
      }
    }
  }
  frame(w, start);
}

/** Appends a framed series record to `w`. */
export function writeSeriesRecord(w: ByteWriter, rec: Omit<SeriesRecord, 'type'>): void {
  const start = beginFrame(w);
  w.u8(RECORD_SERIES);
  w.string(rec.tenant);
  w.string(rec.labels);
  w.u8(rec.lastChunkOpen ? 1 : 0);
  w.uvarint(rec.chunks.length);
  for (const c of rec.chunks) w.lenBytes(c);
  frame(w, start);
}

function decodePayload(p: Buffer): WalRecord {
  const r = new ByteReader(p);
  const type = r.u8();
  if (type === RECORD_ENTRIES) {
    const tenant = r.string();
    const n = r.uvarint();
    const streams: WalStreamEntries[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const labels = r.string();
      const k = r.uvarint();
      const entries: WalEntry[] = new Array(k);
      for (let j = 0; j < k; j++) {
        const sec = r.varint();
        const nanos = r.uvarint();
        const line = r.lenBytes();
        const m = r.uvarint();
        const structuredMetadata: Label[] = new Array(m);
        for (let x = 0; x < m; x++) structuredMetadata[x] = { name: r.string(), value: r.string() };
        entries[j] = { sec, nanos, line, structuredMetadata };
      }
      streams[i] = { labels, entries };
    }
    return { type: RECORD_ENTRIES, tenant, streams };
  }
  if (type === RECORD_SERIES) {
    const tenant = r.string();
    const labels = r.string();
    const lastChunkOpen = r.u8() === 1;
    const n = r.uvarint();
    const chunks: Buffer[] = new Array(n);
    for (let i = 0; i < n; i++) chunks[i] = r.lenBytes();
    return { type: RECORD_SERIES, tenant, labels, chunks, lastChunkOpen };
  }
  throw new Error(`unknown WAL record type ${type}`);
}

export interface ReadResult {
  records: WalRecord[];
  /** Bytes of valid records; anything after is a torn or corrupt tail. */
  validBytes: number;
  /** Why reading stopped early, if it did. */
  tailError?: string;
}

/** Decodes the framed records of a segment or checkpoint, stopping at the first torn or corrupt one. */
export function readRecords(buf: Buffer): ReadResult {
  const records: WalRecord[] = [];
  let pos = 0;
  while (pos < buf.length) {
    if (pos + FRAME_HEADER > buf.length) return { records, validBytes: pos, tailError: 'truncated record header' };
    const len = buf.readUInt32LE(pos);
    const crc = buf.readUInt32LE(pos + 4);
    const end = pos + FRAME_HEADER + len;
    if (end > buf.length) return { records, validBytes: pos, tailError: 'truncated record' };
    const payload = buf.subarray(pos + FRAME_HEADER, end);
    if (crc32(payload) !== crc) return { records, validBytes: pos, tailError: 'record checksum mismatch' };
    try {
      records.push(decodePayload(payload));
    } catch (err) {
      return { records, validBytes: pos, tailError: `undecodable record: ${(err as Error).message}` };
    }
    pos = end;
  }
  return { records, validBytes: pos };
}

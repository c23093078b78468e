// Index files: for one tenant and one table, the series (label sets) and the
// chunks that hold their entries, plus label postings so that a selector
// touches only the series it matches. Files are immutable once written; an
// ingester writes a new one each time it ships chunk references, and the
// compactor merges them. The byte layout is in docs/index-format.md.
import { crc32 } from 'node:zlib';
import type { Label, Labels } from '../../util/labels.js';
import { getOrCreate } from '../../util/maps.js';
import type { CompiledMatcher } from '../../util/matchers.js';
import { ByteReader, ByteWriter, CorruptDataError } from '../../util/varint.js';

export interface ChunkRef {
  /** First and last entry, in ms (from rounded down, through rounded up). */
  readonly fromMs: number;
  readonly throughMs: number;
  /** Checksum of the chunk object; with tenant, fingerprint and times it forms the key. */
  readonly checksum: number;
  readonly entries: number;
  /** Bytes of the chunk object. */
  readonly size: number;
  /** Uncompressed bytes of the lines. */
  readonly linesSize: number;
}

export interface IndexSeries {
  /** 16 hex digits. */
  readonly fp: string;
  readonly labels: Labels;
  readonly chunks: ChunkRef[];
}

const MAGIC = 0x31584b53; // "SKX1" little-endian
const VERSION = 1;
const FOOTER_SIZE = 16;

export class IndexCorruptError extends Error {
  override name = 'IndexCorruptError';
}

/** Serialises series (sorted by fingerprint) with their chunks and postings. */
export function encodeIndexFile(seriesIn: readonly IndexSeries[]): Buffer {
  const series = [...seriesIn].sort((a, b) => (a.fp < b.fp ? -1 : a.fp > b.fp ? 1 : 0));
  const symbolSet = new Set<string>();
  for (const s of series) {
    for (const l of s.labels) {
      symbolSet.add(l.name);
      symbolSet.add(l.value);
    }
  }
  const symbols = [...symbolSet].sort();
  const symbolId = new Map(symbols.map((s, i) => [s, i]));
  const postings = new Map<string, Map<string, number[]>>();

  const w = new ByteWriter(64 * 1024);
  w.u32(MAGIC);
  w.u8(VERSION);
  w.u8(0);
  w.u8(0);
  w.u8(0);
  const symbolsOffset = w.pos;
  w.uvarint(symbols.length);
  for (const s of symbols) w.string(s);

  const seriesOffset = w.pos;
  w.uvarint(series.length);
  series.forEach((s, id) => {
    w.bytes(Buffer.from(s.fp, 'hex'));
    w.uvarint(s.labels.length);
    for (const l of s.labels) {
      w.uvarint(symbolId.get(l.name)!);
      w.uvarint(symbolId.get(l.value)!);
      const byValue = getOrCreate(postings, l.name, () => new Map());
      const ids = getOrCreate(byValue, l.value, () => []);
      ids.push(id);
    }
    const chunks = [...s.chunks].sort((a, b) => a.fromMs - b.fromMs || a.throughMs - b.throughMs);
    w.uvarint(chunks.length);
    let prevFrom = 0;
    for (const c of chunks) {
      w.uvarint(c.fromMs - prevFrom);
      prevFrom = c.fromMs;
      w.uvarint(c.throughMs - c.fromMs);
      w.u32(c.checksum);
      w.uvarint(c.entries);
      w.uvarint(c.size);
      w.uvarint(c.linesSize);
    }
  });

  const postingsOffset = w.pos;
  const names = [...postings.keys()].sort();
  w.uvarint(names.length);
  for (const name of names) {
    const byValue = postings.get(name)!;
    w.uvarint(symbolId.get(name)!);
    const values = [...byValue.keys()].sort();
    w.uvarint(values.length);
    for (const value of values) {
      const ids = byValue.get(value)!;
      w.uvarint(symbolId.get(value)!);
      w.uvarint(ids.length);
      let prev = 0;
      for (const id of ids) {
        w.uvarint(id - prev);
        prev = id;
      }
    }
  }
  const bodyEnd = w.pos;
  w.u32(symbolsOffset);
  w.u32(seriesOffset);
  w.u32(postingsOffset);
  w.u32(crc32(w.buf.subarray(0, bodyEnd)));
  return w.toBuffer();
}

/** A parsed index file, queryable in memory. */
export class IndexFile {
  readonly series: IndexSeries[];
  /** label name -> label value -> ascending series ids */
  private readonly postings: Map<string, Map<string, Uint32Array>>;
  readonly minMs: number;
  readonly maxMs: number;
  readonly size: number;

  private constructor(series: IndexSeries[], postings: Map<string, Map<string, Uint32Array>>, size: number) {
    this.series = series;
    this.postings = postings;
    this.size = size;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const s of series) {
      for (const c of s.chunks) {
        if (c.fromMs < min) min = c.fromMs;
        if (c.throughMs > max) max = c.throughMs;
      }
    }
    this.minMs = min;
    this.maxMs = max;
  }

  static decode(buf: Buffer): IndexFile {
    if (buf.length < 8 + FOOTER_SIZE || buf.readUInt32LE(0) !== MAGIC)
      throw new IndexCorruptError('not an index file: bad magic number');
    if (buf[4] !== VERSION) throw new IndexCorruptError(`unsupported index file version ${buf[4]}`);
    const f = buf.length - FOOTER_SIZE;
    if (crc32(buf.subarray(0, f)) !== buf.readUInt32LE(f + 12))
      throw new IndexCorruptError('index file checksum mismatch');
    try {
      const r = new ByteReader(buf, buf.readUInt32LE(f), f);
      const nSymbols = r.uvarint();
      const symbols: string[] = new Array(nSymbols);
      for (let i = 0; i < nSymbols; i++) symbols[i] = r.string();
      const sym = (id: number): string => {
        const s = symbols[id];
        if (s === undefined) throw new CorruptDataError(`symbol ${id} out of range`);
        return s;
      };
      r.pos = buf.readUInt32LE(f + 4);
      const nSeries = r.uvarint();
      const series: IndexSeries[] = new Array(nSeries);
      for (let i = 0; i < nSeries; i++) {
        const fp = r.bytes(8).toString('hex');
        const nLabels = r.uvarint();
        const labels: Label[] = new Array(nLabels);
        for (let j = 0; j < nLabels; j++) labels[j] = { name: sym(r.uvarint()), value: sym(r.uvarint()) };
        const nChunks = r.uvarint();
        const chunks: ChunkRef[] = new Array(nChunks);
        let from = 0;
        for (let j = 0; j < nChunks; j++) {
          from += r.uvarint();
          const through = from + r.uvarint();
          chunks[j] = {
            fromMs: from,
            throughMs: through,
            checksum: r.u32(),
            entries: r.uvarint(),
            size: r.uvarint(),
            linesSize: r.uvarint(),
          };
        }
        series[i] = { fp, labels, chunks };
      }
      r.pos = buf.readUInt32LE(f + 8);
      const postings = new Map<string, Map<string, Uint32Array>>();
      const nNames = r.uvarint();
      for (let i = 0; i < nNames; i++) {
        const name = sym(r.uvarint());
        const byValue = new Map<string, Uint32Array>();
        const nValues = r.uvarint();
        for (let j = 0; j < nValues; j++) {
          const value = sym(r.uvarint());
          const n = r.uvarint();
          const ids = new Uint32Array(n);
          let id = 0;
          for (let k = 0; k < n; k++) {
            id += r.uvarint();
            if (id >= nSeries) throw new CorruptDataError('posting out of range');
            ids[k] = id;
          }
          byValue.set(value, ids);
        }
        postings.set(name, byValue);
      }
      return new IndexFile(series, postings, buf.length);
    } catch (err) {
      if (err instanceof IndexCorruptError) throw err;
      throw new IndexCorruptError(`index file: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** Ids of the series selected by all matchers (an empty matcher list selects all). */
  select(matchers: readonly CompiledMatcher[]): Uint32Array {
    let result: Uint32Array | null = null;
    // Matchers that select by value first: they narrow fastest.
    const ordered = [...matchers].sort((a, b) => Number(a.matchesEmpty) - Number(b.matchesEmpty) || rank(a) - rank(b));
    for (const m of ordered) {
      const byValue = this.postings.get(m.name);
      let ids: Uint32Array;
      if (!m.matchesEmpty) {
        ids = this.union(byValue, (v) => m.matches(v));
      } else {
        // Selects series lacking the label too: everything except the values it rejects.
        const rejected = this.union(byValue, (v) => !m.matches(v));
        ids = subtract(result ?? this.all(), rejected);
        result = ids;
        continue;
      }
      result = result ? intersect(result, ids) : ids;
      if (result.length === 0) return result;
    }
    return result ?? this.all();
  }

  labelNames(ids?: Uint32Array): string[] {
    if (!ids) return [...this.postings.keys()];
    const names = new Set<string>();
    for (const id of ids) for (const l of this.series[id]!.labels) names.add(l.name);
    return [...names];
  }

  labelValues(name: string, ids?: Uint32Array): string[] {
    if (!ids) return [...(this.postings.get(name)?.keys() ?? [])];
    const values = new Set<string>();
    for (const id of ids) {
      for (const l of this.series[id]!.labels) if (l.name === name) values.add(l.value);
    }
    return [...values];
  }

  private all(): Uint32Array {
    const ids = new Uint32Array(this.series.length);
    for (let i = 0; i < ids.length; i++) ids[i] = i;
    return ids;
  }

  private union(byValue: Map<string, Uint32Array> | undefined, keep: (v: string) => boolean): Uint32Array {
    if (!byValue) return new Uint32Array(0);
    const lists: Uint32Array[] = [];
    for (const [value, ids] of byValue) if (keep(value)) lists.push(ids);
    if (lists.length === 1) return lists[0]!;
    const seen = new Uint8Array(this.series.length);
    let n = 0;
    for (const l of lists) {
      for (const id of l) {
        if (seen[id]) continue;
        seen[id] = 1;
        n++;
      }
    }
    const out = new Uint32Array(n);
    let k = 0;
    for (let id = 0; id < seen.length; id++) if (seen[id]) out[k++] = id;
    return out;
  }
}

function rank(m: CompiledMatcher): number {
  return m.op === '=' ? 0 : m.op === '=~' ? 1 : 2;
}

function intersect(a: Uint32Array, b: Uint32Array): Uint32Array {
  const out = new Uint32Array(Math.min(a.length, b.length));
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x === y) {
      out[k++] = x;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return out.subarray(0, k);
}

function subtract(a: Uint32Array, b: Uint32Array): Uint32Array {
  const out = new Uint32Array(a.length);
  let j = 0;
  let k = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    while (j < b.length && b[j]! < x) j++;
    if (j < b.length && b[j] === x) continue;
    out[k++] = x;
  }
  return out.subarray(0, k);
}

// An index set: every index file of one table and one tenant, merged into one
// in-memory index that retention and delete requests edit before it is written
// back as a single file. Ingesters write a new small file per flush; the merge
// keeps each series once and each chunk once (a chunk indexed by two files,
// e.g. after a crash between the compactor's upload and its deletes, counts
// once).
import type { ChunkRef, IndexFile, IndexSeries } from '../storage/index/index-file.js';
import type { TableRef } from '../storage/index/schema.js';
import type { Labels } from '../util/labels.js';

export interface IndexSetSeries {
  readonly fp: string;
  readonly labels: Labels;
  /** `from:through:checksum` -> chunk. */
  readonly chunks: Map<string, ChunkRef>;
}

export function chunkId(c: ChunkRef): string {
  return `${c.fromMs}:${c.throughMs}:${c.checksum}`;
}

export class IndexSet {
  readonly series = new Map<string, IndexSetSeries>();
  /** Set when retention or a delete request changed the index. */
  modified = false;

  constructor(
    readonly table: TableRef,
    readonly tenant: string,
  ) {}

  static merge(table: TableRef, tenant: string, files: readonly IndexFile[]): IndexSet {
    const set = new IndexSet(table, tenant);
    for (const f of files) {
      for (const s of f.series) {
        let acc = set.series.get(s.fp);
        if (!acc) {
          acc = { fp: s.fp, labels: s.labels, chunks: new Map() };
          set.series.set(s.fp, acc);
        }
        for (const c of s.chunks) acc.chunks.set(chunkId(c), c);
      }
    }
    return set;
  }

  get chunkCount(): number {
    let n = 0;
    for (const s of this.series.values()) n += s.chunks.size;
    return n;
  }

  get isEmpty(): boolean {
    return this.chunkCount === 0;
  }

  removeChunk(fp: string, ref: ChunkRef): boolean {
    const s = this.series.get(fp);
    if (!s?.chunks.delete(chunkId(ref))) return false;
    this.modified = true;
    return true;
  }

  addChunk(fp: string, labels: Labels, ref: ChunkRef): void {
    let s = this.series.get(fp);
    if (!s) {
      s = { fp, labels, chunks: new Map() };
      this.series.set(fp, s);
    }
    s.chunks.set(chunkId(ref), ref);
    this.modified = true;
  }

  /** The series that still have chunks, ready for encodeIndexFile. */
  toIndexSeries(): IndexSeries[] {
    const out: IndexSeries[] = [];
    for (const s of this.series.values()) {
      if (s.chunks.size > 0) out.push({ fp: s.fp, labels: s.labels, chunks: [...s.chunks.values()] });
    }
    return out;
  }
}

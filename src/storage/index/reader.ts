// The read side of the index: finds the series matching a selector, and their
// chunks overlapping a time range, across every index file of the tables the
// range touches. Index files are immutable, so a parsed file is cached until
// memory pressure evicts it; the list of files per table and tenant is
// re-read when older than `listTtlMs` (files this process shipped itself are
// added at once). The compactor replaces files (it uploads its output before it
// deletes its inputs), so a listed file that has vanished means the listing is
// stale: the table is listed again rather than answered without that data.
import type { Labels } from '../../util/labels.js';
import { labelsToString } from '../../util/labels.js';
import { getOrCreate } from '../../util/maps.js';
import type { CompiledMatcher } from '../../util/matchers.js';
import type { ObjectClient } from '../objstore/client.js';
import { isObjectNotFound } from '../objstore/client.js';
import { type ChunkRef, IndexFile } from './index-file.js';
import type { Schema, TableRef } from './schema.js';
import { INDEX_FILE_SUFFIX, indexDir } from './shipper.js';

/** What `load` answers for a listed file that no longer exists. */
const VANISHED = Symbol('vanished');

export interface SeriesChunks {
  fp: string;
  labels: Labels;
  /** Canonical `{a="b"}` form. */
  key: string;
  chunks: ChunkRef[];
}

interface Listing {
  keys: Set<string>;
  fetchedAtMs: number;
}

export interface IndexReaderOptions {
  /** How long a listing of a table's files is trusted. */
  listTtlMs: number;
  /** Upper bound on the bytes of parsed index files kept in memory. */
  cacheBytes: number;
  /** Reports index files that cannot be read (corrupt or vanished). */
  onBadFile?: (key: string, err: unknown) => void;
}

export class IndexReader {
  private listings = new Map<string, Listing>();
  private files = new Map<string, IndexFile>(); // LRU order: oldest first
  private cachedBytes = 0;

  constructor(
    private readonly schema: Schema,
    private readonly clientFor: (table: TableRef) => ObjectClient,
    private readonly opts: IndexReaderOptions,
  ) {}

  /** Registers a file this process just wrote, so it is visible without a new listing. */
  addFile(table: TableRef, tenant: string, key: string, file: IndexFile): void {
    const listing = this.listings.get(`${table.name}/${tenant}`);
    if (listing) listing.keys.add(key);
    this.remember(key, file);
  }

  /** Series matching all matchers with at least one chunk overlapping [fromMs, throughMs]. */
  async series(
    tenant: string,
    fromMs: number,
    throughMs: number,
    matchers: readonly CompiledMatcher[],
  ): Promise<SeriesChunks[]> {
    const bySeries = new Map<string, { fp: string; labels: Labels; chunks: Map<string, ChunkRef> }>();
    for (const file of await this.filesFor(tenant, fromMs, throughMs)) {
      if (file.maxMs < fromMs || file.minMs > throughMs) continue;
      for (const id of file.select(matchers)) {
        const s = file.series[id]!;
        let acc: { fp: string; labels: Labels; chunks: Map<string, ChunkRef> } | undefined;
        for (const c of s.chunks) {
          if (c.throughMs < fromMs || c.fromMs > throughMs) continue;
          acc ??= getOrCreate(bySeries, s.fp, () => ({
            fp: s.fp,
            labels: s.labels,
            chunks: new Map<string, ChunkRef>(),
          }));
          acc.chunks.set(`${c.fromMs}:${c.throughMs}:${c.checksum}`, c);
        }
      }
    }
    const out: SeriesChunks[] = [];
    for (const s of bySeries.values()) {
      const chunks = [...s.chunks.values()].sort((a, b) => a.fromMs - b.fromMs);
      out.push({ fp: s.fp, labels: s.labels, key: labelsToString(s.labels), chunks });
    }
    return out;
  }

  async labelNames(
    tenant: string,
    fromMs: number,
    throughMs: number,
    matchers: readonly CompiledMatcher[],
  ): Promise<Set<string>> {
    const names = new Set<string>();
    for (const file of await this.filesFor(tenant, fromMs, throughMs)) {
      if (file.maxMs < fromMs || file.minMs > throughMs) continue;
      for (const id of this.selectInRange(file, matchers, fromMs, throughMs))
        for (const l of file.series[id]!.labels) names.add(l.name);
    }
    return names;
  }

  async labelValues(
    tenant: string,
    name: string,
    fromMs: number,
    throughMs: number,
    matchers: readonly CompiledMatcher[],
  ): Promise<Set<string>> {
    const values = new Set<string>();
    for (const file of await this.filesFor(tenant, fromMs, throughMs)) {
      if (file.maxMs < fromMs || file.minMs > throughMs) continue;
      for (const id of this.selectInRange(file, matchers, fromMs, throughMs)) {
        for (const l of file.series[id]!.labels) if (l.name === name) values.add(l.value);
      }
    }
    return values;
  }

  private selectInRange(
    file: IndexFile,
    matchers: readonly CompiledMatcher[],
    fromMs: number,
    throughMs: number,
  ): number[] {
    const out: number[] = [];
    for (const id of file.select(matchers)) {
      if (file.series[id]!.chunks.some((c) => c.throughMs >= fromMs && c.fromMs <= throughMs)) out.push(id);
    }
    return out;
  }

  private async filesFor(tenant: string, fromMs: number, throughMs: number): Promise<IndexFile[]> {
    const out: IndexFile[] = [];
    for (const table of this.schema.tablesFor(fromMs, throughMs)) {
      const client = this.clientFor(table);
      let keys = await this.list(table, tenant, client, false);
      // A vanished file was replaced after the listing: list again (a second time
      // covers a compaction that finished in between) and read what is there now.
      for (let attempt = 0; ; attempt++) {
        const files: IndexFile[] = [];
        let vanished = false;
        for (const key of [...keys]) {
          const file = await this.load(key, client);
          if (file === VANISHED) vanished = true;
          else if (file) files.push(file);
        }
        if (!vanished || attempt === 2) {
          out.push(...files);
          break;
        }
        keys = await this.list(table, tenant, client, true);
      }
    }
    return out;
  }

  private async list(table: TableRef, tenant: string, client: ObjectClient, fresh: boolean): Promise<Set<string>> {
    const id = `${table.name}/${tenant}`;
    const cached = this.listings.get(id);
    const now = Date.now();
    if (!fresh && cached && now - cached.fetchedAtMs < this.opts.listTtlMs) return cached.keys;
    const res = await client.list(indexDir(table.name, tenant));
    const keys = new Set(res.objects.map((o) => o.key).filter((k) => k.endsWith(INDEX_FILE_SUFFIX)));
    this.listings.set(id, { keys, fetchedAtMs: now });
    return keys;
  }

  /** The parsed file; null when it is unreadable (reported), VANISHED when it no longer exists. */
  private async load(key: string, client: ObjectClient): Promise<IndexFile | null | typeof VANISHED> {
    const cached = this.files.get(key);
    if (cached) {
      this.files.delete(key);
      this.files.set(key, cached);
      return cached;
    }
    try {
      const file = IndexFile.decode(await client.getObject(key));
      this.remember(key, file);
      return file;
    } catch (err) {
      if (isObjectNotFound(err)) return VANISHED;
      // A corrupt file: skip it, say so.
      this.opts.onBadFile?.(key, err);
      return null;
    }
  }

  /**
   * Applies a change the compactor of this process made to a table: `removed`
   * files were replaced by `added` (none when the tenant's index became empty),
   * so queries here see the change without waiting for a new listing.
   */
  replaceFiles(
    table: TableRef,
    tenant: string,
    removed: readonly string[],
    added?: { key: string; file: IndexFile },
  ): void {
    const listing = this.listings.get(`${table.name}/${tenant}`);
    for (const key of removed) {
      listing?.keys.delete(key);
      const f = this.files.get(key);
      if (f) {
        this.files.delete(key);
        this.cachedBytes -= f.size;
      }
    }
    if (added) this.addFile(table, tenant, added.key, added.file);
  }

  private remember(key: string, file: IndexFile): void {
    if (this.files.has(key)) return;
    this.files.set(key, file);
    this.cachedBytes += file.size;
    for (const [k, f] of this.files) {
      if (this.cachedBytes <= this.opts.cacheBytes || k === key) break;
      this.files.delete(k);
      this.cachedBytes -= f.size;
    }
  }

  /** Forgets cached listings (tests, or after the compactor rewrote a table). */
  invalidate(): void {
    this.listings.clear();
  }
}

// The write side of the index: the ingester hands over a reference for every
// chunk it flushed, and the shipper periodically writes them as new immutable
// index files, one per table and tenant, under
//   index/<table>/<tenant>/<node>-<unix ms>-<seq>.skx
// A chunk spanning two tables is indexed in both (as Loki does).

import type { Labels } from '../../util/labels.js';
import { getOrCreate } from '../../util/maps.js';
import type { ObjectClient } from '../objstore/client.js';
import { type ChunkRef, encodeIndexFile, IndexFile, type IndexSeries } from './index-file.js';
import type { Schema, TableRef } from './schema.js';

export const INDEX_PREFIX = 'index/';
export const INDEX_FILE_SUFFIX = '.skx';

export function indexDir(table: string, tenant: string): string {
  return `${INDEX_PREFIX}${table}/${tenant}/`;
}

interface PendingSeries {
  fp: string;
  labels: Labels;
  chunks: ChunkRef[];
}

export interface ShippedFile {
  table: TableRef;
  tenant: string;
  key: string;
  file: IndexFile;
}

export class IndexShipper {
  /** table name -> tenant -> fp -> series */
  private pending = new Map<string, { table: TableRef; byTenant: Map<string, Map<string, PendingSeries>> }>();
  private seq = 0;
  private pendingCount = 0;

  constructor(
    private readonly schema: Schema,
    private readonly clientFor: (table: TableRef) => ObjectClient,
    private readonly nodeName: string,
    private readonly onShipped: (f: ShippedFile) => void,
  ) {}

  get pendingRefs(): number {
    return this.pendingCount;
  }

  add(tenant: string, fp: string, labels: Labels, ref: ChunkRef): void {
    for (const table of this.schema.tablesFor(ref.fromMs, ref.throughMs))
      this.addToTable(table, tenant, fp, labels, ref);
    this.pendingCount++;
  }

  private addToTable(table: TableRef, tenant: string, fp: string, labels: Labels, ref: ChunkRef): void {
    const t = getOrCreate(this.pending, table.name, () => ({
      table,
      byTenant: new Map<string, Map<string, PendingSeries>>(),
    }));
    const series = getOrCreate(t.byTenant, tenant, () => new Map<string, PendingSeries>());
    const s = getOrCreate(series, fp, (): PendingSeries => ({ fp, labels, chunks: [] }));
    s.chunks.push(ref);
  }

  /**
   * Writes every pending reference. References whose file could not be
   * written stay pending for the next attempt; the error is rethrown after
   * the other files were tried.
   */
  async ship(): Promise<void> {
    const work = this.pending;
    this.pending = new Map();
    this.pendingCount = 0;
    let firstError: unknown = null;
    for (const { table, byTenant } of work.values()) {
      for (const [tenant, series] of byTenant) {
        const list: IndexSeries[] = [...series.values()];
        const bytes = encodeIndexFile(list);
        const key = `${indexDir(table.name, tenant)}${this.nodeName}-${Date.now()}-${this.seq++}${INDEX_FILE_SUFFIX}`;
        try {
          await this.clientFor(table).putObject(key, bytes);
          this.onShipped({ table, tenant, key, file: IndexFile.decode(bytes) });
        } catch (err) {
          firstError ??= err;
          for (const s of list) {
            for (const ref of s.chunks) this.addToTable(table, tenant, s.fp, s.labels, ref);
            this.pendingCount += s.chunks.length;
          }
        }
      }
    }
    if (firstError) throw firstError;
  }
}

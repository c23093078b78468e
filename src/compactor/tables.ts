// Finding the index tables and tenants in object storage. Tables are the
// folders under `index/` whose name is a schema period's index prefix followed
// by a table number; anything else there (such as the delete requests, which
// share the prefix by default) is left alone.

import { type Schema, type SchemaPeriod, type TableRef, tableRef } from '../storage/index/schema.js';
import { INDEX_FILE_SUFFIX, INDEX_PREFIX, indexDir } from '../storage/index/shipper.js';
import type { ObjectClient } from '../storage/objstore/client.js';

/** The table a folder name stands for, among periods kept in one object store; null if none. */
export function tableFromName(schema: Schema, periods: readonly SchemaPeriod[], name: string): TableRef | null {
  const candidates: Array<{ period: SchemaPeriod; number: number }> = [];
  for (const p of periods) {
    if (!name.startsWith(p.indexPrefix)) continue;
    const rest = name.slice(p.indexPrefix.length);
    if (!/^\d+$/.test(rest)) continue;
    candidates.push({ period: p, number: Number(rest) });
  }
  if (candidates.length === 0) return null;
  // Periods sharing a prefix and a store: the one in force when the table starts.
  for (const c of candidates) {
    if (schema.periodAt(c.number * c.period.indexPeriodMs) === c.period) return tableRef(c.period, c.number);
  }
  const last = candidates[candidates.length - 1]!;
  return tableRef(last.period, last.number);
}

/** Every table in the stores of the schema, newest first (Loki compacts recent tables first). */
export async function listTables(
  schema: Schema,
  clientFor: (period: SchemaPeriod) => ObjectClient,
): Promise<Array<{ table: TableRef; client: ObjectClient }>> {
  const byStore = new Map<ObjectClient, SchemaPeriod[]>();
  for (const p of schema.periods) {
    const c = clientFor(p);
    const list = byStore.get(c);
    if (list) list.push(p);
    else byStore.set(c, [p]);
  }
  const seen = new Set<string>();
  const out: Array<{ table: TableRef; client: ObjectClient }> = [];
  for (const [client, periods] of byStore) {
    const res = await client.list(INDEX_PREFIX, '/');
    for (const prefix of res.commonPrefixes) {
      const name = prefix.slice(INDEX_PREFIX.length, -1);
      if (seen.has(name)) continue;
      const table = tableFromName(schema, periods, name);
      if (!table) continue;
      seen.add(name);
      out.push({ table, client });
    }
  }
  return out.sort((a, b) => b.table.startMs - a.table.startMs || (a.table.name < b.table.name ? -1 : 1));
}

/** Tenants with an index in a table. */
export async function listTenants(client: ObjectClient, table: string): Promise<string[]> {
  const dir = `${INDEX_PREFIX}${table}/`;
  const res = await client.list(dir, '/');
  return res.commonPrefixes.map((p) => p.slice(dir.length, -1)).filter((t) => t !== '');
}

/** Keys of a tenant's index files in a table, sorted. */
export async function listIndexFiles(client: ObjectClient, table: string, tenant: string): Promise<string[]> {
  const res = await client.list(indexDir(table, tenant));
  return res.objects.map((o) => o.key).filter((k) => k.endsWith(INDEX_FILE_SUFFIX));
}

// Delete requests and their progress, kept as one JSON document in the object
// store named by `compactor.delete_request_store`, under
// `<delete_request_store_key_prefix>delete_requests/`. Every change rewrites
// the document (object puts are atomic), so a restarted compactor, or one that
// takes over, finds every request where the last one left it.
//
// As in Loki, a request with line filters spanning more than
// `delete_max_interval` is stored as several shards (one per interval) that are
// processed separately; the API shows each request once, with the merged time
// range and a status of `received`, `processed` or `NN% Complete`.
import { isObjectNotFound, type ObjectClient } from '../storage/objstore/client.js';

export const DELETE_REQUESTS_DIR = 'delete_requests/';
const DOCUMENT_NAME = 'skald_delete_requests.json';

export const STATUS_RECEIVED = 'received';
export const STATUS_PROCESSED = 'processed';

/** One shard of a delete request (most requests have exactly one). */
export interface DeleteRequestShard {
  readonly requestId: string;
  readonly tenant: string;
  readonly query: string;
  /** Inclusive bounds, ms since the epoch. */
  readonly startMs: number;
  readonly endMs: number;
  readonly createdAtMs: number;
  readonly seq: number;
  readonly processed: boolean;
}

/** A request as the API shows it: its shards merged. */
export interface DeleteRequestView {
  readonly requestId: string;
  readonly tenant: string;
  readonly query: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly createdAtMs: number;
  readonly status: string;
}

interface StoredDocument {
  version: 1;
  shards: DeleteRequestShard[];
  /** Tenant -> results-cache generation number (unix ns as text), bumped on every change. */
  cacheGen: Record<string, string>;
}

export class DeleteRequestsStoreError extends Error {
  override name = 'DeleteRequestsStoreError';
}

/** The object key of the document for a key prefix such as `index/`. */
export function deleteRequestsKey(keyPrefix: string): string {
  return `${keyPrefix}${DELETE_REQUESTS_DIR}${DOCUMENT_NAME}`;
}

/**
 * Loki's request ids: FNV-1 (32 bit) over the tenant, the creation time in ns
 * (8 bytes, little-endian) and the query, as 8 hex digits.
 */
export function generateRequestId(tenant: string, query: string, nowNs: bigint): string {
  const t = Buffer.alloc(8);
  t.writeBigUInt64LE(BigInt.asUintN(64, nowNs));
  return fnv1_32(Buffer.concat([Buffer.from(tenant), t, Buffer.from(query)]))
    .toString(16)
    .padStart(8, '0');
}

/** 32-bit FNV-1 (multiply, then xor), Go's hash/fnv New32. */
export function fnv1_32(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (const b of bytes) {
    h = Math.imul(h, 0x01000193) >>> 0;
    h = (h ^ b) >>> 0;
  }
  return h;
}

/**
 * The shards of a request, as Loki's buildRequests: one when there is no
 * interval or it covers the range, else one per interval aligned to multiples
 * of the interval (the first starting at the request's start). Neighbouring
 * shards share their boundary so that no millisecond escapes deletion.
 */
export function shardRange(startMs: number, endMs: number, intervalMs: number): Array<[number, number]> {
  if (intervalMs <= 0 || intervalMs >= endMs - startMs) return [[startMs, endMs]];
  const out: Array<[number, number]> = [];
  const aligned = startMs - (((startMs % intervalMs) + intervalMs) % intervalMs);
  for (let s = aligned; s < endMs; s += intervalMs) {
    const e = s + intervalMs >= endMs ? endMs : s + intervalMs;
    out.push([out.length === 0 ? startMs : s, e]);
  }
  return out;
}

/** Loki's status of a request from its shards. */
export function statusOf(processed: number, total: number): string {
  if (processed === 0) return STATUS_RECEIVED;
  if (processed === total) return STATUS_PROCESSED;
  return `${Math.trunc((processed / total) * 100)}% Complete`;
}

function mergeShards(shards: readonly DeleteRequestShard[]): DeleteRequestView {
  const first = shards[0]!;
  let startMs = Number.POSITIVE_INFINITY;
  let endMs = 0;
  let processed = 0;
  for (const s of shards) {
    if (s.startMs < startMs) startMs = s.startMs;
    if (s.endMs > endMs) endMs = s.endMs;
    if (s.processed) processed++;
  }
  return {
    requestId: first.requestId,
    tenant: first.tenant,
    query: first.query,
    startMs,
    endMs,
    createdAtMs: first.createdAtMs,
    status: statusOf(processed, shards.length),
  };
}

export class DeleteRequestsStore {
  private doc: StoredDocument = { version: 1, shards: [], cacheGen: {} };
  /** Changes are written one at a time, each on top of the last. */
  private writing: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly client: ObjectClient,
    readonly key: string,
    private readonly now: () => number,
  ) {}

  /** Opens the store, reading the document if there is one. */
  static async open(client: ObjectClient, key: string, now: () => number = Date.now): Promise<DeleteRequestsStore> {
    const store = new DeleteRequestsStore(client, key, now);
    let body: Buffer | null = null;
    try {
      body = await client.getObject(key);
    } catch (err) {
      if (!isObjectNotFound(err)) throw err;
    }
    if (body) store.doc = parseDocument(body, key);
    return store;
  }

  /** Adds a request (sharded by `shardIntervalMs` when non-zero) and returns its id. */
  async add(tenant: string, query: string, startMs: number, endMs: number, shardIntervalMs: number): Promise<string> {
    return this.change((doc) => {
      const createdAtMs = this.now();
      let id = generateRequestId(
        tenant,
        query,
        BigInt(createdAtMs) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n),
      );
      // Ids are 32-bit hashes: on the rare clash within a tenant, hash again with a later time.
      for (let n = 1n; doc.shards.some((s) => s.tenant === tenant && s.requestId === id); n++)
        id = generateRequestId(tenant, query, BigInt(createdAtMs) * 1_000_000n + n);
      shardRange(startMs, endMs, shardIntervalMs).forEach(([s, e], seq) => {
        doc.shards.push({ requestId: id, tenant, query, startMs: s, endMs: e, createdAtMs, seq, processed: false });
      });
      doc.cacheGen[tenant] = this.genNumber();
      return id;
    });
  }

  /** A tenant's requests, oldest first; with a range, only those overlapping it. */
  forTenant(tenant: string, range?: { startMs: number; endMs: number }): DeleteRequestView[] {
    const out = this.views((s) => s.tenant === tenant);
    const filtered = range ? out.filter((r) => r.startMs <= range.endMs && r.endMs >= range.startMs) : out;
    return filtered.sort((a, b) => a.createdAtMs - b.createdAtMs);
  }

  /** Every tenant's requests (the compactor UI lists them all). */
  all(): DeleteRequestView[] {
    return this.views(() => true);
  }

  get(tenant: string, requestId: string): DeleteRequestView | undefined {
    return this.views((s) => s.tenant === tenant && s.requestId === requestId)[0];
  }

  /** Removes every shard of a request; false when there is no such request. */
  async remove(tenant: string, requestId: string): Promise<boolean> {
    return this.change((doc) => {
      const before = doc.shards.length;
      doc.shards = doc.shards.filter((s) => !(s.tenant === tenant && s.requestId === requestId));
      if (doc.shards.length === before) return false;
      doc.cacheGen[tenant] = this.genNumber();
      return true;
    });
  }

  /** Shards still to be processed, in insertion order. */
  unprocessedShards(): DeleteRequestShard[] {
    return this.doc.shards.filter((s) => !s.processed);
  }

  async markProcessed(shards: readonly DeleteRequestShard[]): Promise<void> {
    if (shards.length === 0) return;
    const done = new Set(shards.map(shardId));
    await this.change((doc) => {
      doc.shards = doc.shards.map((s) => (done.has(shardId(s)) ? { ...s, processed: true } : s));
    });
  }

  /** Folds the shards of fully processed requests back into one record each (as Loki does). */
  async mergeShardedRequests(): Promise<void> {
    const groups = new Map<string, DeleteRequestShard[]>();
    for (const s of this.doc.shards) {
      const k = `${s.tenant}\u0000${s.requestId}`;
      const g = groups.get(k);
      if (g) g.push(s);
      else groups.set(k, [s]);
    }
    const mergeable = [...groups.values()].filter((g) => g.length > 1 && g.every((s) => s.processed));
    if (mergeable.length === 0) return;
    await this.change((doc) => {
      const merged = new Set<string>();
      const out: DeleteRequestShard[] = [];
      for (const s of doc.shards) {
        const k = `${s.tenant}\u0000${s.requestId}`;
        const group = mergeable.find((g) => g[0]!.tenant === s.tenant && g[0]!.requestId === s.requestId);
        if (!group) {
          out.push(s);
          continue;
        }
        if (merged.has(k)) continue;
        merged.add(k);
        const v = mergeShards(group);
        out.push({ ...group[0]!, startMs: v.startMs, endMs: v.endMs, seq: 0, processed: true });
      }
      doc.shards = out;
    });
  }

  /** The tenant's results-cache generation number ("" before its first request). */
  cacheGenNumber(tenant: string): string {
    return this.doc.cacheGen[tenant] ?? '';
  }

  async bumpCacheGenNumber(tenant: string): Promise<void> {
    await this.change((doc) => {
      doc.cacheGen[tenant] = this.genNumber();
    });
  }

  private genNumber(): string {
    return (BigInt(this.now()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n)).toString();
  }

  private views(keep: (s: DeleteRequestShard) => boolean): DeleteRequestView[] {
    const groups = new Map<string, DeleteRequestShard[]>();
    for (const s of this.doc.shards) {
      if (!keep(s)) continue;
      const k = `${s.tenant}\u0000${s.requestId}`;
      const g = groups.get(k);
      if (g) g.push(s);
      else groups.set(k, [s]);
    }
    return [...groups.values()].map(mergeShards);
  }

  /**
   * Applies a change to a copy of the document and writes it; the copy
   * replaces the document only once it is stored, so a failed write changes
   * nothing and can be retried.
   */
  private change<T>(apply: (doc: StoredDocument) => T): Promise<T> {
    const run = async (): Promise<T> => {
      const next: StoredDocument = structuredClone(this.doc);
      const result = apply(next);
      await this.client.putObject(this.key, Buffer.from(JSON.stringify(next)));
      this.doc = next;
      return result;
    };
    const p = this.writing.then(run, run);
    this.writing = p.catch(() => undefined);
    return p;
  }
}

function shardId(s: DeleteRequestShard): string {
  return `${s.tenant}\u0000${s.requestId}\u0000${s.seq}`;
}

function parseDocument(body: Buffer, key: string): StoredDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new DeleteRequestsStoreError(
      `delete requests ${key}: not JSON: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  if (!isRecord(raw) || raw.version !== 1 || !Array.isArray(raw.shards) || !isRecord(raw.cacheGen))
    throw new DeleteRequestsStoreError(`delete requests ${key}: unknown document format`);
  const shards: DeleteRequestShard[] = [];
  for (const s of raw.shards) {
    if (
      !isRecord(s) ||
      typeof s.requestId !== 'string' ||
      typeof s.tenant !== 'string' ||
      typeof s.query !== 'string' ||
      typeof s.startMs !== 'number' ||
      typeof s.endMs !== 'number' ||
      typeof s.createdAtMs !== 'number' ||
      typeof s.seq !== 'number' ||
      typeof s.processed !== 'boolean'
    )
      throw new DeleteRequestsStoreError(`delete requests ${key}: malformed request entry`);
    shards.push({
      requestId: s.requestId,
      tenant: s.tenant,
      query: s.query,
      startMs: s.startMs,
      endMs: s.endMs,
      createdAtMs: s.createdAtMs,
      seq: s.seq,
      processed: s.processed,
    });
  }
  const cacheGen: Record<string, string> = {};
  for (const [t, v] of Object.entries(raw.cacheGen)) if (typeof v === 'string') cacheGen[t] = v;
  return { version: 1, shards, cacheGen };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// The delete requests one retention pass works on, chosen as Loki's
// DeleteRequestsManager chooses them: requests past their cancellation period
// (plus a minute, so a cancellation racing the pass cannot lose), of tenants
// whose deletion mode is `filter-and-delete`, oldest range first, at most
// `delete_batch_size` of them. A request entirely older than anything the
// tenant retains has nothing left to delete and is marked processed at once;
// a request identical to one already in the batch rides along with it.
import { formatLogSelector } from '../logql/syntax/index.js';
import type { Labels } from '../util/labels.js';
import type { Logger } from '../util/log.js';
import { type ChunkVerdict, DeleteMatcher, type LineFilter, parseDeleteQuery } from './delete-query.js';
import type { DeleteRequestShard } from './delete-requests-store.js';
import type { CompactorMetrics } from './metrics.js';

/** Loki adds this to the cancellation period before a request may be processed. */
export const CANCEL_RACE_GUARD_MS = 60_000;

export type DeletionMode = 'disabled' | 'filter-only' | 'filter-and-delete';

export const DELETION_MODES: readonly DeletionMode[] = ['disabled', 'filter-only', 'filter-and-delete'];

export function parseDeletionMode(mode: string): DeletionMode | null {
  return (DELETION_MODES as readonly string[]).includes(mode) ? (mode as DeletionMode) : null;
}

interface LoadedRequest {
  shard: DeleteRequestShard;
  matcher: DeleteMatcher;
  canonicalQuery: string;
}

interface TenantRequests {
  requests: LoadedRequest[];
  startMs: number;
  endMs: number;
}

export interface DeleteBatchOptions {
  shards: readonly DeleteRequestShard[];
  nowMs: number;
  cancelPeriodMs: number;
  batchSize: number;
  deletionMode: (tenant: string) => string;
  /** The longest retention of a tenant (0: forever). */
  longestRetention: (tenant: string) => number;
  metrics: CompactorMetrics;
  logger: Logger;
}

export class DeleteBatch {
  private readonly byTenant = new Map<string, TenantRequests>();
  /** Requests identical to one in the batch: processed together with it. */
  readonly duplicates: DeleteRequestShard[] = [];
  /** Requests whose whole range is older than what the tenant retains. */
  readonly beyondRetention: DeleteRequestShard[] = [];

  private constructor(private readonly metrics: CompactorMetrics) {}

  static empty(metrics: CompactorMetrics): DeleteBatch {
    return new DeleteBatch(metrics);
  }

  static load(o: DeleteBatchOptions): DeleteBatch {
    const batch = new DeleteBatch(o.metrics);
    const eligible = o.shards
      .filter(
        (s) =>
          s.createdAtMs + o.cancelPeriodMs + CANCEL_RACE_GUARD_MS <= o.nowMs &&
          o.deletionMode(s.tenant) === 'filter-and-delete',
      )
      .sort((a, b) => a.startMs - b.startMs);
    let count = 0;
    for (const shard of eligible) {
      let matcher: DeleteMatcher;
      let canonicalQuery: string;
      try {
        matcher = new DeleteMatcher(shard.query, shard.startMs, shard.endMs, () =>
          o.metrics.deletedLinesTotal.inc({ user: shard.tenant }),
        );
        canonicalQuery = formatLogSelector(parseDeleteQuery(shard.query));
      } catch (err) {
        // Queries are checked when a request is added; one that no longer parses is left alone.
        o.logger.error('failed to init log selector expr', {
          delete_request_id: shard.requestId,
          user: shard.tenant,
          err,
        });
        continue;
      }
      const longest = o.longestRetention(shard.tenant);
      if (longest !== 0) {
        const oldestRetained = o.nowMs - longest;
        if (shard.startMs < oldestRetained && shard.endMs < oldestRetained) {
          o.logger.info('Marking delete request with interval beyond retention period as processed', {
            delete_request_id: shard.requestId,
            user: shard.tenant,
          });
          batch.beyondRetention.push(shard);
          continue;
        }
      }
      const t = batch.byTenant.get(shard.tenant);
      const dup = t?.requests.find(
        (r) =>
          r.shard.requestId !== shard.requestId &&
          r.shard.startMs === shard.startMs &&
          r.shard.endMs === shard.endMs &&
          r.canonicalQuery === canonicalQuery,
      );
      if (dup) {
        o.logger.info('found duplicate request of one of the requests loaded for processing', {
          loaded_request_id: dup.shard.requestId,
          duplicate_request_id: shard.requestId,
          user: shard.tenant,
        });
        batch.duplicates.push(shard);
        continue;
      }
      if (count >= o.batchSize) {
        o.logger.info(
          `Processing ${count} of ${eligible.length} delete requests. More requests will be processed in subsequent compactions`,
        );
        break;
      }
      o.logger.info('Started processing delete request for user', {
        delete_request_id: shard.requestId,
        user: shard.tenant,
      });
      if (t) {
        t.requests.push({ shard, matcher, canonicalQuery });
        t.startMs = Math.min(t.startMs, shard.startMs);
        t.endMs = Math.max(t.endMs, shard.endMs);
      } else {
        batch.byTenant.set(shard.tenant, {
          requests: [{ shard, matcher, canonicalQuery }],
          startMs: shard.startMs,
          endMs: shard.endMs,
        });
      }
      count++;
    }
    return batch;
  }

  get requestCount(): number {
    let n = 0;
    for (const t of this.byTenant.values()) n += t.requests.length;
    return n;
  }

  /** Whether the tenant has requests in this batch (then every table of the tenant is visited). */
  hasTenant(tenant: string): boolean {
    return this.byTenant.has(tenant);
  }

  /** The shards this batch processes (to mark processed when the pass succeeds). */
  shards(): DeleteRequestShard[] {
    const out: DeleteRequestShard[] = [];
    for (const t of this.byTenant.values()) for (const r of t.requests) out.push(r.shard);
    return out;
  }

  /**
   * What the batch does to a chunk: delete it whole when one request covers it
   * entirely, else delete the lines any of the overlapping requests picks.
   */
  verdict(tenant: string, labels: Labels, fromMs: number, throughMs: number): ChunkVerdict {
    const t = this.byTenant.get(tenant);
    if (!t || fromMs > t.endMs || t.startMs > throughMs) return { kind: 'keep' };
    const filters: LineFilter[] = [];
    for (const r of t.requests) {
      const v = r.matcher.verdict(labels, fromMs, throughMs);
      if (v.kind === 'keep') continue;
      if (v.kind === 'all') {
        this.metrics.deleteRequestsChunksSelectedTotal.inc({ user: tenant });
        return v;
      }
      filters.push(v.filter);
    }
    if (filters.length === 0) return { kind: 'keep' };
    this.metrics.deleteRequestsChunksSelectedTotal.inc({ user: tenant });
    if (filters.length === 1) return { kind: 'filter', filter: filters[0]! };
    return {
      kind: 'filter',
      filter: (baseNs, offsetNs, line, metadata) => filters.some((f) => f(baseNs, offsetNs, line, metadata)),
    };
  }
}

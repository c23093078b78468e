// One retention pass over index sets: Loki's markForDelete. For every chunk of
// every series:
//   - past its stream's retention period (now - through > period): removed
//     from the index and marked for deletion;
//   - covered by a delete request: removed and marked; partly covered (or the
//     request has line filters): rewritten without the deleted lines, the new
//     chunk indexed in place of the old one, the old one marked;
//   - continuing into the next table, when this table's end is past retention:
//     only dropped from this table's index (the next table still needs it).
// Marking is all that happens to chunk objects here; the sweeper deletes them
// after `retention_delete_delay`.
import { chunkKey } from '../storage/chunk/chunk.js';
import type { ChunkRef } from '../storage/index/index-file.js';
import type { TableRef } from '../storage/index/schema.js';
import type { DeleteBatch } from './delete-batch.js';
import type { LineFilter } from './delete-query.js';
import type { IndexSet } from './index-set.js';
import type { RetentionRules } from './retention-rules.js';

export interface RewriteOutcome {
  /** False when no line of the chunk matched (the chunk stays as it is). */
  linesDeleted: boolean;
  /** The rewritten chunk; null when nothing of it survived. */
  newRef: ChunkRef | null;
}

export interface RetentionPassOptions {
  nowMs: number;
  /** Null when retention is off and only delete requests are applied. */
  rules: RetentionRules | null;
  deletes: DeleteBatch;
  /** Rewrites a chunk without the lines `filter` picks and stores the result. */
  rewrite: (tenant: string, fp: string, ref: ChunkRef, filter: LineFilter) => Promise<RewriteOutcome>;
  /** Longest time spent on one index set (retention_table_timeout); 0: no limit. */
  indexSetTimeoutMs: number;
  clock?: () => number;
}

export interface MarkResult {
  /** Keys of the chunk objects to delete after the delay. */
  marks: string[];
  /** The time limit stopped the scan; what was done so far stands. */
  timedOut: boolean;
}

const NO_LABELS: [] = [];
/** Series handled between two turns of the event loop, so queries keep being answered. */
const SERIES_PER_TURN = 256;

export class RetentionPass {
  /** Set when an index set ran out of time: the pass's delete requests are then not done. */
  timedOut = false;
  private readonly clock: () => number;

  constructor(private readonly o: RetentionPassOptions) {
    this.clock = o.clock ?? Date.now;
  }

  get deletes(): DeleteBatch {
    return this.o.deletes;
  }

  /**
   * Whether the tenant's index in this table may hold something to remove: a
   * delete request of the tenant is in the batch (requests touch every table,
   * since chunks span tables), or the table starts before the newest time any
   * of the tenant's retention periods reaches.
   */
  mayHaveExpiredChunks(table: TableRef, tenant: string): boolean {
    if (this.o.deletes.hasTenant(tenant)) return true;
    const shortest = this.o.rules?.shortestPeriod(tenant) ?? 0;
    return shortest > 0 && table.startMs < this.o.nowMs - shortest;
  }

  /** Applies retention and delete requests to an index set; returns the chunks to delete later. */
  async mark(set: IndexSet): Promise<MarkResult> {
    const { table, tenant } = set;
    const now = this.o.nowMs;
    const tableEndMs = table.endMs - 1;
    const deadline = this.o.indexSetTimeoutMs > 0 ? this.clock() + this.o.indexSetTimeoutMs : Number.POSITIVE_INFINITY;
    const marks: string[] = [];
    const dropPeriod = this.o.rules?.periodFor(tenant, NO_LABELS) ?? 0;
    let n = 0;
    for (const s of [...set.series.values()]) {
      if (++n % SERIES_PER_TURN === 0) await new Promise((r) => setImmediate(r));
      if (this.clock() > deadline) {
        this.timedOut = true;
        return { marks, timedOut: true };
      }
      const period = this.o.rules?.periodFor(tenant, s.labels) ?? 0;
      for (const c of [...s.chunks.values()]) {
        const key = chunkKey(tenant, s.fp, c.fromMs, c.throughMs, c.checksum);
        if (period > 0 && now - c.throughMs > period) {
          set.removeChunk(s.fp, c);
          marks.push(key);
          continue;
        }
        const v = this.o.deletes.verdict(tenant, s.labels, c.fromMs, c.throughMs);
        if (v.kind === 'all') {
          set.removeChunk(s.fp, c);
          marks.push(key);
          continue;
        }
        if (v.kind === 'filter') {
          const out = await this.o.rewrite(tenant, s.fp, c, v.filter);
          if (out.linesDeleted) {
            set.removeChunk(s.fp, c);
            const rebuilt = out.newRef;
            if (rebuilt && rebuilt.fromMs <= tableEndMs && rebuilt.throughMs >= table.startMs)
              set.addChunk(s.fp, s.labels, rebuilt);
            // The source is still read by the other tables that index it; the table
            // where it starts is done last (newest tables go first) and marks it.
            if (c.fromMs >= table.startMs) marks.push(key);
            continue;
          }
        }
        // As Loki: the end of this table is judged against the tenant's retention
        // for a stream without labels, so only a clearly expired table drops it.
        if (c.throughMs > tableEndMs && dropPeriod > 0 && now - tableEndMs > dropPeriod) set.removeChunk(s.fp, c);
      }
    }
    return { marks, timedOut: false };
  }
}

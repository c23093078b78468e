// The compactor (Loki's compactor for the TSDB index, over Skald's index
// files): on every `compaction_interval` it merges each table's many small
// index files per tenant into one; when retention is enabled it also, every
// `apply_retention_interval`, removes expired chunks and processes delete
// requests, and a sweeper deletes the chunk objects they marked once
// `retention_delete_delay` has passed.
//
// Replacing index files is safe for readers: the merged file is uploaded
// before its inputs are deleted, and a reader that finds a listed file gone
// lists the table again. Readers in this process are told at once.
//
// Compaction and retention run on their own schedules; a table is worked on by
// one of them at a time. Compaction skips a table that retention holds (it will
// be compacted by retention anyway); retention waits for it.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { LimitsConfig } from '../config/index.js';
import { ChunkCorruptError } from '../storage/chunk/block.js';
import { type ChunkRef, encodeIndexFile, IndexFile } from '../storage/index/index-file.js';
import type { SchemaPeriod, TableRef } from '../storage/index/schema.js';
import { INDEX_FILE_SUFFIX, indexDir } from '../storage/index/shipper.js';
import { sleep } from '../storage/objstore/backoff.js';
import { isObjectNotFound, type ObjectClient } from '../storage/objstore/client.js';
import { FilesystemObjectClient } from '../storage/objstore/filesystem.js';
import { PrefixedObjectClient } from '../storage/objstore/prefixed.js';
import type { Store } from '../storage/store.js';
import type { Logger } from '../util/log.js';
import { rewriteChunk } from './chunk-rewriter.js';
import { CANCEL_RACE_GUARD_MS, DeleteBatch } from './delete-batch.js';
import type { LineFilter } from './delete-query.js';
import type { DeleteRequestShard, DeleteRequestsStore } from './delete-requests-store.js';
import { IndexSet } from './index-set.js';
import { MarkerStore, SWEEP_INTERVAL_MS, Sweeper } from './markers.js';
import type { CompactorMetrics } from './metrics.js';
import { RetentionPass, type RewriteOutcome } from './retention-pass.js';
import { RetentionRules } from './retention-rules.js';
import type { CompactorSettings } from './settings.js';
import { listIndexFiles, listTables, listTenants } from './tables.js';

export interface CompactorOptions {
  settings: CompactorSettings;
  store: Store;
  limits: (tenant: string) => LimitsConfig;
  metrics: CompactorMetrics;
  logger: Logger;
  /** The delete requests (present when retention is enabled). */
  deleteRequests?: DeleteRequestsStore;
  nowMs?: () => number;
}

/** Loki's message when a tenant's index in a table has no chunk at all. */
const NO_CHUNKS_FOUND =
  'no chunks found in table, please check if there are really no chunks and manually drop the table or see if there is a bug causing us to drop whole index table';

/** One process works on a table at a time; waiters queue. */
class TableLocks {
  private readonly held = new Map<string, { released: Promise<void>; release: () => void }>();

  tryLock(name: string): boolean {
    if (this.held.has(name)) return false;
    let release!: () => void;
    const released = new Promise<void>((r) => {
      release = r;
    });
    this.held.set(name, { released, release });
    return true;
  }

  async lock(name: string, signal: AbortSignal): Promise<boolean> {
    while (!this.tryLock(name)) {
      if (signal.aborted) return false;
      await this.held.get(name)?.released;
    }
    return true;
  }

  unlock(name: string): void {
    const h = this.held.get(name);
    this.held.delete(name);
    h?.release();
  }
}

/** The `from` label and marker folder name of a period, as Loki names them. */
export function periodName(p: SchemaPeriod): string {
  return `${p.objectStore}_${new Date(p.fromMs).toISOString().slice(0, 10)}`;
}

/** The start (ms) of a chunk from its key `<tenant>/<fp>/<from>:<through>:<checksum>`; null if malformed. */
function chunkStartMs(key: string): number | null {
  const m = /\/([0-9a-f]+):[0-9a-f]+:[0-9a-f]+$/.exec(key);
  return m ? Number.parseInt(m[1]!, 16) : null;
}

export class Compactor {
  private readonly locks = new TableLocks();
  private readonly stopping = new AbortController();
  private running: Promise<void> | null = null;
  private readonly nowMs: () => number;
  private readonly rules: RetentionRules;
  /** Marker stores by period (local markers) or by object store (markers in object storage). */
  private readonly markersByPeriod = new Map<SchemaPeriod, MarkerStore>();
  private readonly sweepers: Sweeper[] = [];
  private seq = 0;

  private constructor(private readonly o: CompactorOptions) {
    this.nowMs = o.nowMs ?? Date.now;
    this.rules = new RetentionRules(o.limits, (selector, err) =>
      o.logger.warn('ignoring a retention_stream rule whose selector does not parse', { selector, err }),
    );
  }

  static async create(o: CompactorOptions): Promise<Compactor> {
    const c = new Compactor(o);
    await mkdir(o.settings.workingDirectory, { recursive: true });
    if (o.settings.retentionEnabled) await c.initMarkers();
    return c;
  }

  private async initMarkers(): Promise<void> {
    const { settings, store, metrics, logger } = this.o;
    const byClient = new Map<ObjectClient, MarkerStore>();
    for (const p of store.schema.periods) {
      const name = periodName(p);
      let markers: MarkerStore;
      if (settings.deletionMarkerObjectStorePrefix !== '') {
        // Markers in object storage: one marker folder and one sweeper per store.
        const client = store.clientAt(p.fromMs);
        const existing = byClient.get(client);
        if (existing) {
          this.markersByPeriod.set(p, existing);
          continue;
        }
        markers = new MarkerStore(
          new PrefixedObjectClient(client, settings.deletionMarkerObjectStorePrefix),
          this.nowMs,
        );
        byClient.set(client, markers);
      } else {
        const dir = join(settings.workingDirectory, 'retention', name, 'markers');
        markers = new MarkerStore(await FilesystemObjectClient.open(dir), this.nowMs);
      }
      this.markersByPeriod.set(p, markers);
      this.sweepers.push(
        new Sweeper({
          markers,
          deleteChunk: (key) => this.deleteChunk(key),
          delayMs: settings.retentionDeleteDelayMs,
          workers: settings.retentionDeleteWorkerCount,
          backoff: settings.retentionBackoff,
          metrics,
          from: name,
          logger,
          nowMs: this.nowMs,
        }),
      );
    }
  }

  /** The object clients holding deletion markers, one per marker folder (for inspection). */
  markerClients(): ObjectClient[] {
    return [...new Set([...this.markersByPeriod.values()].map((m) => m.client))];
  }

  private async deleteChunk(key: string): Promise<void> {
    const from = chunkStartMs(key);
    if (from === null) throw new Error(`invalid chunk ID ${JSON.stringify(key)}`);
    await this.o.store.clientAt(from).deleteObject(key);
  }

  /** Starts the schedules: after one compaction interval (as Loki), compaction, retention and sweeping. */
  start(): void {
    if (this.running) return;
    this.o.metrics.compactorRunning.set(1);
    const signal = this.stopping.signal;
    const { settings, logger } = this.o;
    this.running = (async () => {
      try {
        await sleep(settings.compactionIntervalMs, signal);
      } catch {
        return;
      }
      const loops = [this.every(settings.compactionIntervalMs, () => this.runCompaction(false), signal)];
      if (settings.retentionEnabled) {
        loops.push(this.every(settings.applyRetentionIntervalMs, () => this.runCompaction(true), signal));
        loops.push(this.every(SWEEP_INTERVAL_MS, () => this.sweep(signal), signal));
      }
      logger.info('compactor started');
      await Promise.all(loops);
    })();
  }

  private async every(intervalMs: number, run: () => Promise<void>, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await run();
      } catch (err) {
        if (!signal.aborted) this.o.logger.error('compactor run failed', { err });
      }
      try {
        await sleep(intervalMs, signal);
      } catch {
        return;
      }
    }
  }

  /** Stops the schedules and waits for the work in progress to wind down. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.running;
    this.o.metrics.compactorRunning.set(0);
  }

  /** One pass of the sweeper over every marker store. */
  async sweep(signal: AbortSignal = this.stopping.signal): Promise<void> {
    for (const s of this.sweepers) {
      try {
        await s.sweep(signal);
      } catch (err) {
        if (!signal.aborted) this.o.logger.error('failed to list marks files', { err });
      }
    }
  }

  /**
   * One pass over every table: compaction, or with `applyRetention` retention
   * and delete requests as well (Loki's tablesManager.runCompaction).
   */
  async runCompaction(applyRetention: boolean): Promise<void> {
    const { metrics, settings, logger } = this.o;
    const started = performance.now();
    const pass = applyRetention ? await this.beginRetention() : null;
    let failed = false;
    try {
      const tables = await this.tablesToProcess();
      let firstErr: unknown = null;
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < tables.length && !this.stopping.signal.aborted) {
          const t = tables[next++]!;
          try {
            await this.compactTable(t.table, t.client, pass);
          } catch (err) {
            firstErr ??= err;
            logger.error('failed to compact files', { table: t.table.name, err });
          }
        }
      };
      await Promise.all(Array.from({ length: settings.maxCompactionParallelism }, worker));
      if (firstErr) throw firstErr;
      if (this.stopping.signal.aborted) throw new Error('compactor stopping');
    } catch (err) {
      failed = true;
      throw err;
    } finally {
      const seconds = (performance.now() - started) / 1000;
      const status = failed ? 'failure' : 'success';
      if (applyRetention) {
        metrics.applyRetentionOperationTotal.inc({ status });
        if (!failed) {
          metrics.applyRetentionOperationDurationSeconds.set(seconds);
          metrics.applyRetentionLastSuccess.set(this.nowMs() / 1000);
        }
      } else {
        metrics.compactTablesOperationTotal.inc({ status });
        if (!failed) {
          metrics.compactTablesOperationDurationSeconds.set(seconds);
          metrics.compactTablesOperationLastSuccess.set(this.nowMs() / 1000);
        }
        if (seconds * 1000 > settings.compactionIntervalMs)
          logger.warn(
            'last compaction took longer than the compaction interval, this can lead to duplicate compactors running if not running a standalone compactor instance',
            { duration: `${seconds}s` },
          );
      }
      if (pass) await this.finishRetention(pass, failed);
    }
  }

  private async tablesToProcess(): Promise<Array<{ table: TableRef; client: ObjectClient }>> {
    const { store, settings } = this.o;
    let tables = await listTables(store.schema, (p) => store.clientAt(p.fromMs));
    if (settings.skipLatestNTables <= tables.length) tables = tables.slice(settings.skipLatestNTables);
    if (settings.tablesToCompact > 0 && settings.tablesToCompact < tables.length)
      tables = tables.slice(0, settings.tablesToCompact);
    return tables;
  }

  /** Loki's MarkPhaseStarted: loads the delete requests this pass processes. */
  private async beginRetention(): Promise<RetentionPass> {
    const { metrics, logger, settings, deleteRequests } = this.o;
    const nowMs = this.nowMs();
    let deletes = DeleteBatch.empty(metrics);
    if (deleteRequests) {
      try {
        deletes = DeleteBatch.load({
          shards: deleteRequests.unprocessedShards(),
          nowMs,
          cancelPeriodMs: settings.deleteRequestCancelPeriodMs,
          batchSize: settings.deleteBatchSize,
          deletionMode: (t) => this.o.limits(t).deletion_mode,
          longestRetention: (t) => this.rules.longestPeriod(t),
          metrics,
          logger,
        });
        await this.markProcessed(deletes.beyondRetention);
        metrics.loadPendingRequestsAttemptsTotal.inc({ status: 'success' });
      } catch (err) {
        deletes = DeleteBatch.empty(metrics);
        metrics.loadPendingRequestsAttemptsTotal.inc({ status: 'fail' });
        logger.error('failed to load delete requests to process', { err });
      }
      this.updatePendingMetrics(nowMs);
    }
    const rewrites = new Map<string, Promise<RewriteOutcome>>();
    return new RetentionPass({
      nowMs,
      rules: this.rules,
      deletes,
      indexSetTimeoutMs: settings.retentionTableTimeoutMs,
      clock: this.nowMs,
      // A chunk indexed in two tables is rewritten once per pass, with the same result for both.
      rewrite: (tenant, fp, ref, filter) => {
        const key = `${tenant}/${fp}/${ref.fromMs}:${ref.throughMs}:${ref.checksum}`;
        let p = rewrites.get(key);
        if (!p) {
          p = this.rewrite(tenant, fp, ref, filter);
          rewrites.set(key, p);
        }
        return p;
      },
    });
  }

  private async rewrite(tenant: string, fp: string, ref: ChunkRef, filter: LineFilter): Promise<RewriteOutcome> {
    const { store } = this.o;
    let source: Buffer;
    try {
      source = await store.getChunk(tenant, fp, ref, this.stopping.signal);
    } catch (err) {
      if (!isObjectNotFound(err)) throw err;
      // Already swept (a stale index entry left by an interrupted earlier pass): nothing to
      // rewrite, and an entry for a chunk that is gone only breaks queries, so it goes.
      this.o.logger.warn('chunk selected by a delete request no longer exists; dropping its index entry', {
        tenant,
        fp,
        from: ref.fromMs,
      });
      return { linesDeleted: true, newRef: null };
    }
    const r = rewriteChunk(source, filter);
    if (r.removed === 0) return { linesDeleted: false, newRef: null };
    if (!r.object) {
      this.o.logger.info('Delete request filterFunc leaves an empty chunk', { tenant, fp, from: ref.fromMs });
      return { linesDeleted: true, newRef: null };
    }
    const { ref: newRef } = await store.putChunk(tenant, fp, r.object, r.minNs, r.maxNs, r.entries, r.linesSize);
    return { linesDeleted: true, newRef };
  }

  /** Loki's MarkPhaseFinished / MarkPhaseFailed / MarkPhaseTimedOut for the delete requests. */
  private async finishRetention(pass: RetentionPass, failed: boolean): Promise<void> {
    const { metrics, logger, deleteRequests } = this.o;
    if (!deleteRequests) return;
    if (failed || pass.timedOut) {
      metrics.deletionFailures.inc({ cause: failed ? 'error' : 'timeout' });
      if (pass.timedOut) logger.warn('Timed out while running delete');
      return;
    }
    const batch = pass.deletes;
    if (batch.requestCount === 0 && batch.duplicates.length === 0) return;
    try {
      await this.markProcessed([...batch.shards(), ...batch.duplicates]);
      await deleteRequests.mergeShardedRequests();
    } catch (err) {
      logger.error('failed to mark delete requests as processed', { err });
    }
    this.updatePendingMetrics(this.nowMs());
  }

  private async markProcessed(shards: readonly DeleteRequestShard[]): Promise<void> {
    if (shards.length === 0 || !this.o.deleteRequests) return;
    await this.o.deleteRequests.markProcessed(shards);
    for (const s of shards) {
      this.o.metrics.deleteRequestsProcessedTotal.inc({ user: s.tenant });
      this.o.logger.info('delete request for user marked as processed', {
        delete_request_id: s.requestId,
        sequence_num: s.seq,
        user: s.tenant,
      });
    }
  }

  /** Loki's pending-request gauges: requests past their cancellation period and not processed yet. */
  private updatePendingMetrics(nowMs: number): void {
    const { deleteRequests, metrics, settings } = this.o;
    if (!deleteRequests) return;
    let pending = 0;
    let oldest = 0;
    for (const s of deleteRequests.unprocessedShards()) {
      if (this.o.limits(s.tenant).deletion_mode !== 'filter-and-delete') continue;
      if (s.createdAtMs + settings.deleteRequestCancelPeriodMs + CANCEL_RACE_GUARD_MS > nowMs) continue;
      pending++;
      if (oldest === 0 || s.createdAtMs < oldest) oldest = s.createdAtMs;
    }
    metrics.pendingDeleteRequestsCount.set(pending);
    metrics.oldestPendingDeleteRequestAgeSeconds.set(
      oldest === 0 ? 0 : Math.floor((nowMs - (oldest + settings.deleteRequestCancelPeriodMs)) / 1000),
    );
  }

  private async compactTable(table: TableRef, client: ObjectClient, pass: RetentionPass | null): Promise<void> {
    const { metrics, logger } = this.o;
    if (!this.locks.tryLock(table.name)) {
      if (!pass) {
        // Retention holds the table and will compact it; note it if there was something to compact.
        if (await this.hasUncompactedIndex(table, client)) {
          metrics.skippedCompactingLockedTables.inc({ table_name: table.name });
          logger.warn('skipped compacting table which likely has uncompacted index since it is locked by retention', {
            table_name: table.name,
          });
        }
        return;
      }
      if (!(await this.locks.lock(table.name, this.stopping.signal))) return;
    }
    try {
      for (const tenant of await listTenants(client, table.name)) {
        if (this.stopping.signal.aborted) return;
        await this.compactIndexSet(table, tenant, client, pass);
      }
    } finally {
      this.locks.unlock(table.name);
    }
    if (!pass) metrics.skippedCompactingLockedTables.set({ table_name: table.name }, 0);
  }

  private async hasUncompactedIndex(table: TableRef, client: ObjectClient): Promise<boolean> {
    try {
      for (const tenant of await listTenants(client, table.name)) {
        if ((await listIndexFiles(client, table.name, tenant)).length > 1) return true;
      }
      return false;
    } catch {
      return true;
    }
  }

  /** Merges a tenant's files of a table, applies retention when due, and swaps the result in. */
  private async compactIndexSet(
    table: TableRef,
    tenant: string,
    client: ObjectClient,
    pass: RetentionPass | null,
  ): Promise<void> {
    const { store, logger, settings, metrics } = this.o;
    const keys = await listIndexFiles(client, table.name, tenant);
    if (keys.length === 0) return;
    const retain = pass?.mayHaveExpiredChunks(table, tenant) ?? false;
    if (keys.length === 1 && !retain) return;

    const inputs: Array<{ key: string; file: IndexFile }> = [];
    for (const key of keys) {
      try {
        inputs.push({ key, file: IndexFile.decode(await client.getObject(key)) });
      } catch (err) {
        // Gone since the listing, or unreadable: leave it where it is, merge the rest.
        if (!isObjectNotFound(err)) logger.error('skipping unreadable index file', { key, err });
      }
    }
    if (inputs.length === 0) return;
    const set = IndexSet.merge(
      table,
      tenant,
      inputs.map((i) => i.file),
    );
    if (set.isEmpty) throw new Error(`${NO_CHUNKS_FOUND} (table ${table.name}, tenant ${tenant})`);

    if (pass && retain) {
      const from = periodName(table.period);
      const started = performance.now();
      let status = 'success';
      try {
        const { marks } = await pass.mark(set);
        await this.markersByPeriod.get(table.period)?.put(marks);
        metrics.markerCountTotal.inc({ table: table.name, from }, marks.length);
        const action = set.isEmpty ? 'deleted' : set.modified ? 'modified' : 'none';
        metrics.markerTableProcessedTotal.inc({ table: table.name, user_id: tenant, action, from });
      } catch (err) {
        status = 'failure';
        if (err instanceof ChunkCorruptError) logger.error('a chunk selected by a delete request is corrupt', { err });
        throw err;
      } finally {
        metrics.markerTableProcessedDurationSeconds.observe(
          { table: table.name, status, from },
          (performance.now() - started) / 1000,
        );
      }
    }
    if (inputs.length === 1 && !set.modified) return;

    // Upload first, delete second: a reader always finds the data in one or the other.
    let added: { key: string; file: IndexFile } | undefined;
    if (!set.isEmpty) {
      const bytes = encodeIndexFile(set.toIndexSeries());
      const key = `${indexDir(table.name, tenant)}compactor-${this.nowMs()}-${this.seq++}${INDEX_FILE_SUFFIX}`;
      await client.putObject(key, bytes);
      added = { key, file: IndexFile.decode(bytes) };
    }
    const removed = inputs.map((i) => i.key);
    store.indexReader.replaceFiles(table, tenant, removed, added);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < removed.length) await client.deleteObject(removed[next++]!);
    };
    await Promise.all(Array.from({ length: Math.min(settings.uploadParallelism, removed.length) }, worker));
    logger.debug('compacted index', {
      table: table.name,
      tenant,
      inputs: removed.length,
      output: added?.key ?? 'none (all data removed)',
    });
  }
}

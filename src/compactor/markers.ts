// Deletion markers and the sweeper. Retention and delete requests never delete
// a chunk at once: they remove it from the index and write its key into a
// marker; the sweeper deletes the chunks of a marker once the marker is older
// than `retention_delete_delay`, so that queriers whose index view is not
// refreshed yet (other processes cache listings) still find every chunk they
// were told about.
//
// As in Loki, markers live in the working directory under
// `retention/<object store>_<period start>/markers/`, or in the period's object
// store under `deletion_marker_object_store_prefix`. A marker is named after
// its creation time in unix nanoseconds; its body is a header line and one
// chunk key per line.

import { Backoff, type BackoffSettings, sleep } from '../storage/objstore/backoff.js';
import type { ObjectClient } from '../storage/objstore/client.js';
import type { Logger } from '../util/log.js';
import type { CompactorMetrics } from './metrics.js';

const HEADER = 'skald-deletion-markers v1';

/** How often the sweeper looks for markers that are due (Loki's minListMarkDelay). */
export const SWEEP_INTERVAL_MS = 60_000;

export class MarkerStore {
  private lastNameNs = 0n;

  constructor(
    /** Where markers are kept; keys are bare marker names. */
    readonly client: ObjectClient,
    private readonly nowMs: () => number = Date.now,
  ) {}

  /** Writes one marker holding `chunkKeys` (nothing for an empty list). */
  async put(chunkKeys: readonly string[]): Promise<void> {
    if (chunkKeys.length === 0) return;
    // Names must be unique and increasing: take the clock, or one past the last name.
    let ns = BigInt(this.nowMs()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n);
    if (ns <= this.lastNameNs) ns = this.lastNameNs + 1n;
    this.lastNameNs = ns;
    await this.client.putObject(ns.toString(), Buffer.from(`${HEADER}\n${chunkKeys.join('\n')}\n`));
  }

  /** Marker names with their creation time (ms), oldest first; foreign objects are skipped. */
  async list(): Promise<Array<{ name: string; createdMs: number }>> {
    const res = await this.client.list('', '/');
    const out: Array<{ name: string; createdMs: number }> = [];
    for (const o of res.objects) {
      if (!/^\d+$/.test(o.key)) continue;
      out.push({ name: o.key, createdMs: Number(BigInt(o.key) / 1_000_000n) });
    }
    return out.sort((a, b) => a.createdMs - b.createdMs || (a.name < b.name ? -1 : 1));
  }

  /** The chunk keys of a marker; null when it is not one of ours. */
  async read(name: string): Promise<string[] | null> {
    const text = (await this.client.getObject(name)).toString('utf8');
    const lines = text.split('\n');
    if (lines[0] !== HEADER) return null;
    return lines.slice(1).filter((l) => l !== '');
  }

  async remove(name: string): Promise<void> {
    await this.client.deleteObject(name);
  }
}

export interface SweeperOptions {
  markers: MarkerStore;
  /** Deletes a chunk object; deleting an absent one succeeds. */
  deleteChunk: (key: string) => Promise<void>;
  delayMs: number;
  workers: number;
  backoff: BackoffSettings;
  metrics: CompactorMetrics;
  /** The `from` label of the period (`<object store>_<YYYY-MM-DD>`). */
  from: string;
  logger: Logger;
  nowMs?: () => number;
}

/** Deletes the chunks of markers older than the delay, then the markers. */
export class Sweeper {
  private readonly nowMs: () => number;

  constructor(private readonly o: SweeperOptions) {
    this.nowMs = o.nowMs ?? Date.now;
  }

  /** One pass over the markers that are due; a marker with a chunk that could not be deleted stays for the next pass. */
  async sweep(signal?: AbortSignal): Promise<void> {
    const { markers, metrics, from } = this.o;
    const all = await markers.list();
    metrics.sweeperMarkerFilesCurrent.set({ from }, all.length);
    const due = all.filter((m) => this.nowMs() - m.createdMs > this.o.delayMs);
    if (due.length === 0) {
      metrics.sweeperMarkerFileProcessingCurrentTime.set({ from }, 0);
      return;
    }
    for (const m of due) {
      if (signal?.aborted) return;
      metrics.sweeperMarkerFileProcessingCurrentTime.set({ from }, m.createdMs / 1000);
      let keys: string[] | null;
      try {
        keys = await markers.read(m.name);
      } catch (err) {
        this.o.logger.warn('failed to read deletion marker', { name: m.name, err });
        continue;
      }
      if (keys === null) {
        this.o.logger.warn('skipping a file in the markers directory that is not a Skald marker', { name: m.name });
        continue;
      }
      const allDeleted = await this.deleteAll(keys, signal);
      if (!allDeleted || signal?.aborted) continue;
      try {
        await markers.remove(m.name);
        metrics.sweeperMarkerFilesDeletedTotal.inc({ from });
      } catch (err) {
        this.o.logger.warn('failed to delete deletion marker', { name: m.name, err });
      }
    }
  }

  private async deleteAll(keys: readonly string[], signal?: AbortSignal): Promise<boolean> {
    let next = 0;
    let ok = true;
    const worker = async (): Promise<void> => {
      while (next < keys.length && !signal?.aborted) {
        const key = keys[next++]!;
        if (!(await this.deleteOne(key, signal))) ok = false;
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.o.workers, keys.length) }, worker));
    return ok;
  }

  private async deleteOne(key: string, signal?: AbortSignal): Promise<boolean> {
    const started = performance.now();
    const backoff = new Backoff(this.o.backoff);
    let lastErr: unknown;
    for (;;) {
      try {
        await this.o.deleteChunk(key);
        this.observe('success', started);
        return true;
      } catch (err) {
        lastErr = err;
      }
      if (signal?.aborted || !backoff.ongoing()) break;
      try {
        await sleep(backoff.nextDelay(), signal);
      } catch {
        break;
      }
    }
    this.o.logger.error('error deleting chunk', { chunkID: key, err: lastErr });
    this.observe('failure', started);
    return false;
  }

  private observe(status: string, started: number): void {
    this.o.metrics.sweeperChunkDeletedDurationSeconds.observe(
      { status, from: this.o.from },
      (performance.now() - started) / 1000,
    );
  }
}

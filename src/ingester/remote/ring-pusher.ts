// The distributor's path to ingesters over the ring (Loki's distributor
// Push): each stream goes to the replication_factor ACTIVE ingesters owning
// its hash (tenant + labels), one request per ingester with all of its
// streams, in parallel; the push succeeds once every stream is stored on a
// quorum of its ingesters. The ingester in this process is called directly.
import type { IngesterClient } from '../../distributor/distributor.js';
import { entrySize, type PushEntry } from '../../distributor/push-request.js';
import { doBatch, type KeyRing } from '../../ring/batch.js';
import { RingError, WriteNoExtend } from '../../ring/ring.js';
import { tokenFor } from '../../ring/tokens.js';
import type { IngestStream } from '../ingester.js';
import type { IngesterClientPool } from './client.js';

export interface RingPusherDeps {
  ring: KeyRing;
  pool: IngesterClientPool;
  /** The ingester of this process and its instance id in the ring. */
  local?: { id: string; ingester: IngesterClient };
  /** ingester_client.remote_timeout */
  timeoutMs: number;
  /** Bytes of entries per request, so requests stay under the ingesters' gRPC receive limit. */
  maxRequestBytes: number;
}

/** An error answered with an HTTP status (the distributor turns it into its response). */
export class StatusError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class RingPusher implements IngesterClient {
  constructor(private readonly deps: RingPusherDeps) {}

  async push(tenant: string, streams: readonly IngestStream[]): Promise<void> {
    const keys = streams.map((s) => tokenFor(tenant, s.key));
    const { local, pool, timeoutMs, maxRequestBytes } = this.deps;
    try {
      await doBatch(this.deps.ring, WriteNoExtend, keys, async (instance, indexes) => {
        const subset = indexes.map((i) => streams[i]!);
        if (local && instance.id === local.id) return local.ingester.push(tenant, subset);
        const client = pool.get(instance.addr);
        await Promise.all(splitRequests(subset, maxRequestBytes).map((req) => client.push(tenant, req, timeoutMs)));
      });
    } catch (err) {
      // Too few healthy ingesters: Loki answers 500 with the ring's message.
      if (err instanceof RingError) throw new StatusError(500, err.message);
      throw err;
    }
  }
}

/**
 * Splits streams into requests of at most about `maxBytes` of entries; a
 * stream larger than that is split by entries (each part is a valid push).
 */
export function splitRequests(streams: readonly IngestStream[], maxBytes: number): IngestStream[][] {
  if (maxBytes <= 0) return [[...streams]];
  const out: IngestStream[][] = [];
  let cur: IngestStream[] = [];
  let size = 0;
  const flush = () => {
    if (cur.length > 0) out.push(cur);
    cur = [];
    size = 0;
  };
  for (const s of streams) {
    let part: PushEntry[] = [];
    let partSize = 0;
    const overhead = 32 + s.key.length * 2;
    for (const e of s.entries) {
      const n = entrySize(e) + 24;
      if (size + partSize + n + overhead > maxBytes && (part.length > 0 || cur.length > 0)) {
        if (part.length > 0) cur.push({ ...s, entries: part });
        flush();
        part = [];
        partSize = 0;
      }
      part.push(e);
      partSize += n;
    }
    if (part.length > 0) {
      cur.push(part.length === s.entries.length ? s : { ...s, entries: part });
      size += partSize + overhead;
    }
  }
  flush();
  return out;
}

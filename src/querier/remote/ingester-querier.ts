// The querier's view of ingesters in other processes (Loki's
// IngesterQuerier): a read asks every healthy ingester of the ring and
// succeeds once all but the tolerated number answered; streams held by
// several replicas are joined, and chunks that are byte-for-byte the same on
// two replicas are kept once. What remains overlapping is merged by the
// block reader, which drops duplicate entries.
import { crc32 } from 'node:zlib';
import type { IngesterClientPool } from '../../ingester/remote/client.js';
import { doQuorum } from '../../ring/batch.js';
import type { InstanceDesc } from '../../ring/model.js';
import { Read, type ReplicationSet } from '../../ring/ring.js';
import type { Labels } from '../../util/labels.js';
import type { CompiledMatcher } from '../../util/matchers.js';
import { NS_PER_MS } from '../../util/time.js';
import type { IngesterReader, IngesterStream, InMemoryChunk } from '../sources.js';

export interface ReadRing {
  replicationSetForOperation(op: typeof Read): ReplicationSet;
  allHealthy(op: typeof Read): InstanceDesc[];
}

export interface RingIngesterReaderDeps {
  ring: ReadRing;
  pool: IngesterClientPool;
  /** The ingester of this process and its instance id in the ring, read without a call. */
  local?: { id: string; reader: IngesterReader };
  /** Deadline of one call (the tenant's query timeout bounds the query anyway). */
  timeoutMs: number;
  /** querier.query_ingesters_within: queries ending before now minus this skip the ingesters (0: never). */
  queryIngestersWithinMs: number;
  now?: () => number;
}

export class RingIngesterReader implements IngesterReader {
  constructor(private readonly deps: RingIngesterReaderDeps) {}

  /** Loki asks ingesters only when the query reaches into query_ingesters_within of now. */
  private skips(throughNs: bigint): boolean {
    const within = this.deps.queryIngestersWithinMs;
    if (within <= 0) return false;
    const now = (this.deps.now ?? Date.now)();
    return throughNs < BigInt(Math.floor(now - within)) * NS_PER_MS;
  }

  async select(
    tenant: string,
    matchers: readonly CompiledMatcher[],
    fromNs: bigint,
    throughNs: bigint,
  ): Promise<IngesterStream[]> {
    if (this.skips(throughNs)) return [];
    const { local, pool, timeoutMs } = this.deps;
    const answers = await doQuorum(this.deps.ring.replicationSetForOperation(Read), async (inst, signal) => {
      if (local && inst.id === local.id) return local.reader.select(tenant, matchers, fromNs, throughNs);
      return pool.get(inst.addr).select({ tenant, matchers, fromNs, throughNs }, timeoutMs, signal);
    });
    return joinReplicas(answers);
  }

  async streamLabels(
    tenant: string,
    matchers: readonly CompiledMatcher[],
    fromNs: bigint,
    throughNs: bigint,
  ): Promise<Array<{ labels: Labels; key: string }>> {
    if (this.skips(throughNs)) return [];
    const { local, pool, timeoutMs } = this.deps;
    const answers = await doQuorum(this.deps.ring.replicationSetForOperation(Read), async (inst) => {
      if (local && inst.id === local.id) return local.reader.select(tenant, matchers, fromNs, throughNs);
      return pool.get(inst.addr).series({ tenant, matchers, fromNs, throughNs }, timeoutMs);
    });
    const byKey = new Map<string, { labels: Labels; key: string }>();
    for (const list of answers) for (const s of list) if (!byKey.has(s.key)) byKey.set(s.key, s);
    return [...byKey.values()];
  }
}

/** One stream per key, with the chunks of every replica, identical chunks once. */
export function joinReplicas(answers: ReadonlyArray<readonly IngesterStream[]>): IngesterStream[] {
  if (answers.length === 1) return [...answers[0]!];
  const byKey = new Map<string, { stream: IngesterStream; seen: Set<string> }>();
  for (const list of answers) {
    for (const s of list) {
      let e = byKey.get(s.key);
      if (!e) {
        e = { stream: { labels: s.labels, key: s.key, fp: s.fp, chunks: [] }, seen: new Set() };
        byKey.set(s.key, e);
      }
      for (const c of s.chunks) {
        const sig = c.storeKey ?? chunkSignature(c.chunk);
        if (e.seen.has(sig)) continue;
        e.seen.add(sig);
        e.stream.chunks.push(c);
      }
    }
  }
  return [...byKey.values()].map((e) => e.stream);
}

/**
 * Identifies a chunk's contents: replicas that received the same entries in
 * the same order cut the same blocks, whose checksums then agree; the head
 * is compared by a checksum of its times and lines.
 */
export function chunkSignature(c: InMemoryChunk): string {
  let sig = `${c.baseNs}`;
  for (const b of c.blocks) sig += `|${b.count}:${b.indexCrc}:${b.linesCrc}:${b.metadataCrc}`;
  const h = c.headView();
  if (h && h.count > 0) {
    const ts = Buffer.from(h.ts.buffer, h.ts.byteOffset, h.count * 8);
    const lines = h.lines.subarray(0, h.offsets[h.count]!);
    let meta = '';
    if (h.metadata) for (let i = 0; i < h.count; i++) meta += JSON.stringify(h.metadata[i] ?? []);
    sig += `|h${h.count}:${crc32(ts)}:${crc32(lines)}:${crc32(meta)}`;
  }
  return sig;
}
